/**
 * How soon the team hears of a new report (issue 16: "someone knows within a minute"): a real server composition
 * with its jobs on their real timers (events every 2 s, outbox every 5 s), a real SMTP relay on 127.0.0.1, and
 * reports submitted through the intake route at spread-out moments, so each lands at a different phase of the job
 * timers. Prints the latency from the 201 to the maintainer's mail arriving at the relay, against the 60 s promise
 * and against the floor the two job intervals set (the worst case of waiting for both ticks).
 *
 *   npx tsx bench/notify-latency.ts                 # 20 reports on PGlite
 *   BENCH_N=40 BENCH_DATABASE_URL=postgres://… npx tsx bench/notify-latency.ts
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { loadConfig } from '../src/server/config.ts';
import { compose } from '../src/server/compose.ts';
import { createUser, setMembership } from '../src/services/access/users.ts';
import { startRelay } from '../test/support/mail-relay.ts';
import { validReport } from '../test/support/fixtures.ts';
import { freshPostgresDatabase, tempDir } from './support.ts';

const N = Number(process.env.BENCH_N ?? 20);
const PROMISE_MS = 60_000;
const JOB_FLOOR_MS = 2_000 + 5_000; // one events tick, then one outbox tick, at worst

const pg = process.env.BENCH_DATABASE_URL ? await freshPostgresDatabase(process.env.BENCH_DATABASE_URL, 'notify') : null;
const relay = await startRelay();
const rt = await compose(
  loadConfig({
    DATA_DIR: tempDir('embargo-bench-notify-'),
    EMBARGO_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    EMBARGO_SESSION_SECRET: randomBytes(32).toString('base64'),
    EMBARGO_POLICY_DIR: join(import.meta.dirname, '..', 'examples', 'policies'),
    EMBARGO_PUBLIC_URL: 'https://embargo.bench',
    EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
    EMBARGO_INTAKE_RATE_LIMIT: '10000',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
  }),
  { logger: false, jobs: true },
);
await createUser(rt.ctx, { email: 'lead@example.org', name: 'Lead', password: 'correct horse battery staple', siteAdmin: false }, 'bench');
await setMembership(rt.ctx, 'privastream', 'lead@example.org', 'admin', 'bench');

const latencies: number[] = [];
for (let i = 0; i < N; i++) {
  // Spread the submissions over the timers' phases (0–7 s apart).
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 7_000)));
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/projects/privastream/reports',
    payload: validReport({ title: `Report ${i}`, reporter_email: `r${i}@example.org` }),
  });
  if (res.statusCode !== 201) throw new Error(`intake answered ${res.statusCode}: ${res.body}`);
  const t0 = performance.now();
  const trackingId = (res.json() as { tracking_id: string }).tracking_id;
  const deadline = t0 + PROMISE_MS * 2;
  while (!relay.mails.some((m) => m.to.includes('lead@example.org') && m.parsed.headers.get('x-embargo-tracking-id') === trackingId)) {
    if (performance.now() > deadline) throw new Error(`no mail to the team for ${trackingId} within ${(PROMISE_MS * 2) / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  latencies.push(performance.now() - t0);
}
await rt.close();
await relay.close();
await pg?.drop();

const sorted = [...latencies].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
process.stdout.write(
  `New report → maintainer mail at the relay, ${N} reports on ${pg ? 'PostgreSQL' : 'PGlite'} (load ${loadavg()[0]?.toFixed(1)}):\n` +
    `  p50 ${s(at(0.5))}  p90 ${s(at(0.9))}  max ${s(sorted[sorted.length - 1] as number)}\n` +
    `  max / the 60 s promise: ${((sorted[sorted.length - 1] as number) / PROMISE_MS).toFixed(3)}; max / the job-interval floor (${s(JOB_FLOOR_MS)}): ${((sorted[sorted.length - 1] as number) / JOB_FLOOR_MS).toFixed(2)}\n`,
);
