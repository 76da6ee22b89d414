import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type OpenedDatabase } from '../adapters/db/open-database.ts';
import { buildApp } from '../http/app.ts';
import type { ServiceContext } from '../services/context.ts';
import { savePolicy } from '../services/projects/projects.ts';
import type { Config } from './config.ts';
import Fastify from 'fastify';
import { registerMetricsRoute, type Metrics } from '../http/metrics-routes.ts';
import { JOBS } from '../jobs/index.ts';
import { startJobs, type RunningJobs } from '../jobs/runner.ts';
import { startMail, type MailRuntime } from './mail-runtime.ts';
import { backupSourceFrom, createServiceContext, mailSettingsFrom } from './service-context.ts';

export interface Runtime {
  config: Config;
  database: OpenedDatabase;
  ctx: ServiceContext;
  app: FastifyInstance;
  /** Background jobs (outbox, reminders, scheduled publication); timers off when `jobs: false`. */
  jobs: RunningJobs;
  /** Outgoing mail and the inbound SMTP listener (docs/email.md). */
  mail: MailRuntime;
  /** The separate /metrics listener (EMBARGO_METRICS_ADDRESS), not yet listening; null when not configured. */
  metricsApp: FastifyInstance | null;
  close(): Promise<void>;
}

/** Wires a server process: database, service context (service-context.ts, shared with the CLI), HTTP, mail, jobs. */
export async function compose(config: Config, opts: { logger?: boolean; now?: () => Date; jobs?: boolean } = {}): Promise<Runtime> {
  const database = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const ctx = createServiceContext(config, database.db, { ...(opts.now ? { now: opts.now } : {}), mail: mailSettingsFrom(config), backup: backupSourceFrom(config, database) });
  try {
    if (config.policyDir) await loadPolicyDir(ctx, config.policyDir);
    // prom-client loads only when metrics are on (EMBARGO_METRICS_TOKEN or EMBARGO_METRICS_ADDRESS): start-up loads
    // no package it does not need (ARCHITECTURE.md, "Build and start-up").
    const metricsModule = config.metricsToken || config.metricsAddress ? await import('../http/metrics.ts') : null;
    const metrics: Metrics | undefined = metricsModule?.createMetrics(ctx, () => database.poolStats());
    let jobs: RunningJobs | undefined;
    const app = await buildApp(ctx, {
      ...config,
      ...(opts.logger === undefined ? {} : { logger: opts.logger }),
      ...(metrics ? { metrics } : {}),
      jobsState: () => jobs?.state() ?? { state: 'starting', stalled: [] },
    });
    const mail = await startMail(ctx, config, app.log);
    jobs = startJobs(ctx, JOBS, app.log, { timers: opts.jobs ?? config.jobs, ...(metrics ? { onTick: metrics.observeJobTick } : {}) });
    let metricsApp: FastifyInstance | null = null;
    if (config.metricsAddress && metrics) {
      metricsApp = Fastify({ logger: false });
      registerMetricsRoute(metricsApp, metrics, config.metricsToken);
    }
    const runningJobs = jobs;
    return {
      config,
      database,
      ctx,
      app,
      jobs: runningJobs,
      mail,
      metricsApp,
      async close() {
        try {
          await runningJobs.stop();
          await metricsApp?.close();
          await mail.close();
          await app.close();
        } finally {
          await ctx.parsers.close();
          await database.close();
        }
      },
    };
  } catch (e) {
    ctx.mail?.transport.close();
    await ctx.parsers.close();
    await database.close();
    throw e;
  }
}

async function loadPolicyDir(ctx: ServiceContext, dir: string): Promise<void> {
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    await savePolicy(ctx, readFileSync(join(dir, name), 'utf8'), `policy-dir:${name}`);
  }
}
