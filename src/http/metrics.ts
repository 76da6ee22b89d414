import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { operationalGauges } from '../services/operations/gauges.ts';
import type { ServiceContext } from '../services/context.ts';
import type { Metrics } from './metrics-routes.ts';

export type { Metrics } from './metrics-routes.ts';

/** Connection pool figures of the database driver (PostgreSQL's `pg.Pool`); null on the embedded engine. */
export type PoolStats = () => { total: number; idle: number; waiting: number } | null;

/** The registry with its counters, histograms and gauges (docs/monitoring.md lists them). */
export function createMetrics(ctx: Pick<ServiceContext, 'db' | 'now'>, pool: PoolStats = () => null): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'embargo_' });
  const requests = new Counter({ name: 'embargo_http_requests_total', help: 'HTTP requests by route pattern, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'embargo_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['route', 'method'],
    buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10],
    registers: [registry],
  });
  const intake = new Counter({ name: 'embargo_intake_total', help: 'Report submissions over HTTP by outcome (accepted: 201; refused: anything else)', labelNames: ['outcome'], registers: [registry] });
  const jobRuns = new Counter({ name: 'embargo_job_runs_total', help: 'Background job ticks by job and outcome', labelNames: ['job', 'outcome'], registers: [registry] });
  const jobSeconds = new Histogram({ name: 'embargo_job_tick_duration_seconds', help: 'Background job tick duration', labelNames: ['job'], buckets: [0.01, 0.1, 1, 10, 60], registers: [registry] });

  const depth = new Gauge({ name: 'embargo_queue_depth', help: 'Items waiting or being sent, by queue (outbox: mail; webhooks: deliveries)', labelNames: ['queue'], registers: [registry] });
  const age = new Gauge({ name: 'embargo_queue_oldest_age_seconds', help: 'Age of the oldest item waiting or being sent, by queue (0 when empty)', labelNames: ['queue'], registers: [registry] });
  const deadlines = new Gauge({
    name: 'embargo_sla_deadlines',
    help: "Open reports' outstanding SLA deadlines per project: due (still ahead) and missed (passed)",
    labelNames: ['project', 'state'],
    registers: [registry],
  });
  const poolGauge = new Gauge({ name: 'embargo_db_pool_connections', help: 'Database pool connections by state (PostgreSQL only)', labelNames: ['state'], registers: [registry] });

  /** One read of the database per scrape sets every gauge (three aggregate queries, services/operations/gauges.ts). */
  const refresh = async () => {
    const g = await operationalGauges(ctx);
    for (const [queue, q] of [['outbox', g.outbox], ['webhooks', g.webhooks]] as const) {
      depth.set({ queue }, q.depth);
      age.set({ queue }, q.oldestAgeSeconds);
    }
    deadlines.reset();
    for (const d of g.deadlines) {
      deadlines.set({ project: d.project, state: 'due' }, d.due);
      deadlines.set({ project: d.project, state: 'missed' }, d.missed);
    }
    const s = pool();
    if (s) for (const state of ['total', 'idle', 'waiting'] as const) poolGauge.set({ state }, s[state]);
  };

  return {
    contentType: registry.contentType,
    async scrape() {
      await refresh();
      return registry.metrics();
    },
    observeRequest(route, method, status, seconds, isIntake) {
      requests.inc({ route, method, status: String(status) });
      duration.observe({ route, method }, seconds);
      if (isIntake) intake.inc({ outcome: status === 201 ? 'accepted' : 'refused' });
    },
    observeJobTick(job, outcome, seconds) {
      jobRuns.inc({ job, outcome });
      jobSeconds.observe({ job }, seconds);
    },
  };
}

