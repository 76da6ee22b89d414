import { presentProjectAuditEntry } from '../../api/present-audit.ts';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { verifyAudit } from '../../services/audit/audit-log.ts';
import { projectAudit } from '../../services/projects/dashboard.ts';
import { slaView } from '../../services/reports/sla.ts';
import { requireSiteAdmin } from '../auth.ts';
import { presentSlaEntry } from '../../api/present.ts';
import { SlaResponse, SlugParams } from '../../api/schemas.ts';
import { AuditVerifySchema, ProjectAuditListSchema } from '../../api/schemas/audit.ts';

export const oversightRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/sla',
    {
      schema: {
        tags: ['sla'],
        summary: 'Outstanding deadlines of open reports, breached first, then soonest due',
        params: SlugParams,
        querystring: Type.Object({ due_within_hours: Type.Optional(Type.Number({ minimum: 0 })) }, { additionalProperties: false }),
        response: { 200: SlaResponse },
      },
    },
    async (req) => {
      const p = req.project;
      const hours = req.query.due_within_hours;
      const entries = await slaView(ctx, p, req.actor, hours === undefined ? {} : { dueWithinMs: hours * 3_600_000 });
      return { project: p.slug, now: ctx.now().toISOString(), deadlines: entries.map(presentSlaEntry) };
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

  app.get('/api/v1/audit/verify', { schema: { tags: ['audit'], summary: 'Verify the whole hash chain (site admins)', response: { 200: AuditVerifySchema } } }, async (req) => {
    requireSiteAdmin(req);
    const result = await verifyAudit(ctx.db);
    return { ok: result.problems.length === 0, entries: result.entries, problems: result.problems };
  });
};
