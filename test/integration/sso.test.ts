import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld } from '../support/fixtures.ts';
import { startTestIdp, type TestIdp } from '../support/oidc-provider.ts';
import { hashToken } from '../../src/adapters/crypto/tokens.ts';
import { authenticate } from '../../src/services/access/users.ts';
import { signInWithSso, unlinkSsoIdentities } from '../../src/services/access/sso.ts';
import { redactUrl } from '../../src/http/redact.ts';

/**
 * Single sign-on with OpenID Connect (issue 15), the whole authorization code flow against a real provider
 * (oidc-provider on 127.0.0.1, test/support/oidc-provider.ts): Embargo's /api/v1/sso/start, the provider's sign-in
 * form walked by a cookie-keeping HTTP client, then Embargo's callback with the flow cookie. What the provider
 * says of each account (email, email_verified, groups) is set by each test.
 */
const PUBLIC_URL = 'https://embargo.test';
const CALLBACK = `${PUBLIC_URL}/api/v1/sso/callback`;
const PASSWORD = 'idp password';

const cookieOf = (setCookie: string | string[] | undefined, name: string): string | null => {
  for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const pair = c.split(';')[0] ?? '';
    if (pair.startsWith(`${name}=`) && pair.length > name.length + 1) return pair;
  }
  return null;
};

