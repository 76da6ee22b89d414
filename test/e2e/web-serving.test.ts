import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEFAULT_WEB_ROOT, webRoutes } from '../../src/http/routes/web.routes.ts';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { registeredRoutes } from '../support/routes.ts';

/**
 * How the server serves the UI bundle (no browser needed): index.html for UI paths only, hashed assets with a
 * long cache, the CSP on everything, and a clear 503 when the bundle was never built.
 */

describe('serving the web UI', () => {
  let rt: TestServer;
  before(async () => {
    rt = await startTestRuntime(ENGINES[0]!);
  });
  after(() => rt?.close());

  test('UI paths get index.html (never cached) under the strict CSP; API and document routes are not shadowed', async () => {
    for (const url of ['/', '/app', '/app/queue/PRIV-2026-0001', '/p/privastream', '/p/privastream/report']) {
      const res = await rt.app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.body, /<div id="root"><\/div>/);
      assert.doesNotMatch(res.body, /<script>|<style|style=/, 'no inline script or style in index.html');
      const csp = res.headers['content-security-policy'] as string;
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /style-src 'self'/);
    }
    const api = await rt.app.inject({ url: '/api/v1/projects/nope' });
    assert.equal(api.statusCode, 404);
    assert.match(api.headers['content-type'] as string, /json/);
    const unknown = await rt.app.inject({ url: '/reporters' });
    assert.equal(unknown.statusCode, 404, 'paths outside the UI prefixes stay 404');
  });

  test('hashed assets are served with a year-long immutable cache; a missing one is a 404', async () => {
    const js = readdirSync(join(DEFAULT_WEB_ROOT, 'assets')).find((f) => f.endsWith('.js'));
    assert.ok(js, 'built UI present (npm run build:web)');
    const res = await rt.app.inject({ url: `/assets/${js}` });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /javascript/);
    assert.match(res.headers['cache-control'] as string, /max-age=31536000.*immutable|immutable.*max-age=31536000/);
    assert.equal((await rt.app.inject({ url: '/assets/index-nothere.js' })).statusCode, 404);
    assert.equal((await rt.app.inject({ url: '/assets/../../package.json' })).statusCode, 404);
  });

  test('the intake limits are public, for forms to check files before upload', async () => {
    const res = await rt.app.inject({ url: '/api/v1/intake/limits' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { max_attachment_bytes: 10 * 1024 * 1024, max_attachments: 10 });
  });

  test('the route reader of the authorization matrix sees the wildcard UI routes as registered', () => {
    const routes = new Set(registeredRoutes(rt.app).map((r) => `${r.method} ${r.url}`));
    for (const r of ['GET /app/*', 'GET /p/:slug/*', 'GET /assets/*', 'GET /app', 'GET /']) assert.ok(routes.has(r), `${r} read back`);
    assert.ok(!routes.has('GET /*') && !routes.has('GET /app*'), 'no made-up routes');
  });
});

describe('without a built UI', () => {
  let app: FastifyInstance;
  let root: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'embargo-no-web-'));
    app = Fastify();
    await app.register(webRoutes({ root, maxAttachmentBytes: 1, maxAttachments: 1 }));
  });
  after(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('UI paths answer 503 with how to build it, instead of crashing', async () => {
    const res = await app.inject({ url: '/p/privastream/report' });
    assert.equal(res.statusCode, 503);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.match(res.body, /npm run build:web/);
    assert.equal((await app.inject({ url: '/assets/index-abc.js' })).statusCode, 404);
  });
});
