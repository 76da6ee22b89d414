import { presentReportAuditEntry } from '../../api/present-audit.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { projectsOfUser, reportAudit } from '../../services/projects/dashboard.ts';
import { requireUser } from '../auth.ts';
import { ReportParams } from '../../api/schemas.ts';
import { AuditListSchema } from '../../api/schemas/audit.ts';
import { DashboardProjectListSchema } from '../../api/schemas/projects.ts';

/**
 * What the maintainer dashboard (web/src/pages/app) needs beyond the feature APIs: the signed-in user's projects
 * with their roles (the public project list says nothing about membership), and one report's audit trail.
 */
export const dashboardRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/v1/dashboard/projects', { schema: { tags: ['dashboard'], summary: 'The projects of the signed-in user, with their role on each', response: { 200: DashboardProjectListSchema } } }, async (req) => {
    const user = requireUser(req);
    return { projects: await projectsOfUser(ctx.db, user, req.token?.projectIds ? { projectIds: req.token.projectIds, ownerSiteAdmin: req.token.ownerSiteAdmin } : null) };
  });

  app.get(
    '/api/v1/projects/:slug/reports/:trackingId/audit',
    { schema: { tags: ['audit'], summary: 'Audit trail of one report, oldest first (project admins)', params: ReportParams, response: { 200: AuditListSchema } } },
    async (req) => {
      const p = req.project;
      const rows = await reportAudit(ctx, p, req.params.trackingId, req.actor);
      return { entries: rows.map(presentReportAuditEntry) };
    },
  );
};