/** A port nothing listens on (an identity provider that is down). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

for (const engine of ENGINES) {
  describe(`single sign-on on ${engine.name}`, () => {
    let rt: TestServer;
    let idp: TestIdp;
    let serial = 0;
    before(async () => {
      idp = await startTestIdp({ redirectUris: [CALLBACK] });
      rt = await startTestRuntime(engine, {
        EMBARGO_PUBLIC_URL: PUBLIC_URL,
        EMBARGO_OIDC_ISSUER: idp.issuer,
        EMBARGO_OIDC_CLIENT_ID: idp.clientId,
        EMBARGO_OIDC_CLIENT_SECRET: idp.clientSecret,
        EMBARGO_OIDC_ALLOWED_DOMAINS: 'acme.test, example.org',
        EMBARGO_OIDC_ROLE_MAP: 'embargo-admins=site_admin,acme-sec=privastream:triager,acme-leads=privastream:admin,chat-team=personal-chatter:viewer',
        EMBARGO_OIDC_NAME: 'Acme SSO',
        // oidc-provider releases a claim for a scope that names it, as many providers do.
        EMBARGO_OIDC_SCOPES: 'openid email profile groups',
      });
      await seedWorld(rt);
    });
    after(async () => {
      await rt?.close();
      await idp?.close();
    });

    /** A new account at the provider; returns its login. */
    function account(claims: { email?: string; email_verified?: boolean; groups?: string[]; name?: string }, sub = `sub-${++serial}`): string {
      const login = claims.email ?? `nomail-${serial}@idp.test`;
      idp.setAccount(login, { sub, password: PASSWORD, ...claims });
      return login;
    }

    /** Starts a flow at Embargo: the provider's authorization URL and the flow cookie. */
    async function start(invitation?: string): Promise<{ url: string; flowCookie: string }> {
      const res = invitation
        ? await rt.app.inject({ method: 'POST', url: '/api/v1/sso/start', payload: { invitation_token: invitation } })
        : await rt.app.inject({ url: '/api/v1/sso/start' });
      const url = invitation ? (res.json() as { authorization_url: string }).authorization_url : res.headers.location;
      assert.equal(res.statusCode, invitation ? 200 : 302, res.body);
      assert.ok(typeof url === 'string' && url.startsWith(idp.issuer), `redirected to the provider: ${String(url)}`);
      const flowCookie = cookieOf(res.headers['set-cookie'], 'embargo_sso') ?? assert.fail('no flow cookie');
      return { url, flowCookie };
    }

    /** Embargo's callback with the provider's redirect back. */
    async function callback(back: string, flowCookie: string | null) {
      const u = new URL(back);
      assert.equal(`${u.origin}${u.pathname}`, CALLBACK);
      const res = await rt.app.inject({ url: u.pathname + u.search, headers: flowCookie ? { cookie: flowCookie } : {} });
      return { res, location: res.headers.location, session: cookieOf(res.headers['set-cookie'], 'embargo_session') };
    }

    async function signIn(login: string, invitation?: string) {
      const { url, flowCookie } = await start(invitation);
      return callback(await idp.login(url, login), flowCookie);
    }

    async function me(session: string | null) {
      assert.ok(session, 'a session cookie');
      const res = await rt.app.inject({ url: '/api/v1/session', headers: { cookie: session } });
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as { user: { id: string; email: string; name: string; site_admin: boolean } }).user;
    }

    const audit = async (since: number) =>
      (await rt.ctx.db.selectFrom('audit_log').select(['seq', 'actor', 'action', 'data']).where('seq', '>', since).orderBy('seq').execute()).map((a) => ({
        actor: a.actor,
        action: a.action,
        data: a.data as Record<string, unknown>,
      }));
    const lastSeq = async () => Number((await rt.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirstOrThrow()).m ?? 0);

    async function refusedWith(r: Awaited<ReturnType<typeof callback>>, code: string) {
      assert.equal(r.res.statusCode, 303, r.res.body);
      assert.equal(r.location, `/app?sso=${code}`);
      assert.equal(r.session, null, 'no session');
    }

    test('the sign-in page is told SSO is configured, and with which label', async () => {
      const res = await rt.app.inject({ url: '/api/v1/sso' });
      assert.deepEqual(res.json(), { enabled: true, label: 'Acme SSO' });
    });

    test('a first sign-in with a verified address of an allowed domain creates the account, links it and signs in', async () => {
      const seq = await lastSeq();
      const login = account({ email: 'Newcomer@Acme.test', email_verified: true, name: 'Nia Newcomer' }, 'sub-newcomer');
      const r = await signIn(login);
      assert.equal(r.res.statusCode, 303, r.res.body);
      assert.equal(r.location, '/app');
      assert.equal(cookieOf(r.res.headers['set-cookie'], 'embargo_sso'), null, 'the flow cookie is cleared');
      const user = await me(r.session);
      assert.deepEqual({ email: user.email, name: user.name, site_admin: user.site_admin }, { email: 'newcomer@acme.test', name: 'Nia Newcomer', site_admin: false });

      const link = await rt.ctx.db.selectFrom('sso_identities').selectAll().where('user_id', '=', user.id).execute();
      assert.deepEqual(link.map((l) => [l.issuer, l.subject, l.email]), [[idp.issuer, 'sub-newcomer', 'newcomer@acme.test']]);
      assert.equal(await authenticate(rt.ctx.db, 'newcomer@acme.test', ''), null, 'no usable password');

      const entries = await audit(seq);
      assert.deepEqual(entries.map((e) => e.action), ['user.created', 'sso.identity-linked', 'session.signed-in']);
      assert.equal(entries[0]?.actor, `oidc:${idp.issuer}`);
      assert.deepEqual(entries[1]?.data, { user: user.id, issuer: idp.issuer, subject: 'sub-newcomer', email: 'newcomer@acme.test', created: true });
      assert.deepEqual(entries[2]?.data, { user: user.id, ip: '127.0.0.1', method: 'oidc', issuer: idp.issuer });
      assert.doesNotMatch(JSON.stringify(entries), /eyJ|access_token|id_token|code=/, 'no token in the audit log');

      // Signing in again finds the same account by its link: nothing is created or linked again.
      const again = await signIn(login);
      assert.equal((await me(again.session)).id, user.id);
      assert.deepEqual((await audit(seq)).slice(3).map((e) => e.action), ['session.signed-in']);
    });

    test('two first sign-ins of one new identity at once (two tabs) make one account, and both sign in', async () => {
      const settings = rt.config.oidc ?? assert.fail('SSO is configured');
      const identity = { issuer: idp.issuer, subject: 'sub-two-tabs', claims: { email: 'two.tabs@acme.test', email_verified: true, name: 'Two Tabs' } };
      const signIn = () => signInWithSso(rt.ctx, settings, identity, { ip: '127.0.0.1', invitationToken: null });
      const both = await Promise.all([signIn(), signIn()]);
      assert.equal(both[0].user.id, both[1].user.id, 'the same account');
      assert.deepEqual(both.map((b) => b.created).sort(), [false, true], 'created once');
      const users = await rt.ctx.db.selectFrom('users').select('id').where('email', '=', 'two.tabs@acme.test').execute();
      assert.equal(users.length, 1);
      const links = await rt.ctx.db.selectFrom('sso_identities').select('subject').where('user_id', '=', both[0].user.id).execute();
      assert.deepEqual(links.map((l) => l.subject), ['sub-two-tabs']);
    });

    test('an existing account with the verified address is linked; a later email change at the provider keeps it', async () => {
      const existing = await rt.ctx.db.selectFrom('users').select('id').where('email', '=', 'triager@example.org').executeTakeFirstOrThrow();
      const seq = await lastSeq();
      const login = account({ email: 'triager@example.org', email_verified: true }, 'sub-triager');
      const first = await signIn(login);
      assert.equal(first.location, '/app');
      assert.equal((await me(first.session)).id, existing.id);
      const entries = await audit(seq);
      assert.deepEqual(entries.map((e) => e.action), ['sso.identity-linked', 'session.signed-in'], 'its privastream role (given in Embargo) is left alone');
      assert.equal(entries[0]?.data.created, false);

      // The same subject now has another (verified, allowed) address: still the same account.
      const renamed = account({ email: 'tri.ager@example.org', email_verified: true }, 'sub-triager');
      const second = await signIn(renamed);
      assert.equal((await me(second.session)).id, existing.id);

      // Another subject presenting the linked account's address is refused, not linked too.
      const other = account({ email: 'triager@example.org', email_verified: true }, 'sub-impostor');
      const seqBefore = await lastSeq();
      await refusedWith(await signIn(other), 'identity-conflict');
      const refused = await audit(seqBefore);
      assert.deepEqual(refused.map((e) => [e.action, e.data.reason, e.data.method]), [['session.sign-in-failed', 'identity-conflict', 'oidc']]);
    });

    test("the operator's unlink lets a new identity of the same person link the account again", async () => {
      const first = account({ email: 'relinked@acme.test', email_verified: true }, 'sub-relink-old');
      const user = await me((await signIn(first)).session);
      const replaced = account({ email: 'relinked@acme.test', email_verified: true }, 'sub-relink-new');
      await refusedWith(await signIn(replaced), 'identity-conflict');
      assert.deepEqual(await unlinkSsoIdentities(rt.ctx, 'relinked@acme.test', 'cli'), [{ issuer: idp.issuer, subject: 'sub-relink-old' }]);
      assert.equal((await me((await signIn(replaced)).session)).id, user.id);
      const unlinked = await rt.ctx.db.selectFrom('audit_log').select(['actor', 'data']).where('action', '=', 'sso.identity-unlinked').execute();
      assert.deepEqual(unlinked.map((u) => [u.actor, (u.data as { subject: string }).subject]), [['cli', 'sub-relink-old']]);
    });

    test('an address the provider does not call verified is refused, in words, and audited', async () => {
      for (const claims of [{ email: 'unverified@acme.test', email_verified: false }, { email: 'unsaid@acme.test' }]) {
        const seq = await lastSeq();
        await refusedWith(await signIn(account(claims)), 'email-unverified');
        const entries = await audit(seq);
        assert.deepEqual(entries.map((e) => e.action), ['session.sign-in-failed']);
        assert.equal(entries[0]?.data.issuer, idp.issuer);
        assert.equal(entries[0]?.data.email, claims.email);
        const user = await rt.ctx.db.selectFrom('users').select('id').where('email', '=', claims.email).executeTakeFirst();
        assert.equal(user, undefined, 'no account made');
      }
    });

    test('an address of a domain that is not allowed is refused', async () => {
      await refusedWith(await signIn(account({ email: 'someone@elsewhere.test', email_verified: true })), 'domain-not-allowed');
      assert.equal(await rt.ctx.db.selectFrom('users').select('id').where('email', '=', 'someone@elsewhere.test').executeTakeFirst(), undefined);
    });

    test('a disabled account is refused, linked or not', async () => {
      await rt.ctx.db.updateTable('users').set({ disabled: true }).where('email', '=', 'viewer@example.org').execute();
      await refusedWith(await signIn(account({ email: 'viewer@example.org', email_verified: true }, 'sub-viewer')), 'account-disabled');
      const login = account({ email: 'soon-disabled@acme.test', email_verified: true }, 'sub-soon-disabled');
      assert.equal((await signIn(login)).location, '/app');
      await rt.ctx.db.updateTable('users').set({ disabled: true }).where('email', '=', 'soon-disabled@acme.test').execute();
      await refusedWith(await signIn(login), 'account-disabled');
    });

    test('the group → role map sets site_admin and the memberships it names at each sign-in, and leaves the rest alone', async () => {
      const sub = 'sub-mapped';
      const login = account({ email: 'mapped@acme.test', email_verified: true, groups: ['acme-sec', 'acme-leads', 'unmapped'] }, sub);
      const user = await me((await signIn(login)).session);
      const roles = async () =>
        Object.fromEntries(
          (
            await rt.ctx.db.selectFrom('memberships').innerJoin('projects', 'projects.id', 'memberships.project_id').select(['projects.slug', 'memberships.role']).where('user_id', '=', user.id).execute()
          ).map((m) => [m.slug, m.role]),
        );
      const siteAdmin = async () => (await rt.ctx.db.selectFrom('users').select('site_admin').where('id', '=', user.id).executeTakeFirstOrThrow()).site_admin;
      assert.deepEqual(await roles(), { privastream: 'admin' }, 'the highest role its groups give');
      assert.equal(await siteAdmin(), false);

      idp.setAccount(login, { sub, password: PASSWORD, email: 'mapped@acme.test', email_verified: true, groups: ['chat-team', 'embargo-admins'] });
      const seq = await lastSeq();
      const second = await signIn(login);
      assert.equal((await me(second.session)).site_admin, true, 'the session says so at once');
      assert.deepEqual(await roles(), { 'personal-chatter': 'viewer' }, 'privastream removed: no group gives it any more');
      const applied = (await audit(seq)).find((e) => e.action === 'sso.roles-applied');
      assert.deepEqual(applied?.data, {
        user: user.id,
        siteAdmin: { from: false, to: true },
        memberships: [
          { project: 'personal-chatter', from: null, to: 'viewer' },
          { project: 'privastream', from: 'admin', to: null },
        ].sort((a, b) => (a.project < b.project ? -1 : 1)),
      });

      idp.setAccount(login, { sub, password: PASSWORD, email: 'mapped@acme.test', email_verified: true, groups: [] });
      await signIn(login);
      assert.equal(await siteAdmin(), false, 'site_admin cleared: the map had given it, and another site admin exists');
      assert.deepEqual(await roles(), {}, 'what the map gave is taken back');
    });

    test('the role map never lowers or takes back a role given in Embargo', async () => {
      // admin@example.org is admin of privastream by hand; acme-sec maps to triager there.
      const sub = 'sub-hand-admin';
      const login = account({ email: 'admin@example.org', email_verified: true, groups: ['acme-sec', 'embargo-admins'] }, sub);
      const user = await me((await signIn(login)).session);
      const role = async () => (await rt.ctx.db.selectFrom('memberships').innerJoin('projects', 'projects.id', 'memberships.project_id').select('role').where('slug', '=', 'privastream').where('user_id', '=', user.id).executeTakeFirst())?.role;
      assert.equal(await role(), 'admin', 'not lowered to triager');
      assert.equal(user.site_admin, true, 'made site admin by the map');
      idp.setAccount(login, { sub, password: PASSWORD, email: 'admin@example.org', email_verified: true, groups: [] });
      const after = await me((await signIn(login)).session);
      assert.equal(await role(), 'admin', 'not taken back: the map did not give it');
      assert.equal(after.site_admin, false, 'site_admin taken back: the map gave it');
      // triager@example.org (triager of privastream by hand, linked as sub-triager above): raised by a group, then back.
      const triagerRole = async () =>
        (await rt.ctx.db.selectFrom('memberships').innerJoin('projects', 'projects.id', 'memberships.project_id').innerJoin('users', 'users.id', 'memberships.user_id').select('role').where('slug', '=', 'privastream').where('users.email', '=', 'triager@example.org').executeTakeFirst())?.role;
      idp.setAccount('tri.ager@example.org', { sub: 'sub-triager', password: PASSWORD, email: 'tri.ager@example.org', email_verified: true, groups: ['acme-leads'] });
      await signIn('tri.ager@example.org');
      assert.equal(await triagerRole(), 'admin', 'raised by acme-leads');
      idp.setAccount('tri.ager@example.org', { sub: 'sub-triager', password: PASSWORD, email: 'tri.ager@example.org', email_verified: true, groups: [] });
      await signIn('tri.ager@example.org');
      assert.equal(await triagerRole(), 'triager', 'back to the role given in Embargo');
      // The site admin made in Embargo keeps it whatever the groups say.
      const root = account({ email: 'siteadmin@example.org', email_verified: true, groups: [] }, 'sub-root');
      assert.equal((await me((await signIn(root)).session)).site_admin, true);
    });

    test('a callback whose state is not the flow of this browser is refused', async () => {
      const a = await start();
      const b = await start();
      const back = await idp.login(a.url, account({ email: 'state@acme.test', email_verified: true }));
      const seq = await lastSeq();
      await refusedWith(await callback(back, b.flowCookie), 'mismatch');
      const [entry] = await audit(seq);
      assert.deepEqual([entry?.action, entry?.data.reason], ['session.sign-in-failed', 'mismatch']);
      assert.equal(await rt.ctx.db.selectFrom('users').select('id').where('email', '=', 'state@acme.test').executeTakeFirst(), undefined);
    });

    test("an ID token whose nonce is not the flow's is refused", async () => {
      const a = await start();
      const back = await idp.login(a.url, account({ email: 'nonce@acme.test', email_verified: true }));
      // The same flow (state, PKCE verifier) with another nonce, sealed with the server's key.
      const decoded = rt.app.decodeSecureSession(decodeURIComponent(a.flowCookie.slice('embargo_sso='.length))) ?? assert.fail('undecodable flow cookie');
      const flow = decoded.get('ssoFlow') ?? assert.fail('no flow');
      const forged = rt.app.encodeSecureSession(rt.app.createSecureSession({ ssoFlow: { ...flow, nonce: 'not-the-nonce-of-this-flow' } }));
      await refusedWith(await callback(back, `embargo_sso=${encodeURIComponent(forged)}`), 'mismatch');
      assert.equal(await rt.ctx.db.selectFrom('users').select('id').where('email', '=', 'nonce@acme.test').executeTakeFirst(), undefined);
    });

    test('a replayed callback is refused, with the flow cookie or without', async () => {
      const a = await start();
      const back = await idp.login(a.url, account({ email: 'replay@acme.test', email_verified: true }));
      assert.equal((await callback(back, a.flowCookie)).location, '/app');
      await refusedWith(await callback(back, a.flowCookie), 'mismatch');
      await refusedWith(await callback(back, null), 'flow-expired');
    });

    test('a flow older than ten minutes is refused', async () => {
      const a = await start();
      const back = await idp.login(a.url, account({ email: 'slow@acme.test', email_verified: true }));
      rt.clock.advance(11 * 60_000);
      await refusedWith(await callback(back, a.flowCookie), 'flow-expired');
    });

    test('an invitation is accepted with SSO when the verified address is the invited one', async () => {
      const project = await rt.ctx.db.selectFrom('projects').select('id').where('slug', '=', 'privastream').executeTakeFirstOrThrow();
      const invite = async (email: string) => {
        const token = `inv_sso-test-${++serial}-0123456789`;
        await rt.ctx.db
          .insertInto('invitations')
          .values({ project_id: project.id, email, role: 'triager', token_hash: hashToken(token), invited_by: null, created_at: rt.clock.now, expires_at: new Date(rt.clock.now.getTime() + 86_400_000) })
          .execute();
        return token;
      };
      const token = await invite('invitee@acme.test');
      // Someone else's identity cannot use it.
      await refusedWith(await signIn(account({ email: 'not-invitee@acme.test', email_verified: true }), token), 'invitation-mismatch');

      const r = await signIn(account({ email: 'invitee@acme.test', email_verified: true, name: 'Ivy Invitee' }), token);
      assert.equal(r.location, '/app');
      const user = await me(r.session);
      const membership = await rt.ctx.db.selectFrom('memberships').select('role').where('user_id', '=', user.id).where('project_id', '=', project.id).executeTakeFirst();
      assert.equal(membership?.role, 'triager');
      const used = await rt.ctx.db.selectFrom('invitations').select(['accepted_by']).where('email', '=', 'invitee@acme.test').executeTakeFirstOrThrow();
      assert.equal(used.accepted_by, user.id);

      // Used up: starting another SSO round trip with it says so at once.
      const again = await rt.app.inject({ method: 'POST', url: '/api/v1/sso/start', payload: { invitation_token: token } });
      assert.equal(again.statusCode, 404);
      assert.match((again.json() as { message: string }).message, /already used/);
    });

    test('the authorization code never reaches a log line', () => {
      assert.equal(redactUrl('/api/v1/sso/callback?code=secret&state=s&iss=x'), '/api/v1/sso/callback?[redacted]');
    });
  });
}

