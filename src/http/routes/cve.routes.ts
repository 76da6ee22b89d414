import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { deleteCveSettings, getCveSettings, setCveSettings } from '../../services/cve/credentials.ts';
import { advisoryCve, cveQuota, markCveRequested, reserveCveForAdvisory, retryCvePublication } from '../../services/cve/advisory-cve.ts';
import { actorLabel } from '../auth.ts';
import { presentAdvisoryCve, presentCveSettings } from '../../api/present-cve.ts';
import { NoBody, Slug, SlugParams, Str } from '../../api/schemas.ts';
import { AdvisoryId } from './advisories.routes.ts';
import { AdvisoryCveSchema, CveQuotaSchema, CveRecordVersionEnum, CveSettingsSchema } from '../../api/schemas/cve.ts';

const AdvisoryParams = Type.Object({ slug: Slug, id: AdvisoryId });

/** CVE Services (issue 20, docs/cve.md): a project's credentials, its quota, and each advisory's CVE section. */
export const cveRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/cve/settings',
    { schema: { tags: ['cve'], summary: "The project's CVE Services settings (project admins; the API key is never answered)", params: SlugParams, response: { 200: CveSettingsSchema } } },
    async (req) => presentCveSettings(await getCveSettings(ctx, req.project, req.actor)),
  );

  app.put(
    '/api/v1/projects/:slug/cve/settings',
    {
      schema: {
        tags: ['cve'],
        summary: 'Set the CVE Services credentials: the key is write-only (omit it to keep the stored one) and sealed at rest',
        params: SlugParams,
        body: Type.Object(
          {
            base_url: Type.Optional(Type.Union([Str(300, 8), Type.Null()])),
            cna_short_name: Str(32, 2),
            cna_org_id: Type.String({ format: 'uuid' }),
            api_user: Str(256, 1),
            api_key: Type.Optional(Str(512, 8)),
            record_version: Type.Optional(Type.Union([CveRecordVersionEnum, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: CveSettingsSchema },
      },
    },
    async (req) => presentCveSettings(await setCveSettings(ctx, req.project, req.actor, actorLabel(req), req.body)),
  );

  app.delete(
    '/api/v1/projects/:slug/cve/settings',
    { schema: { tags: ['cve'], summary: 'Forget the CVE Services credentials (the project stops being a CNA here)', params: SlugParams, response: { 204: NoBody('deleted') } } },
    async (req, reply) => {
      await deleteCveSettings(ctx, req.project, req.actor, actorLabel(req));
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/projects/:slug/cve/quota',
    { schema: { tags: ['cve'], summary: "The CNA's CVE ID quota at CVE Services (502 with CVE Services' error when it fails)", params: SlugParams, response: { 200: CveQuotaSchema } } },
    async (req) => {
      const q = await cveQuota(ctx, req.project, req.actor);
      return { cna_short_name: q.cnaShortName, id_quota: q.id_quota, total_reserved: q.total_reserved, available: q.available };
    },
  );

  app.get(
    '/api/v1/projects/:slug/advisories/:id/cve',
    { schema: { tags: ['cve'], summary: "The advisory's CVE section: its ID, the publication status (pending, retrying, published, failed with the error and next retry), or the CNA-of-last-resort request", params: AdvisoryParams, response: { 200: AdvisoryCveSchema } } },
    async (req) => presentAdvisoryCve(await advisoryCve(ctx, req.project, req.params.id, req.actor, actorLabel(req))),
  );

  app.post(
    '/api/v1/projects/:slug/advisories/:id/cve/reserve',
    { schema: { tags: ['cve'], summary: 'Reserve a CVE ID from the CNA quota and write it into the advisory (draft or in review)', params: AdvisoryParams, response: { 200: AdvisoryCveSchema } } },
    async (req) => presentAdvisoryCve(await reserveCveForAdvisory(ctx, req.project, req.params.id, req.actor, actorLabel(req))),
  );

  app.post(
    '/api/v1/projects/:slug/advisories/:id/cve/retry',
    { schema: { tags: ['cve'], summary: 'Send a failed or waiting CVE publication again now', params: AdvisoryParams, response: { 200: AdvisoryCveSchema } } },
    async (req) => presentAdvisoryCve(await retryCvePublication(ctx, req.project, req.params.id, req.actor, actorLabel(req))),
  );

  app.put(
    '/api/v1/projects/:slug/advisories/:id/cve/request',
    {
      schema: {
        tags: ['cve'],
        summary: 'Record (requested: true) or clear the step "asked our CNA of last resort for a CVE ID"',
        params: AdvisoryParams,
        body: Type.Object({ requested: Type.Boolean(), cna: Type.Optional(Str(200, 1)) }, { additionalProperties: false }),
        response: { 200: AdvisoryCveSchema },
      },
    },
    async (req) => presentAdvisoryCve(await markCveRequested(ctx, req.project, req.params.id, req.actor, actorLabel(req), req.body)),
  );
};
