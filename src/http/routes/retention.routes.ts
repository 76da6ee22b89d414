import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { eraseReporterByAddress } from '../../services/retention/retention.ts';
import { ReporterErasureSchema } from '../../api/schemas/operations.ts';
import { Str } from '../../api/schemas.ts';
import { actorLabel, requireSiteAdmin } from '../auth.ts';

/** Erasure of a reporter's personal data on request (docs/retention.md): site admins, across every project. */
export const retentionRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/v1/admin/reporter-erasures',
    {
      schema: {
        tags: ['admin'],
        summary: "Erase one reporter's contact data from every report they sent and held mail from their address (site admins); the reports stay",
        body: Type.Object({ email: Str(254, 3) }, { additionalProperties: false }),
        response: { 200: ReporterErasureSchema },
      },
    },
    async (req) => {
      requireSiteAdmin(req);
      const done = await eraseReporterByAddress(ctx, req.body.email, actorLabel(req));
      return { reports: done.reports.map((r) => r.trackingId), outbox_rows: done.reports.reduce((s, r) => s + r.outboxRows, 0), quarantine_rows: done.quarantineRows };
    },
  );
};
