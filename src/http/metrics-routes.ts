import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes reports (counted as intake accepted/refused on /metrics). */
    intake?: boolean;
  }
}

/**
 * This process's Prometheus registry and the counters the edges bump. One per process, made by the composition
 * root through http/metrics.ts — the one module that loads prom-client, imported only when metrics are on — never a
 * module variable; the queue, deadline and pool gauges are read from the database at each scrape.
 */
export interface Metrics {
  /** The Prometheus text format's content type. */
  contentType: string;
  /** Reads the database's gauges, then renders every metric in Prometheus text format. */
  scrape(): Promise<string>;
  observeRequest(route: string, method: string, status: number, seconds: number, intake: boolean): void;
  observeJobTick(job: string, outcome: 'ok' | 'failed', seconds: number): void;
}

/**
 * Counts every answer by its route pattern (`/api/v1/projects/:slug/reports/:trackingId`), never the URL: a raw
 * URL would put reporter tokens into the metrics and give every report its own series. Unrouted requests
 * (404s of unknown paths, scanners) share one series.
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? '(unmatched)';
    metrics.observeRequest(route, req.method, reply.statusCode, reply.elapsedTime / 1000, req.routeOptions.config?.intake === true);
  });
}

const sameSecret = (a: string, b: string): boolean => {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
};

/**
 * GET /metrics in Prometheus text format. With a token it asks for `Authorization: Bearer <token>`; without one
 * (served only on the separate EMBARGO_METRICS_ADDRESS listener) it answers anyone who can reach that address.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, token: string | null): void {
  app.get(
    '/metrics',
    {
      config: { anonymous: true, project: false },
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics (Bearer EMBARGO_METRICS_TOKEN, or the EMBARGO_METRICS_ADDRESS listener)',
        headers: { type: 'object', properties: { authorization: { type: 'string', maxLength: 512 } } },
        response: { 200: { type: 'string', description: 'Prometheus text exposition format 0.0.4' }, 401: { type: 'string' } },
      },
    },
    async (req, reply) => {
      if (token !== null) {
        const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
        if (!sameSecret(given, token)) return reply.status(401).header('www-authenticate', 'Bearer').send('metrics token required\n');
      }
      return reply.type(metrics.contentType).send(await metrics.scrape());
    },
  );
}
