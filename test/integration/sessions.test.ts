import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { REPO } from '../support/fixtures.ts';
import { rowCounts } from '../support/db-counts.ts';
import { countUsers, createUser, issueSetupToken } from '../../src/services/access/users.ts';
import { createApiToken } from '../../src/services/access/tokens.ts';
import { redactUrl } from '../../src/http/app.ts';

const PASSWORD = 'a long and careful passphrase';
const ADMIN = { email: 'first@example.org', name: 'First Admin', password: PASSWORD };

const sessionCookie = (res: LightMyRequestResponse): string => {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const found = all.find((c) => c.startsWith('embargo_session='));
  assert.ok(found, `expected an embargo_session cookie, got ${JSON.stringify(raw)}`);
  return found;
};

interface SignedIn {
  cookie: string;
  csrf: string;
  setCookie: string;
}

async function login(rt: TestServer, email = ADMIN.email, password = PASSWORD): Promise<SignedIn> {
  const res = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password } });
  assert.equal(res.statusCode, 200, res.body);
  const setCookie = sessionCookie(res);
  return { cookie: setCookie.split(';')[0] ?? '', csrf: (res.json() as { csrf_token: string }).csrf_token, setCookie };
}

const whoAmI = (rt: TestServer, headers: Record<string, string>) => rt.app.inject({ url: '/api/v1/session', headers });
const createToken = (rt: TestServer, headers: Record<string, string>) => rt.app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload: { name: 'cli' } });