describe('single sign-on while the identity provider is down', () => {
  let rt: TestServer;
  before(async () => {
    const engine = ENGINES[0] ?? assert.fail('no engine');
    // The server starts: discovery waits for the first sign-in.
    rt = await startTestRuntime(engine, {
      EMBARGO_OIDC_ISSUER: `http://127.0.0.1:${await closedPort()}`,
      EMBARGO_OIDC_CLIENT_ID: 'embargo',
      EMBARGO_OIDC_ALLOWED_DOMAINS: '*',
    });
  });
  after(async () => rt?.close());

  test('the server starts, offers SSO, and a sign-in goes back to the sign-in page saying the provider is unreachable', async () => {
    assert.deepEqual((await rt.app.inject({ url: '/api/v1/sso' })).json(), { enabled: true, label: 'SSO' });
    const res = await rt.app.inject({ url: '/api/v1/sso/start' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/app?sso=idp-unreachable');
    const json = await rt.app.inject({ method: 'POST', url: '/api/v1/sso/start', payload: {} });
    assert.equal(json.statusCode, 503);
    assert.match((json.json() as { message: string }).message, /could not be reached/);
    const failed = await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', 'session.sign-in-failed').execute();
    assert.ok(failed.some((f) => (f.data as { reason?: string }).reason === 'idp-unreachable'));
  });
});
