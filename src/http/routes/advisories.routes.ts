import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ADVISORY_STATES } from '../../core/advisories/index.ts';
import { ECOSYSTEMS } from '../../core/versions/ecosystems.ts';
import { CVE_RECORD_VERSIONS } from '../../core/formats/cve5.ts';
import { createAdvisory, listAdvisories, moveAdvisory, readAdvisory, readRevisions, updateAdvisory } from '../../services/advisories/advisories.ts';
import { changelogOf, EXPORT_FORMATS, exportStoredAdvisory } from '../../services/advisories/exports.ts';
import type { ServiceContext } from '../../services/context.ts';
import { actorLabel } from '../auth.ts';
import { Document, Slug, SlugParams, Str, TrackingId } from '../../api/schemas.ts';
import {
  AdvisoryListSchema,
  AdvisoryViewSchema,
  AffectedSchema,
  CreditSchema,
  CvssVectorsSchema,
  lit,
  NullFirst as Nullable,
  ReferenceSchema,
  RevisionListSchema,
} from '../../api/schemas/advisories.ts';
import { presentAdvisorySummary, presentAdvisoryView, presentRevision } from '../../api/present-advisories.ts';

export const AdvisoryId = Type.String({ pattern: '^[A-Z][A-Z0-9]{1,9}-SA-\\d{4}-\\d{4,}$', description: 'advisory id, e.g. PRIV-SA-2026-0001' });
const AdvisoryParams = Type.Object({ slug: Slug, id: AdvisoryId });

const ContentFields = {
  title: Type.Optional(Str(200, 1)),
  summary: Type.Optional(Str(160)),
  details: Type.Optional(Str(50_000)),
  cwe_ids: Type.Optional(Type.Array(Str(20, 1), { maxItems: 20 })),
  cvss: Type.Optional(CvssVectorsSchema),
  affected: Type.Optional(Type.Array(AffectedSchema, { maxItems: 50 })),
  references: Type.Optional(Type.Array(ReferenceSchema, { maxItems: 100 })),
  credits: Type.Optional(Type.Array(CreditSchema, { maxItems: 50 })),
  cve_id: Type.Optional(Nullable(Str(30, 1))),
  embargo_until: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
};

const CreateBody = Type.Object(
  {
    ...ContentFields,
    report: Type.Optional(TrackingId),
    ecosystem: Type.Optional(lit(ECOSYSTEMS)),
    package: Type.Optional(Str(214, 1)),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    ...ContentFields,
    note: Type.Optional(Nullable(Str(2000))),
    embargo_follows_report: Type.Optional(Type.Boolean({ description: "true: take the report's embargo date and follow it; false: keep the date as the advisory's own" })),
  },
  { additionalProperties: false },
);
const TransitionBody = Type.Object({ to: lit(ADVISORY_STATES), summary: Type.Optional(Nullable(Str(2000))) }, { additionalProperties: false });

const ExportQuery = Type.Object(
  {
    format: Type.Optional(lit(EXPORT_FORMATS)),
    cna_org_id: Type.Optional(Type.String({ format: 'uuid', description: "for format=cve: the CNA's organisation UUID (default EMBARGO_CVE_ORG_ID)" })),
    cna_short_name: Type.Optional(Str(32, 2)),
    cve_version: Type.Optional(lit(CVE_RECORD_VERSIONS)),
  },
  { additionalProperties: false },
);