for (const engine of ENGINES) {
  describe(`sessions and tokens on ${engine.name}`, () => {
    let rt: TestServer;
    before(async () => {
      rt = await startTestRuntime(engine, { EMBARGO_SESSION_MAX_AGE_SECONDS: '60' });
    });
    after(() => rt?.close());

    // First: it needs an instance without users.
    test('setup: the one-time token creates the first site admin, once', async () => {
      assert.equal(await countUsers(rt.ctx.db), 0);
      const needed = async () => (await rt.app.inject({ url: '/api/v1/setup' })).json() as unknown;
      assert.deepEqual(await needed(), { needed: true });
      const token = await issueSetupToken(rt.ctx.db);
      assert.ok(token);
      const setup = (body: Record<string, unknown>) => rt.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body });

      const wrong = await setup({ ...ADMIN, token: `${token}x` });
      assert.equal(wrong.statusCode, 403, wrong.body);
      const weak = await setup({ ...ADMIN, token, password: 'short' });
      assert.equal(weak.statusCode, 400, weak.body);
      assert.equal(await countUsers(rt.ctx.db), 0, 'failed attempts create nobody and do not use up the token');
      assert.deepEqual(await needed(), { needed: true });

      const ok = await setup({ ...ADMIN, token });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.deepEqual(await needed(), { needed: false });
      assert.deepEqual({ ...(ok.json() as Record<string, unknown>), id: undefined }, { id: undefined, email: ADMIN.email, name: ADMIN.name, site_admin: true });

      const again = await setup({ ...ADMIN, email: 'second@example.org', token });
      assert.equal(again.statusCode, 403, again.body);
      assert.equal(await countUsers(rt.ctx.db), 1);
      assert.equal(await issueSetupToken(rt.ctx.db), null, 'no new setup token once a user exists');
    });

    test('public routes ignore credentials: a maintainer cookie needs no CSRF token there, a stale token does not fail them', async () => {
      const { savePolicy } = await import('../../src/services/projects/projects.ts');
      const { examplePolicy, validReport } = await import('../support/fixtures.ts');
      await savePolicy(rt.ctx, examplePolicy('privastream'), 'test');
      const s = await login(rt);
      const withCookie = await rt.app.inject({ method: 'POST', url: '/api/v1/projects/privastream/reports', headers: { cookie: s.cookie }, payload: validReport() });
      assert.equal(withCookie.statusCode, 201, withCookie.body);
      const token = (withCookie.json() as { reporter_token: string }).reporter_token;
      const reply = await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${token}/messages`, headers: { cookie: s.cookie }, payload: { body: 'more' } });
      assert.equal(reply.statusCode, 201, reply.body);
      const staleToken = await rt.app.inject({ method: 'POST', url: '/api/v1/projects/privastream/reports', headers: { authorization: 'Bearer emb_revoked' }, payload: validReport() });
      assert.equal(staleToken.statusCode, 201, staleToken.body);
      const relogin = await rt.app.inject({ method: 'POST', url: '/api/v1/session', headers: { cookie: s.cookie }, payload: { email: ADMIN.email, password: PASSWORD } });
      assert.equal(relogin.statusCode, 200, relogin.body);
      const privateWithoutCsrf = await createToken(rt, { cookie: s.cookie });
      assert.equal(privateWithoutCsrf.statusCode, 403, 'private routes still demand the CSRF token');
    });

    test('login: a wrong password or unknown email is 401 with the same answer', async () => {
      const bad = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: ADMIN.email, password: 'not the password' } });
      const unknown = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'nobody@example.org', password: PASSWORD } });
      assert.equal(bad.statusCode, 401);
      assert.equal(unknown.statusCode, 401);
      assert.deepEqual(bad.json(), unknown.json());
      assert.equal(bad.headers['set-cookie'], undefined);
    });

    test('login sets an HttpOnly, SameSite=Strict, Secure session cookie with the configured lifetime', async () => {
      const s = await login(rt);
      assert.match(s.setCookie, /; HttpOnly/);
      assert.match(s.setCookie, /; SameSite=Strict/);
      assert.match(s.setCookie, /; Secure/);
      assert.match(s.setCookie, /; Max-Age=60/);
      assert.ok(s.csrf.length > 20);
      const me = await whoAmI(rt, { cookie: s.cookie });
      assert.equal(me.statusCode, 200, me.body);
      const body = me.json() as { user: { email: string; site_admin: boolean }; csrf_token: string };
      assert.equal(body.user.email, ADMIN.email);
      assert.equal(body.user.site_admin, true);
      assert.equal(typeof body.csrf_token, 'string');
      assert.equal((await whoAmI(rt, {})).statusCode, 401);
    });

    test('a cookie-authenticated change needs the X-CSRF-Token of its own session', async () => {
      const s = await login(rt);
      const other = await login(rt);
      const before = await rowCounts(rt);
      const attempts: Array<Record<string, string>> = [{ cookie: s.cookie }, { cookie: s.cookie, 'x-csrf-token': 'forged' }, { cookie: s.cookie, 'x-csrf-token': other.csrf }];
      for (const headers of attempts) {
        const res = await createToken(rt, headers);
        assert.equal(res.statusCode, 403, `${JSON.stringify(Object.keys(headers))}: ${res.body}`);
        assert.equal((res.json() as { error: string }).error, 'csrf');
      }
      assert.deepEqual(await rowCounts(rt), before, 'refused changes write nothing');

      const ok = await createToken(rt, { cookie: s.cookie, 'x-csrf-token': s.csrf });
      assert.equal(ok.statusCode, 201, ok.body);
      // The token GET /api/v1/session hands out works too.
      const fresh = (await whoAmI(rt, { cookie: s.cookie })).json() as { csrf_token: string };
      assert.equal((await createToken(rt, { cookie: s.cookie, 'x-csrf-token': fresh.csrf_token })).statusCode, 201);
    });

    test('logout: the old cookie no longer authenticates, even if replayed', async () => {
      const s = await login(rt);
      const noCsrf = await rt.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: s.cookie } });
      assert.equal(noCsrf.statusCode, 403, 'logging out is a change and needs the CSRF token');
      assert.equal((await whoAmI(rt, { cookie: s.cookie })).statusCode, 200);

      const out = await rt.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
      assert.equal(out.statusCode, 204, out.body);
      assert.match(sessionCookie(out), /Max-Age=0|Expires=Thu, 01 Jan 1970/);

      const replay = await whoAmI(rt, { cookie: s.cookie });
      assert.equal(replay.statusCode, 401, `the logged-out cookie still authenticates: ${replay.body}`);
      const change = await createToken(rt, { cookie: s.cookie, 'x-csrf-token': s.csrf });
      assert.equal(change.statusCode, 401, change.body);
      // Other sessions of the same user are not affected, and signing in again works.
      const again = await login(rt);
      assert.equal((await whoAmI(rt, { cookie: again.cookie })).statusCode, 200);
    });

    test('a disabled user loses both sessions and API tokens', async () => {
      const user = await createUser(rt.ctx, { email: 'leaver@example.org', name: 'Leaver', password: PASSWORD, siteAdmin: false }, 'test');
      const { token } = await createApiToken(rt.ctx, user, 'ci');
      const s = await login(rt, 'leaver@example.org');
      assert.equal((await whoAmI(rt, { cookie: s.cookie })).statusCode, 200);
      assert.equal((await whoAmI(rt, { authorization: `Bearer ${token}` })).statusCode, 200);
      await rt.ctx.db.updateTable('users').set({ disabled: true }).where('id', '=', user.id).execute();
      assert.equal((await whoAmI(rt, { cookie: s.cookie })).statusCode, 401);
      assert.equal((await whoAmI(rt, { authorization: `Bearer ${token}` })).statusCode, 401);
      const relogin = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'leaver@example.org', password: PASSWORD } });
      assert.equal(relogin.statusCode, 401);
    });

    test('API tokens: need no CSRF token; invalid, revoked or expired ones are 401', async () => {
      const s = await login(rt);
      const created = await createToken(rt, { cookie: s.cookie, 'x-csrf-token': s.csrf });
      const { id, token } = created.json() as { id: string; token: string };
      const bearer = { authorization: `Bearer ${token}` };
      const me = await whoAmI(rt, bearer);
      assert.equal(me.statusCode, 200, me.body);
      assert.equal((me.json() as { csrf_token: unknown }).csrf_token, null);
      // A token cannot be forged by a browser, so no CSRF check; but it cannot mint tokens either (issue 15): a leaked
      // token must not outlive its revocation through children.
      const child = await createToken(rt, bearer);
      assert.equal(child.statusCode, 403, child.body);
      assert.equal((child.json() as { error: string }).error, 'forbidden', 'refused as a token, not for a missing CSRF token');

      for (const invalid of [`${token}x`, 'emb_not-a-token', '']) {
        const res = await whoAmI(rt, { authorization: `Bearer ${invalid}` });
        assert.equal(res.statusCode, 401, `Bearer ${JSON.stringify(invalid)}: ${res.body}`);
      }
      await rt.ctx.db.updateTable('api_tokens').set({ expires_at: new Date(rt.clock.now.getTime() - 1000) }).where('id', '=', id).execute();
      assert.equal((await whoAmI(rt, bearer)).statusCode, 401, 'expired');
      await rt.ctx.db.updateTable('api_tokens').set({ expires_at: null, revoked: true }).where('id', '=', id).execute();
      assert.equal((await whoAmI(rt, bearer)).statusCode, 401, 'revoked');
      // A bad token is not rescued by a good cookie: the caller said who they are, and it is wrong.
      assert.equal((await whoAmI(rt, { ...bearer, cookie: s.cookie })).statusCode, 401);
    });

    // Last: it moves the clock.
    test('a session expires after EMBARGO_SESSION_MAX_AGE_SECONDS (60 s)', async () => {
      const s = await login(rt);
      rt.clock.advance(59_000);
      assert.equal((await whoAmI(rt, { cookie: s.cookie })).statusCode, 200);
      rt.clock.advance(61_000);
      const expired = await whoAmI(rt, { cookie: s.cookie });
      assert.equal(expired.statusCode, 401, expired.body);
      assert.equal((await createToken(rt, { cookie: s.cookie, 'x-csrf-token': s.csrf })).statusCode, 401);
      const again = await login(rt);
      assert.equal((await whoAmI(rt, { cookie: again.cookie })).statusCode, 200);
    });
  });

  describe(`request logs on ${engine.name}`, () => {
    test('reporter tokens, API tokens, cookies and passwords never reach the log', async () => {
      const env = { ...process.env, ...(await engine.freshEnv()), EMBARGO_PUBLIC_URL: 'https://embargo.test', EMBARGO_LOG_LEVEL: 'trace' };
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test', 'support', 'log-capture-child.ts')], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, stderr);
      const line = stderr.split('\n').find((l) => l.startsWith('SECRETS '));
      assert.ok(line, stderr);
      const secrets = JSON.parse(line.slice('SECRETS '.length)) as Record<string, string>;

      const entries = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string } });
      const urls = entries.map((e) => e.req?.url).filter((u): u is string => typeof u === 'string');
      assert.ok(urls.length >= 10, `the request log was captured (${entries.length} lines)`);
      assert.ok(urls.includes('/api/v1/reporter/[redacted]/messages'), urls.join('\n'));
      assert.ok(urls.includes('/reporter/[redacted]'), urls.join('\n'));
      for (const [name, secret] of Object.entries(secrets)) {
        if (name === 'trackingId') continue; // not a secret; logged URLs may name it
        assert.ok(secret && secret.length >= 12, `${name} was captured`);
        assert.equal(stdout.includes(secret), false, `the ${name} appears in the log`);
      }
      assert.equal(/authorization|bearer/i.test(stdout), false, 'no Authorization header in the log');
    });
  });
}

describe('redactUrl', () => {
  test('hides the token of every reporter path, API or page, keeping the rest', () => {
    const t = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    assert.equal(redactUrl(`/api/v1/reporter/${t}`), '/api/v1/reporter/[redacted]');
    assert.equal(redactUrl(`/api/v1/reporter/${t}/attachments/1234`), '/api/v1/reporter/[redacted]/attachments/1234');
    assert.equal(redactUrl(`/reporter/${t}?from=mail#top`), '/reporter/[redacted]?from=mail#top');
    assert.equal(redactUrl('/api/v1/projects/privastream/reports'), '/api/v1/projects/privastream/reports');
  });

  test('hides the mailing list confirmation and unsubscribe tokens too', () => {
    const t = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    assert.equal(redactUrl(`/projects/privastream/mailing-list/confirm/${t}`), '/projects/privastream/mailing-list/confirm/[redacted]');
    assert.equal(redactUrl(`/projects/privastream/mailing-list/unsubscribe/${t}?x=1`), '/projects/privastream/mailing-list/unsubscribe/[redacted]?x=1');
    assert.equal(redactUrl('/projects/privastream/mailing-list'), '/projects/privastream/mailing-list');
  });
});
