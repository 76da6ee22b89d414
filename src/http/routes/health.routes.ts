import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { databaseReadiness } from '../../services/operations/readiness.ts';
import { ReadinessSchema, type Readiness } from '../../api/schemas/operations.ts';

/** What the server's composition root tells readiness about the background jobs (jobs/runner.ts `state()`). */
export type JobsStateProbe = () => Readiness['jobs'];

/**
 * GET /readyz: ready to take traffic — the database answers, every migration this version knows has run, and
 * the background jobs run (or are off here, left to other instances) with none stuck. /healthz (liveness) is in
 * session.routes.ts.
 */
export const healthRoutes = (ctx: ServiceContext, jobsState: JobsStateProbe): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/readyz',
    { config: { anonymous: true, project: false }, schema: { tags: ['system'], summary: 'Readiness: database reachable, migrations applied, jobs running', response: { 200: ReadinessSchema, 503: ReadinessSchema } } },
    async (_req, reply) => {
      const db = await databaseReadiness(ctx);
      const jobs = jobsState();
      const ready = db.ready && (jobs.state === 'running' || jobs.state === 'off') && jobs.stalled.length === 0;
      return reply.status(ready ? 200 : 503).send({ ...db, ready, jobs });
    },
  );
};
