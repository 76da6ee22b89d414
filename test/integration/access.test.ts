import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, type World } from '../support/fixtures.ts';
import { startRelay, type TestRelay } from '../support/mail-relay.ts';
import { createUser } from '../../src/services/access/users.ts';

/**
 * Access that can be taken back (issue 15): scoped, expiring, listable, revocable API tokens that cannot mint
 * tokens; users a site admin disables (sessions and tokens end at once); password change and reset; sessions;
 * per-account sign-in throttling. Each was missing: tokens had no scope, expiry, list or revoke, and a bearer token
 * could mint new ones.
 */
const PASSWORD = 'correct horse battery staple';
const P = '/api/v1/projects/privastream';

for (const engine of ENGINES) {
  describe(`tokens, users, passwords and sessions on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;
    let trackingId: string;
    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}` });
      world = await seedWorld(rt);
      trackingId = (await submit(rt)).tracking_id;
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    /** Signs in with a password: the cookie and CSRF token of a new session. */
    async function signIn(email: string, password = PASSWORD) {
      const res = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password } });
      assert.equal(res.statusCode, 200, res.body);
      const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
      return { cookie, csrf: (res.json() as { csrf_token: string }).csrf_token, headers: { cookie, 'x-csrf-token': (res.json() as { csrf_token: string }).csrf_token } };
    }
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    async function mint(session: { headers: Record<string, string> }, body: Record<string, unknown>) {
      const res = await rt.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: session.headers, payload: body });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; token: string; expires_at: string };
    }

    test('a token cannot mint tokens; a session can, with a default expiry of 90 days and at most a year', async () => {
      const byToken = await rt.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: world.as('admin'), payload: { name: 'child' } });
      assert.equal(byToken.statusCode, 403, byToken.body);
      assert.match((byToken.json() as { message: string }).message, /API tokens cannot create tokens/);

      const s = await signIn('triager@example.org');
      const made = await mint(s, { name: 'ci' });
      assert.equal(made.expires_at, new Date(rt.clock.now.getTime() + 90 * 86_400_000).toISOString());
      const tooLong = await rt.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'x', expires_at: new Date(rt.clock.now.getTime() + 400 * 86_400_000).toISOString() } });
      assert.equal(tooLong.statusCode, 400);
      assert.match(tooLong.body, /at most a year/);

      const list = await rt.app.inject({ url: '/api/v1/tokens', headers: s.headers });
      const tokens = (list.json() as { tokens: Array<Record<string, unknown>> }).tokens;
      const ci = tokens.find((t) => t.id === made.id) ?? assert.fail('not listed');
      assert.deepEqual(ci.scopes, ['read', 'triage', 'publish', 'admin']);
      assert.equal(ci.projects, null);
      assert.ok(!JSON.stringify(tokens).includes(made.token), 'never the secret');
      assert.ok(!('token' in ci) && !('token_hash' in ci));
    });

    test('scopes and projects limit a token, and a token never exceeds its owner', async () => {
      const s = await signIn('triager@example.org');
      const readOnly = await mint(s, { name: 'dashboards', scopes: ['read'] });
      assert.equal((await rt.app.inject({ url: `${P}/reports`, headers: bearer(readOnly.token) })).statusCode, 200);
      const triage = await rt.app.inject({ method: 'POST', url: `${P}/reports/${trackingId}/messages`, headers: bearer(readOnly.token), payload: { body: 'x', internal: true } });
      assert.equal(triage.statusCode, 403);
      assert.match((triage.json() as { message: string }).message, /lacks the "triage" scope/);

      // The triager's token with the admin scope still cannot do what only admins may.
      const wide = await mint(s, { name: 'wide', scopes: ['read', 'admin'] });
      assert.equal((await rt.app.inject({ url: `${P}/audit`, headers: bearer(wide.token) })).statusCode, 403);

      // Limited to a project: elsewhere it is no member (404), and it lists only that project.
      const a = await signIn('siteadmin@example.org');
      const limited = await mint(a, { name: 'one project', projects: ['personal-chatter'] });
      assert.equal((await rt.app.inject({ url: `${P}/reports`, headers: bearer(limited.token) })).statusCode, 404);
      assert.equal((await rt.app.inject({ url: '/api/v1/projects/personal-chatter/reports', headers: bearer(limited.token) })).statusCode, 200);
      const mine = (await rt.app.inject({ url: '/api/v1/dashboard/projects', headers: bearer(limited.token) })).json() as { projects: Array<{ slug: string }> };
      assert.deepEqual(mine.projects.map((p) => p.slug), ['personal-chatter']);
      // ... and a site admin's limited token is no site admin.
      assert.equal((await rt.app.inject({ url: '/api/v1/users', headers: bearer(limited.token) })).statusCode, 403);
      // A project its owner is not a member of cannot be named (alike whether it exists).
      const foreign = await rt.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'x', projects: ['personal-chatter'] } });
      const ghost = await rt.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'x', projects: ['no-such-project'] } });
      assert.deepEqual([foreign.statusCode, ghost.statusCode], [400, 400]);
    });

    test('revoked and expired tokens answer 401 saying why; site admins revoke anyone’s, others only their own', async () => {
      const s = await signIn('viewer@example.org');
      const t1 = await mint(s, { name: 'one' });
      const t2 = await mint(s, { name: 'two', expires_at: new Date(rt.clock.now.getTime() + 3_600_000).toISOString() });
      assert.equal((await rt.app.inject({ url: `${P}/reports`, headers: bearer(t1.token) })).statusCode, 200);

      const other = await signIn('triager@example.org');
      assert.equal((await rt.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${t1.id}`, headers: other.headers })).statusCode, 404);
      const revoked = await rt.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${t1.id}`, headers: s.headers });
      assert.equal(revoked.statusCode, 204);
      const after1 = await rt.app.inject({ url: `${P}/reports`, headers: bearer(t1.token) });
      assert.equal(after1.statusCode, 401);
      assert.match(after1.body, /revoked/);

      const admin = await signIn('siteadmin@example.org');
      const all = (await rt.app.inject({ url: '/api/v1/tokens?all=true', headers: admin.headers })).json() as { tokens: Array<{ id: string; revoked_at: string | null }> };
      assert.ok(all.tokens.find((t) => t.id === t1.id)?.revoked_at);
      assert.equal((await rt.app.inject({ url: '/api/v1/tokens?all=true', headers: s.headers })).statusCode, 403);

      rt.clock.advance(3_600_000 + 1);
      const expired = await rt.app.inject({ url: `${P}/reports`, headers: bearer(t2.token) });
      assert.equal(expired.statusCode, 401);
      assert.match(expired.body, /expired at/);
      const audit = await rt.ctx.db.selectFrom('audit_log').select('action').where('action', 'in', ['token.created', 'token.revoked']).execute();
      assert.ok(audit.some((a) => a.action === 'token.revoked'));
    });

    test("a token cannot manage its owner's account (tokens, sessions, notification settings, notification key); it can revoke itself", async () => {
      const s = await signIn('triager@example.org');
      const other = await mint(s, { name: 'other' });
      const leaked = await mint(s, { name: 'leaked dashboard token', scopes: ['read'], projects: ['privastream'] });
      const writes: Array<{ method: 'GET' | 'PUT' | 'DELETE'; url: string; payload?: Record<string, unknown> }> = [
        { method: 'GET', url: '/api/v1/tokens' },
        { method: 'DELETE', url: `/api/v1/tokens/${other.id}` },
        { method: 'GET', url: '/api/v1/me/sessions' },
        { method: 'DELETE', url: '/api/v1/me/sessions' },
        { method: 'PUT', url: '/api/v1/me/notifications', payload: { project: 'privastream', level: 'none' } },
        { method: 'DELETE', url: '/api/v1/me/pgp-key' },
        { method: 'PUT', url: '/api/v1/me/pgp-key', payload: { public_key: 'not even a key' } },
      ];
      for (const w of writes) {
        const res = await rt.app.inject({ ...w, headers: bearer(leaked.token) });
        assert.equal(res.statusCode, 403, `${w.method} ${w.url} with a token: ${res.body}`);
        assert.match((res.json() as { message: string }).message, /API tokens cannot .*sign in/);
      }
      // Nothing happened: the other token and the session still work, mail settings unchanged.
      assert.equal((await rt.app.inject({ url: `${P}/reports`, headers: bearer(other.token) })).statusCode, 200);
      assert.equal((await rt.app.inject({ url: '/api/v1/me/sessions', headers: s.headers })).statusCode, 200);
      // Reading what is mailed stays open to a token.
      assert.equal((await rt.app.inject({ url: '/api/v1/me/notifications', headers: bearer(leaked.token) })).statusCode, 200);
      // A token may end itself (a CI job cleaning up), and only itself.
      const self = await rt.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${leaked.id}`, headers: bearer(leaked.token) });
      assert.equal(self.statusCode, 204, self.body);
      assert.equal((await rt.app.inject({ url: `${P}/reports`, headers: bearer(leaked.token) })).statusCode, 401);
    });

    test('disabling a user ends their sessions and tokens at once; re-enabling gives neither back', async () => {
      const victim = await createUser(rt.ctx, { email: 'dora@example.org', name: 'Dora', password: PASSWORD, siteAdmin: false }, 'test');
      await rt.app.inject({ method: 'PUT', url: `${P}/members`, headers: world.as('siteAdmin'), payload: { email: 'dora@example.org', role: 'triager' } });
      const s = await signIn('dora@example.org');
      const t = await mint(s, { name: 'dora' });
      assert.equal((await rt.app.inject({ url: `${P}/reports`, headers: bearer(t.token) })).statusCode, 200);

      assert.equal((await rt.app.inject({ method: 'PATCH', url: `/api/v1/users/${victim.id}`, headers: world.as('admin'), payload: { disabled: true } })).statusCode, 403);
      const off = await rt.app.inject({ method: 'PATCH', url: `/api/v1/users/${victim.id}`, headers: world.as('siteAdmin'), payload: { disabled: true } });
      assert.equal(off.statusCode, 200, off.body);
      assert.equal((off.json() as { disabled: boolean }).disabled, true);
      assert.equal((await rt.app.inject({ url: '/api/v1/session', headers: { cookie: s.cookie } })).statusCode, 401);
      assert.equal((await rt.app.inject({ url: `${P}/reports`, headers: bearer(t.token) })).statusCode, 401);
      assert.equal((await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'dora@example.org', password: PASSWORD } })).statusCode, 401);

      await rt.app.inject({ method: 'PATCH', url: `/api/v1/users/${victim.id}`, headers: world.as('siteAdmin'), payload: { disabled: false } });
      assert.equal((await rt.app.inject({ url: `${P}/reports`, headers: bearer(t.token) })).statusCode, 401, 'tokens stay revoked');
      await signIn('dora@example.org');
      const users = (await rt.app.inject({ url: '/api/v1/users', headers: world.as('siteAdmin') })).json() as { users: Array<{ email: string; disabled: boolean }> };
      assert.equal(users.users.find((u) => u.email === 'dora@example.org')?.disabled, false);
      const actions = (await rt.ctx.db.selectFrom('audit_log').select('action').where('action', 'in', ['user.disabled', 'user.enabled']).execute()).map((a) => a.action);
      assert.deepEqual(actions, ['user.disabled', 'user.enabled']);
    });

    test('changing the password needs the current one and ends the other sessions', async () => {
      await createUser(rt.ctx, { email: 'pat@example.org', name: 'Pat', password: PASSWORD, siteAdmin: false }, 'test');
      const here = await signIn('pat@example.org');
      const elsewhere = await signIn('pat@example.org');
      const wrong = await rt.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: here.headers, payload: { current_password: 'nope', new_password: 'another long passphrase' } });
      assert.equal(wrong.statusCode, 400);
      const sessions = (await rt.app.inject({ url: '/api/v1/me/sessions', headers: here.headers })).json() as { sessions: Array<{ id: string; current: boolean }> };
      assert.equal(sessions.sessions.length, 2);
      assert.equal(sessions.sessions.filter((x) => x.current).length, 1);
      const ok = await rt.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: here.headers, payload: { current_password: PASSWORD, new_password: 'another long passphrase' } });
      assert.equal(ok.statusCode, 204, ok.body);
      assert.equal((await rt.app.inject({ url: '/api/v1/session', headers: { cookie: here.cookie } })).statusCode, 200, 'this session stays');
      assert.equal((await rt.app.inject({ url: '/api/v1/session', headers: { cookie: elsewhere.cookie } })).statusCode, 401, 'the other ended');
      await signIn('pat@example.org', 'another long passphrase');
      // Ending every other session, then one by id.
      const third = await signIn('pat@example.org', 'another long passphrase');
      assert.equal((await rt.app.inject({ method: 'DELETE', url: '/api/v1/me/sessions', headers: here.headers })).statusCode, 204);
      assert.equal((await rt.app.inject({ url: '/api/v1/session', headers: { cookie: third.cookie } })).statusCode, 401);
    });

    /** Waits until `n` reset links were stored: the request's work goes on after its answer. */
    async function resetsStored(n: number) {
      for (let i = 0; i < 200; i++) {
        const rows = await rt.ctx.db.selectFrom('password_resets').select('token_hash').execute();
        if (rows.length >= n) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.fail(`fewer than ${n} reset links stored`);
    }

    test("a password reset answers before it does an account's work, so its time does not tell whether the address has one", async () => {
      // Hold the store (PGlite: its one connection; PostgreSQL: the audit chain's head, which the account's work appends to).
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      let locked = () => {};
      const isLocked = new Promise<void>((r) => (locked = r));
      const holder = rt.ctx.db.transaction().execute(async (tx) => {
        await tx.selectFrom('audit_head').selectAll().forUpdate().execute();
        locked();
        await held;
      });
      await isLocked;
      try {
        const answer = rt.app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'triager@example.org' } });
        const first = await Promise.race([answer.then((r) => r.statusCode), new Promise((r) => setTimeout(() => r('still waiting'), 3000))]);
        // Measured before: an address with an account answered tens of ms later than one without (medians 87 against 40 ms on PGlite).
        assert.equal(first, 202, "the answer does not wait for the account's work");
      } finally {
        release();
        await holder;
      }
      await resetsStored(1);
    });

    test('a password reset answers the same for any address and mails a single-use one-hour link to accounts only', async () => {
      const seen = relay.mails.length;
      const before = (await rt.ctx.db.selectFrom('password_resets').select('token_hash').execute()).length;
      const known = await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'Viewer@Example.org' } });
      const unknown = await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'nobody@example.org' } });
      assert.deepEqual([known.statusCode, unknown.statusCode], [202, 202]);
      assert.equal(known.body, unknown.body);
      await resetsStored(before + 1);
      await rt.jobs.runAllOnce();
      // Earlier tests' mails (acknowledgement, membership) go out in the same run: look at the resets only.
      // (and the previous test's reset to the triager).
      const resets = () => relay.mails.slice(seen).filter((m) => m.parsed.subject === 'Reset your Embargo password' && !m.to.includes('triager@example.org'));
      await relay.waitFor(seen + 1);
      const mails = resets();
      assert.deepEqual(mails.map((m) => m.to).flat(), ['viewer@example.org']);
      const token = decodeURIComponent(/#token=(\S+)/.exec(mails[0]?.parsed.text ?? '')?.[1] ?? assert.fail('no link'));
      const s = await signIn('viewer@example.org');

      const short = await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token, password: 'short' } });
      assert.equal(short.statusCode, 400);
      const done = await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token, password: 'a brand new passphrase' } });
      assert.equal(done.statusCode, 204, done.body);
      assert.equal((await rt.app.inject({ url: '/api/v1/session', headers: { cookie: s.cookie } })).statusCode, 401, 'every session ends');
      await signIn('viewer@example.org', 'a brand new passphrase');
      const again = await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token, password: 'yet another passphrase' } });
      assert.equal(again.statusCode, 404);

      // A link older than an hour is refused.
      await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'viewer@example.org' } });
      await resetsStored(before + 2);
      await rt.jobs.runAllOnce();
      for (let i = 0; i < 100 && resets().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      const late = resets()[1];
      const lateToken = decodeURIComponent(/#token=(\S+)/.exec(late?.parsed.text ?? '')?.[1] ?? assert.fail('no link'));
      rt.clock.advance(60 * 60_000 + 1);
      assert.equal((await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token: lateToken, password: 'yet another passphrase' } })).statusCode, 404);
    });

    test('reset mails to one account are limited to 3 an hour (no mail bombing through the reset form); the answer stays the same and the newest link works', async () => {
      const rita = await createUser(rt.ctx, { email: 'rita@example.org', name: 'Rita', password: PASSWORD, siteAdmin: false }, 'test');
      const stored = async () => (await rt.ctx.db.selectFrom('password_resets').select('token_hash').where('user_id', '=', rita.id).execute()).length;
      const audited = async () => (await rt.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'user.password-reset-requested').where(sql<boolean>`data->>'user' = ${rita.id}`).execute()).length;
      const seen = relay.mails.length;
      const answers = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const res = await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'rita@example.org' } });
        assert.equal(res.statusCode, 202);
        answers.add(res.body);
        rt.clock.advance(60_000);
      }
      assert.equal(answers.size, 1);
      for (let i = 0; i < 100 && (await audited()) < 3; i++) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await stored(), 3, 'three links made in the hour, not five');
      await rt.jobs.runAllOnce();
      const ritas = () => relay.mails.slice(seen).filter((m) => m.to.includes('rita@example.org'));
      for (let i = 0; i < 100 && ritas().length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(ritas().length, 3);
      const tokenOf = (m: (typeof relay.mails)[number] | undefined) => decodeURIComponent(/#token=(\S+)/.exec(m?.parsed.text ?? '')?.[1] ?? assert.fail('no link'));
      // Each new link replaced the one before: of the three mailed (the relay may get them in any order), one works.
      const codes: number[] = [];
      for (const m of ritas()) {
        codes.push((await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token: tokenOf(m), password: 'a brand new passphrase' } })).statusCode);
      }
      assert.deepEqual(codes.sort(), [204, 404, 404]);
      // An hour after the first, the form mails again.
      rt.clock.advance(60 * 60_000);
      await rt.app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'rita@example.org' } });
      for (let i = 0; i < 100 && (await audited()) < 4; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(await audited(), 4);
      // ... and the hour's old links are gone with it (past use and past the count).
      assert.equal(await stored(), 1);
    });

    test('failed sign-ins are throttled per account as well as per client, alike for addresses without an account', async () => {
      await createUser(rt.ctx, { email: 'sam@example.org', name: 'Sam', password: PASSWORD, siteAdmin: false }, 'test');
      for (const email of ['sam@example.org', 'ghost@example.org']) {
        for (let i = 0; i < 10; i++) {
          const res = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password: `wrong ${i}` } });
          assert.equal(res.statusCode, 401);
        }
        const locked = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password: PASSWORD } });
        assert.equal(locked.statusCode, 429, `${email}: ${locked.body}`);
        assert.match(locked.body, /Too many failed sign-ins for this address/);
      }
      rt.clock.advance(15 * 60_000);
      await signIn('sam@example.org');
      const failed = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'session.sign-in-failed').execute();
      assert.ok(failed.length >= 20);
    });
  });
}
