import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { craDraftText } from '../../core/cra/drafts.ts';
import { DomainError } from '../../core/errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { craView, markExploitation, recordFiling } from '../../services/cra/cra.ts';
import { actorLabel } from '../auth.ts';
import { presentCra } from '../../api/present-cra.ts';
import { Nullable, ReportParams, Slug, Str, TrackingId } from '../../api/schemas.ts';
import { CraDraftSchema, CraStageEnum, CraViewSchema } from '../../api/schemas/cra.ts';

const StageParams = Type.Object({ slug: Slug, trackingId: TrackingId, stage: CraStageEnum });

/** EU Cyber Resilience Act Article 14 reporting of a report (docs/cra.md): Embargo keeps the clocks and drafts; filing happens outside it. */
export const craRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/reports/:trackingId/cra',
    { schema: { tags: ['cra'], summary: "The report's CRA Article 14 status, clocks and the draft of each stage", params: ReportParams, response: { 200: CraViewSchema } } },
    async (req) => presentCra(await craView(ctx, req.project, req.params.trackingId, req.actor)),
  );

  app.put(
    '/api/v1/projects/:slug/reports/:trackingId/exploitation',
    {
      schema: {
        tags: ['cra'],
        summary: 'Mark the report actively exploited and/or a severe incident, with when you became aware (starts the CRA clocks); false/false unmarks it',
        params: ReportParams,
        body: Type.Object(
          { actively_exploited: Type.Boolean(), severe_incident: Type.Optional(Type.Boolean()), aware_at: Type.Optional(Nullable(Str(40, 10))) },
          { additionalProperties: false },
        ),
        response: { 200: CraViewSchema },
      },
    },
    async (req) => {
      const b = req.body;
      const view = await markExploitation(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req), {
        activelyExploited: b.actively_exploited,
        severeIncident: b.severe_incident ?? false,
        awareAt: b.aware_at ?? null,
      });
      return presentCra(view);
    },
  );

  app.post(
    '/api/v1/projects/:slug/reports/:trackingId/cra/filings',
    {
      schema: {
        tags: ['cra'],
        summary: 'Record that a stage was filed on the single reporting platform, when, and the reference it got (meets that clock)',
        params: ReportParams,
        body: Type.Object({ stage: CraStageEnum, filed_at: Str(40, 10), reference: Str(200, 1) }, { additionalProperties: false }),
        response: { 200: CraViewSchema },
      },
    },
    async (req) => presentCra(await recordFiling(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req), { stage: req.body.stage, filedAt: req.body.filed_at, reference: req.body.reference })),
  );

  app.get(
    '/api/v1/projects/:slug/reports/:trackingId/cra/drafts/:stage',
    {
      schema: {
        tags: ['cra'],
        summary: "One stage's draft for filing: JSON, or plain text with ?format=text",
        params: StageParams,
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('text')])) }, { additionalProperties: false }),
        response: { 200: { description: 'the draft: JSON, or label: value lines', content: { 'application/json': { schema: CraDraftSchema }, 'text/plain': { schema: Type.String() } } } },
      },
    },
    async (req, reply) => {
      const view = await craView(ctx, req.project, req.params.trackingId, req.actor);
      const draft = view.drafts.find((d) => d.stage === req.params.stage);
      if (!draft) throw new DomainError('not_found', `No ${req.params.stage} draft`);
      if (req.query.format === 'text') return reply.type('text/plain; charset=utf-8').header('cache-control', 'private, no-store').send(craDraftText(draft));
      return { stage: draft.stage, due_at: draft.due_at, filed: draft.filed, content: draft.content };
    },
  );
};
