import { presentAuditVerification, presentProjectAuditEntry } from '../../api/present-audit.ts';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { verifyAudit } from '../../services/audit/audit-log.ts';
import { projectAudit } from '../../services/projects/dashboard.ts';
import { slaView } from '../../services/reports/sla.ts';
import { requireSiteAdmin } from '../auth.ts';
import { presentSlaEntry } from '../../api/present.ts';
import { SlaResponse, SlugParams, Str } from '../../api/schemas.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../services/paging.ts';
import { AuditVerifySchema, ProjectAuditListSchema } from '../../api/schemas/audit.ts';

export const oversightRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/sla',
    {
      schema: {
        tags: ['sla'],
        summary: 'Outstanding deadlines of open reports, breached first, then soonest due',
        params: SlugParams,
        querystring: Type.Object(
          {
            due_within_hours: Type.Optional(Type.Number({ minimum: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `page size (default ${DEFAULT_PAGE_SIZE})` })),
            cursor: Type.Optional(Str(500, 1)),
          },
          { additionalProperties: false },
        ),
        response: { 200: SlaResponse },
      },
    },
    async (req) => {
      const p = req.project;
      const q = req.query;
      const page = await slaView(ctx, p, req.actor, { dueWithinMs: q.due_within_hours === undefined ? undefined : q.due_within_hours * 3_600_000, limit: q.limit, cursor: q.cursor });
      return { project: p.slug, now: ctx.now().toISOString(), deadlines: page.items.map(presentSlaEntry), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/projects/:slug/audit',
    { schema: { tags: ['audit'], summary: 'Audit trail of the project (project admins)', params: SlugParams, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })) }), response: { 200: ProjectAuditListSchema } } },
    async (req) => {
      const rows = await projectAudit(ctx, req.project, req.actor, { limit: req.query.limit ?? 1000 });
      return { entries: rows.map(presentProjectAuditEntry) };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Verify the hash chain from the last verified checkpoint to the head, or all of it with full=true (site admins)',
        querystring: Type.Object({ full: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: AuditVerifySchema },
      },
    },
    async (req) => {
      requireSiteAdmin(req);
      return presentAuditVerification(await verifyAudit(ctx.db, { full: req.query.full ?? false, at: ctx.now() }));
    },
  );
};