export const advisoryRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/advisories',
    { schema: { tags: ['advisories'], summary: 'Advisories of the project, newest first (members)', params: SlugParams, response: { 200: AdvisoryListSchema } } },
    async (req) => {
      const p = req.project;
      return { advisories: (await listAdvisories(ctx, p, req.actor)).map(presentAdvisorySummary) };
    },
  );

  app.post(
    '/api/v1/projects/:slug/advisories',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Draft an advisory, on its own or from a report ("report": tracking id pre-fills title, CWE, CVSS, credit, branches)',
        params: SlugParams,
        body: CreateBody,
        response: { 201: AdvisoryViewSchema },
      },
    },
    async (req, reply) => {
      const p = req.project;
      const view = await createAdvisory(ctx, p, req.actor, actorLabel(req), req.body);
      return reply.status(201).header('location', `/api/v1/projects/${p.slug}/advisories/${view.advisory.id}`).send(presentAdvisoryView(ctx.publicUrl, p.slug, view));
    },
  );

  app.get(
    '/api/v1/projects/:slug/advisories/:id',
    {
      schema: {
        tags: ['advisories'],
        summary: 'One advisory; with ?format=osv|cve|csaf|csaf-vex|openvex its export (OSV 1.7, CVE JSON 5.2 or 5.1 — refused with its problems when invalid against its schema —, CSAF 2.0, CSAF VEX and OpenVEX 0.2.0 with the case parties’ statuses) as JSON',
        params: AdvisoryParams,
        querystring: ExportQuery,
        response: { 200: AdvisoryViewSchema },
      },
    },
    async (req, reply) => {
      const p = req.project;
      if (!req.query.format) return presentAdvisoryView(ctx.publicUrl, p.slug, await readAdvisory(ctx, p, req.params.id, req.actor, actorLabel(req), 'view'));
      const out = await exportStoredAdvisory(ctx, p, req.params.id, req.actor, actorLabel(req), {
        format: req.query.format,
        cnaOrgId: req.query.cna_org_id,
        cnaShortName: req.query.cna_short_name,
        cveVersion: req.query.cve_version,
      });
      // Serialised here: the export's own schema is the format's, not this route's.
      return reply
        .type(out.contentType)
        .header('content-disposition', `inline; filename="${out.filename}"`)
        .header('cache-control', 'private, no-store')
        .serializer((x: unknown) => JSON.stringify(x, null, 2))
        .send(out.document as never);
    },
  );

  app.put(
    '/api/v1/projects/:slug/advisories/:id',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Edit an advisory (each save is a revision); on a published one this is an amendment and needs a "note"',
        params: AdvisoryParams,
        body: UpdateBody,
        response: { 200: AdvisoryViewSchema },
      },
    },
    async (req) => {
      const p = req.project;
      const view = await updateAdvisory(ctx, p, req.params.id, req.actor, actorLabel(req), req.body);
      return presentAdvisoryView(ctx.publicUrl, p.slug, view);
    },
  );

  app.post(
    '/api/v1/projects/:slug/advisories/:id/transitions',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Move an advisory: draft ⇄ in-review (advisory:edit); scheduled, published, withdrawn (advisory:publish)',
        params: AdvisoryParams,
        body: TransitionBody,
        response: { 200: AdvisoryViewSchema },
      },
    },
    async (req) => {
      const p = req.project;
      const view = await moveAdvisory(ctx, p, req.params.id, req.actor, actorLabel(req), { to: req.body.to, summary: req.body.summary ?? null });
      return presentAdvisoryView(ctx.publicUrl, p.slug, view);
    },
  );

  app.get(
    '/api/v1/projects/:slug/advisories/:id/revisions',
    { schema: { tags: ['advisories'], summary: 'Every saved version of the advisory, oldest first', params: AdvisoryParams, response: { 200: RevisionListSchema } } },
    async (req) => {
      const p = req.project;
      return { revisions: (await readRevisions(ctx, p, req.params.id, req.actor, actorLabel(req))).map(presentRevision) };
    },
  );

  app.get(
    '/api/v1/projects/:slug/advisories/:id/changelog',
    { schema: { tags: ['advisories'], summary: 'The changelog entry for the release notes (Markdown)', params: AdvisoryParams, response: { 200: Document('text/markdown', 'the changelog entry') } } },
    async (req, reply) => {
      const p = req.project;
      const view = await readAdvisory(ctx, p, req.params.id, req.actor, actorLabel(req), 'changelog');
      return reply.type('text/markdown; charset=utf-8').send(changelogOf(ctx.publicUrl, p, view.advisory));
    },
  );
};
