/**
 * Runs a runtime with its real request logger (pino to stdout) and exercises the paths that carry secrets:
 * reporter tokens in URLs, API tokens in Authorization, session cookies, passwords in bodies. The parent test
 * captures stdout and searches it; the secrets used are written to stderr as one `SECRETS {...}` line.
 * Environment: the engine's env (DATA_DIR / DATABASE_URL and secrets) as for loadConfig.
 */
import type { InjectOptions } from 'fastify';
import { loadConfig } from '../../src/server/config.ts';
import { compose } from '../../src/server/compose.ts';
import { seedWorld, validReport } from './fixtures.ts';
import type { TestServer } from './harness.ts';

const runtime = await compose(loadConfig(process.env), { now: () => new Date('2026-03-02T09:00:00Z') });
try {
  const app = runtime.app;
  const world = await seedWorld(runtime as TestServer);
  const password = 'correct horse battery staple';
  const submitted = await app.inject({ method: 'POST', url: '/api/v1/projects/privastream/reports', payload: validReport(), headers: { 'user-agent': 'log-test' } });
  const { reporter_token: token, tracking_id: trackingId } = submitted.json() as { reporter_token: string; tracking_id: string };
  const bearer = world.tokens.admin;
  const login = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'admin@example.org', password } });
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  const requests: InjectOptions[] = [
    { url: `/api/v1/reporter/${token}` },
    { url: `/api/v1/reporter/${token}?from=email` },
    { method: 'POST' as const, url: `/api/v1/reporter/${token}/messages`, payload: { body: 'more' } },
    { url: `/api/v1/reporter/${token}/attachments/00000000-0000-4000-8000-000000000000` },
    { url: `/api/v1/reporter/${token}/no-such-route` },
    { url: `/reporter/${token}` },
    { method: 'POST' as const, url: `/reporter/${token}`, payload: { body: 'from the page' } },
    { url: `/api/v1/projects/privastream/reports/${trackingId}`, headers: { authorization: `Bearer ${bearer}` } },
    { url: '/api/v1/session', headers: { authorization: `Bearer ${bearer}x` } },
    { url: '/api/v1/session', headers: { cookie } },
    { method: 'POST' as const, url: '/api/v1/tokens', headers: { cookie }, payload: { name: 'no csrf' } },
  ];
  // With EMBARGO_METRICS_TOKEN set (test/integration/metrics.test.ts): a scrape with the token, one without, and a
  // request carrying its own X-Request-Id, so the parent can check the token stays out and the id goes in.
  const metricsToken = process.env.EMBARGO_METRICS_TOKEN;
  if (metricsToken) {
    requests.push({ url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } });
    requests.push({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } });
    requests.push({ url: '/readyz', headers: { 'x-request-id': 'probe-42' } });
  }
  for (const r of requests) await app.inject(r);
  const extra = metricsToken ? { metricsToken } : {};
  process.stderr.write(`SECRETS ${JSON.stringify({ token, bearer, cookie: cookie.split('=').slice(1).join('='), password, trackingId, ...extra })}\n`);
} finally {
  await runtime.close();
}
