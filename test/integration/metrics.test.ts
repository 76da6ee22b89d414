import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport } from '../support/fixtures.ts';
import { migrateTo, migrateToLatest, MIGRATION_NAMES } from '../../src/adapters/db/migrate.ts';
import { startJobs } from '../../src/jobs/runner.ts';
import type { ServiceContext } from '../../src/services/context.ts';

/**
 * Issue 21, metrics and health: /metrics (Prometheus text, behind a token or on its own listener), /readyz, and
 * structured request logs with a request id and no secrets.
 */
const REPO = join(import.meta.dirname, '..', '..');
const TOKEN = 'metrics-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

/** The value of one sample line, e.g. `embargo_intake_total{outcome="accepted"}`; undefined when absent. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test("the jobs' state for /readyz: running, a stuck tick seen as stalled, stopped", async () => {
  const quiet = { error() {}, info() {} };
  const ticks: string[] = [];
  const jobs = startJobs({} as ServiceContext, [{ name: 'hourly', intervalMs: 3_600_000, tick: async () => (ticks.push('t'), 0) }], quiet, { timers: true, onTick: (job, outcome) => ticks.push(`${job}:${outcome}`) });
  assert.deepEqual(jobs.state(), { state: 'running', stalled: [] });
  assert.deepEqual(jobs.state(Date.now() + 4 * 3_600_000), { state: 'running', stalled: [] });
  assert.deepEqual(jobs.state(Date.now() + 6 * 3_600_000), { state: 'running', stalled: ['hourly'] }, 'no tick ended for five intervals');
  await jobs.runAllOnce();
  assert.deepEqual(ticks, ['t', 'hourly:ok']);
  await jobs.stop();
  assert.equal(jobs.state().state, 'stopped');
  const off = startJobs({} as ServiceContext, [], quiet, { timers: false });
  assert.equal(off.state().state, 'off');
});

for (const engine of ENGINES) {
  describe(`metrics and health on ${engine.name}`, () => {
    let rt: TestServer;
    before(async () => {
      rt = await startTestRuntime(engine, { EMBARGO_METRICS_TOKEN: TOKEN });
      await seedWorld(rt);
    });
    after(() => rt.close());

    test('/metrics asks for the token', async () => {
      assert.equal((await rt.app.inject({ url: '/metrics' })).statusCode, 401);
      assert.equal((await rt.app.inject({ url: '/metrics', headers: { authorization: 'Bearer not-the-token-not-the-token' } })).statusCode, 401);
      const ok = await rt.app.inject({ url: '/metrics', headers: auth });
      assert.equal(ok.statusCode, 200);
      assert.match(String(ok.headers['content-type']), /^text\/plain/);
    });

    test('requests by route pattern and status, intake accepted and refused, jobs, queues, deadlines', async () => {
      const { reporter_token: reporterToken } = await submit(rt);
      const refused = await rt.app.inject({ method: 'POST', url: '/api/v1/projects/privastream/reports', payload: validReport({ accept_terms: false, description: '' }) });
      assert.equal(refused.statusCode, 400);
      assert.equal((await rt.app.inject({ url: `/api/v1/reporter/${reporterToken}` })).statusCode, 200);
      await rt.app.inject({ url: '/no/such/path/for/metrics' });
      await rt.jobs.runAllOnce();

      const text = (await rt.app.inject({ url: '/metrics', headers: auth })).body;
      assert.equal(sample(text, 'embargo_intake_total{outcome="accepted"}'), 1);
      assert.equal(sample(text, 'embargo_intake_total{outcome="refused"}'), 1);
      assert.equal(sample(text, 'embargo_http_requests_total{route="/api/v1/reporter/:token",method="GET",status="200"}'), 1, text.slice(0, 3000));
      assert.ok((sample(text, 'embargo_http_requests_total{route="(unmatched)",method="GET",status="404"}') ?? 0) >= 1);
      assert.equal(text.includes(reporterToken), false, 'a raw URL reached the metrics');
      assert.equal(text.includes('/no/such/path'), false);
      assert.equal(sample(text, 'embargo_job_runs_total{job="outbox",outcome="ok"}'), 1);
      // The acknowledgement mail was sent by the job run; the maintainers' notifications may still wait.
      assert.notEqual(sample(text, 'embargo_queue_depth{queue="outbox"}'), undefined);
      assert.notEqual(sample(text, 'embargo_queue_oldest_age_seconds{queue="webhooks"}'), undefined);
      assert.ok((sample(text, 'embargo_sla_deadlines{project="privastream",state="due"}') ?? 0) >= 1, text);
      assert.equal(sample(text, 'embargo_sla_deadlines{project="privastream",state="missed"}'), 0);
      if (engine.name === 'postgres') assert.ok((sample(text, 'embargo_db_pool_connections{state="total"}') ?? 0) >= 1);

      // A week later, the first response deadline has passed.
      rt.clock.advance(30 * 86_400_000);
      const later = (await rt.app.inject({ url: '/metrics', headers: auth })).body;
      assert.ok((sample(later, 'embargo_sla_deadlines{project="privastream",state="missed"}') ?? 0) >= 1, later);
    });

    test('/healthz is alive; /readyz reports database, migrations and jobs', async () => {
      assert.equal((await rt.app.inject({ url: '/healthz' })).statusCode, 200);
      const ready = await rt.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200, ready.body);
      assert.deepEqual(ready.json(), { ready: true, database: 'ok', pending_migrations: [], jobs: { state: 'off', stalled: [] } });
      assert.match(String(ready.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    });

    test('/readyz answers 503 while a migration is pending', async () => {
      const last = MIGRATION_NAMES.at(-1)!;
      await migrateTo(rt.ctx.db, MIGRATION_NAMES.at(-2)!);
      try {
        const res = await rt.app.inject({ url: '/readyz' });
        assert.equal(res.statusCode, 503);
        assert.deepEqual(res.json().pending_migrations, [last]);
      } finally {
        await migrateToLatest(rt.ctx.db);
      }
      assert.equal((await rt.app.inject({ url: '/readyz' })).statusCode, 200);
    });
  });

  describe(`a separate metrics listener on ${engine.name}`, () => {
    test('EMBARGO_METRICS_ADDRESS serves /metrics without a token; the main listener has none', async () => {
      const rt = await startTestRuntime(engine, { EMBARGO_METRICS_ADDRESS: '127.0.0.1:0' });
      try {
        assert.equal((await rt.app.inject({ url: '/metrics' })).statusCode, 404);
        assert.ok(rt.metricsApp);
        const res = await rt.metricsApp.inject({ url: '/metrics' });
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /# TYPE embargo_http_requests_total counter/);
      } finally {
        await rt.close();
      }
    });
  });

  describe(`structured request logs on ${engine.name}`, () => {
    test('every line is JSON, requests carry their id, and neither the metrics token nor reporter data is logged', async () => {
      const env = { ...process.env, ...(await engine.freshEnv()), EMBARGO_PUBLIC_URL: 'https://embargo.test', EMBARGO_LOG_LEVEL: 'info', EMBARGO_METRICS_TOKEN: TOKEN };
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test', 'support', 'log-capture-child.ts')], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, stderr);
      const entries = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { reqId?: string; msg?: string; req?: { url?: string } });
      const requestLines = entries.filter((e) => e.msg === 'incoming request' || e.msg === 'request completed');
      assert.ok(requestLines.length >= 20, `${requestLines.length} request lines`);
      for (const e of requestLines) assert.ok(typeof e.reqId === 'string' && e.reqId.length > 0, JSON.stringify(e));
      assert.ok(entries.some((e) => e.reqId === 'probe-42'), 'a proxy-given X-Request-Id is kept');
      assert.ok(entries.some((e) => e.req?.url === '/metrics'));
      for (const secret of [TOKEN, 'ada@example.org', 'Ada Researcher', 'correct horse battery staple']) {
        assert.equal(stdout.includes(secret), false, `${secret} appears in the log`);
      }
    });
  });
}
