import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, type World } from '../support/fixtures.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';
import { totpCode } from '../../src/adapters/crypto/totp.ts';
import { createUser, setUserDisabled } from '../../src/services/access/users.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';

/**
 * Two-factor authentication (issue 15): TOTP per RFC 6238 with single-use recovery codes; a used code is refused;
 * sign-in without the second factor answers 401 `totp-required`; the site setting and a project's policy field
 * require members to enrol, and until they do only the account routes answer. Every step is audited.
 */
const PASSWORD = 'correct horse battery staple';
type Session = { cookie: string; headers: Record<string, string> };

for (const engine of ENGINES) {
  describe(`two-factor authentication on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    let n = 0;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(async () => {
      await rt?.close();
    });

    const signInRaw = (payload: Record<string, unknown>) => rt.app.inject({ method: 'POST', url: '/api/v1/session', payload });
    async function signIn(email: string, extra: Record<string, unknown> = {}): Promise<Session & { enrolmentRequired: boolean }> {
      const res = await signInRaw({ email, password: PASSWORD, ...extra });
      assert.equal(res.statusCode, 200, res.body);
      const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
      const body = res.json() as { csrf_token: string; two_factor_enrolment_required: boolean };
      return { cookie, headers: { cookie, 'x-csrf-token': body.csrf_token }, enrolmentRequired: body.two_factor_enrolment_required };
    }
    async function newUser() {
      const email = `tf${++n}@example.org`;
      const user = await createUser(rt.ctx, { email, name: `TF ${n}`, password: PASSWORD, siteAdmin: false }, 'test');
      return { email, id: user.id };
    }
    /** Enrols an authenticator app for a signed-in user; answers its secret and the recovery codes. */
    async function enrol(s: Session) {
      const started = await rt.app.inject({ method: 'POST', url: '/api/v1/me/totp', headers: s.headers });
      assert.equal(started.statusCode, 200, started.body);
      const { secret, otpauth_uri: uri } = started.json() as { secret: string; otpauth_uri: string };
      assert.match(uri, /^otpauth:\/\/totp\/.+\?.*secret=/);
      assert.match(uri, /digits=6/);
      assert.match(uri, /period=30/);
      const confirmed = await rt.app.inject({ method: 'POST', url: '/api/v1/me/totp/confirm', headers: s.headers, payload: { code: totpCode(secret, rt.clock.now) } });
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      const codes = (confirmed.json() as { recovery_codes: string[] }).recovery_codes;
      return { secret, codes };
    }
    const audit = async (action: string) =>
      (await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', action).execute()).map((r) => r.data as Record<string, unknown>);

    test('enrolment needs a current code; then sign-in without it answers 401 totp-required, with it signs in', async () => {
      const u = await newUser();
      const s = await signIn(u.email);
      const started = await rt.app.inject({ method: 'POST', url: '/api/v1/me/totp', headers: s.headers });
      const { secret } = started.json() as { secret: string };
      const wrong = await rt.app.inject({ method: 'POST', url: '/api/v1/me/totp/confirm', headers: s.headers, payload: { code: '000000' === totpCode(secret, rt.clock.now) ? '111111' : '000000' } });
      assert.equal(wrong.statusCode, 400, wrong.body);
      // Not on yet: the password alone still signs in.
      await signIn(u.email);

      // The secret is sealed at rest: the row holds no base32 of it.
      const row = await rt.ctx.db.selectFrom('user_totp').selectAll().where('user_id', '=', u.id).executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.secret_sealed).toString('latin1').includes(secret));

      const ok = await rt.app.inject({ method: 'POST', url: '/api/v1/me/totp/confirm', headers: s.headers, payload: { code: totpCode(secret, rt.clock.now) } });
      assert.equal(ok.statusCode, 200, ok.body);
      const codes = (ok.json() as { recovery_codes: string[] }).recovery_codes;
      assert.equal(codes.length, 10);
      assert.equal(new Set(codes).size, 10);
      const stored = await rt.ctx.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', u.id).execute();
      assert.equal(stored.length, 10);
      assert.ok(stored.every((r) => !codes.some((c) => r.code_hash.includes(c.replace('-', '')))), 'stored hashed');

      const noCode = await signInRaw({ email: u.email, password: PASSWORD });
      assert.equal(noCode.statusCode, 401);
      const body = noCode.json() as { error: string; methods: string[] };
      assert.equal(body.error, 'totp-required');
      assert.deepEqual(body.methods, ['totp', 'recovery_code']);
      assert.ok(!noCode.headers['set-cookie'] || !String(noCode.headers['set-cookie']).includes('session='), 'no session without the second factor');

      // The code used to confirm cannot be used again (replay); the next step's code signs in, once.
      const replay = await signInRaw({ email: u.email, password: PASSWORD, totp_code: totpCode(secret, rt.clock.now) });
      assert.equal(replay.statusCode, 401);
      rt.clock.advance(30_000);
      const code = totpCode(secret, rt.clock.now);
      const good = await signIn(u.email, { totp_code: code });
      assert.equal(good.enrolmentRequired, false);
      assert.equal((await signInRaw({ email: u.email, password: PASSWORD, totp_code: code })).statusCode, 401, 'same code twice');

      // A code one step old is still accepted (clock drift), two steps old is not.
      rt.clock.advance(30_000);
      const previous = totpCode(secret, new Date(rt.clock.now.getTime() + 30_000));
      assert.equal((await signInRaw({ email: u.email, password: PASSWORD, totp_code: previous })).statusCode, 200, 'one step ahead (±1 step)');
      rt.clock.advance(90_000);
      assert.equal((await signInRaw({ email: u.email, password: PASSWORD, totp_code: totpCode(secret, new Date(rt.clock.now.getTime() - 60_000)) })).statusCode, 401, 'two steps old');
      assert.equal((await signInRaw({ email: u.email, password: PASSWORD, totp_code: totpCode(secret, new Date(rt.clock.now.getTime() - 30_000)) })).statusCode, 200, 'one step old (±1 step)');

      // A wrong password with a right code tells nothing new: the same 401 as any wrong password.
      rt.clock.advance(30_000);
      const wrongPassword = await signInRaw({ email: u.email, password: 'nope nope nope', totp_code: totpCode(secret, rt.clock.now) });
      assert.equal(wrongPassword.statusCode, 401);
      assert.equal((wrongPassword.json() as { error: string }).error, 'unauthenticated');

      assert.ok((await audit('user.totp-enrolled')).some((d) => d.user === u.id));
      assert.ok((await audit('session.second-factor-failed')).some((d) => d.user === u.id));
      assert.ok((await audit('session.signed-in')).some((d) => d.user === u.id && d.method === 'password+totp'));
    });

    test('two sign-ins racing with one code: exactly one gets in', async () => {
      const u = await newUser();
      const { secret } = await enrol(await signIn(u.email));
      rt.clock.advance(30_000);
      const code = totpCode(secret, rt.clock.now);
      const both = await Promise.all([1, 2, 3].map(() => signInRaw({ email: u.email, password: PASSWORD, totp_code: code })));
      assert.deepEqual(both.map((r) => r.statusCode).sort(), [200, 401, 401]);
    });

    test('recovery codes are single-use, work in any case and with or without the dash, and can be renewed', async () => {
      const u = await newUser();
      const s = await signIn(u.email);
      const { codes } = await enrol(s);
      const first = codes[0] ?? assert.fail();
      await signIn(u.email, { recovery_code: first.toUpperCase().replace('-', '') });
      assert.equal((await signInRaw({ email: u.email, password: PASSWORD, recovery_code: first })).statusCode, 401, 'used up');
      const used = await audit('user.recovery-code-used');
      assert.ok(used.some((d) => d.user === u.id && d.left === 9));
      const status = await rt.app.inject({ url: '/api/v1/me/two-factor', headers: s.headers });
      assert.equal((status.json() as { recovery_codes_left: number }).recovery_codes_left, 9);

      const renewWrong = await rt.app.inject({ method: 'POST', url: '/api/v1/me/recovery-codes', headers: s.headers, payload: { password: 'not it at all' } });
      assert.equal(renewWrong.statusCode, 400);
      const renewed = await rt.app.inject({ method: 'POST', url: '/api/v1/me/recovery-codes', headers: s.headers, payload: { password: PASSWORD } });
      assert.equal(renewed.statusCode, 200, renewed.body);
      assert.equal((await signInRaw({ email: u.email, password: PASSWORD, recovery_code: codes[1] })).statusCode, 401, 'old codes stop working');
      await signIn(u.email, { recovery_code: (renewed.json() as { recovery_codes: string[] }).recovery_codes[0] });
    });

    test('an API token cannot enrol or turn two-factor off; turning it off needs the password', async () => {
      const u = await newUser();
      const s = await signIn(u.email);
      const token = await rt.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 't' } });
      const bearer = { authorization: `Bearer ${(token.json() as { token: string }).token}` };
      assert.equal((await rt.app.inject({ method: 'POST', url: '/api/v1/me/totp', headers: bearer })).statusCode, 403);
      await enrol(s);
      assert.equal((await rt.app.inject({ method: 'POST', url: '/api/v1/me/totp/disable', headers: bearer, payload: { password: PASSWORD } })).statusCode, 403);
      assert.equal((await rt.app.inject({ method: 'POST', url: '/api/v1/me/totp/disable', headers: s.headers, payload: { password: 'wrong password!' } })).statusCode, 400);
      const off = await rt.app.inject({ method: 'POST', url: '/api/v1/me/totp/disable', headers: s.headers, payload: { password: PASSWORD } });
      assert.equal(off.statusCode, 204, off.body);
      await signIn(u.email);
      assert.equal((await rt.ctx.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', u.id).execute()).length, 0);
      assert.ok((await audit('user.totp-disabled')).some((d) => d.user === u.id));
    });

    test('a site admin removes a lost second factor; the user signs in with the password again', async () => {
      const u = await newUser();
      await enrol(await signIn(u.email));
      assert.equal((await signInRaw({ email: u.email, password: PASSWORD })).statusCode, 401);
      const byAdmin = await rt.app.inject({ method: 'DELETE', url: `/api/v1/users/${u.id}/two-factor`, headers: world.as('siteAdmin') });
      assert.equal(byAdmin.statusCode, 204, byAdmin.body);
      await signIn(u.email);
      assert.equal((await rt.app.inject({ method: 'DELETE', url: `/api/v1/users/${u.id}/two-factor`, headers: world.as('admin') })).statusCode, 403);
      assert.ok((await audit('user.two-factor-reset')).some((d) => d.user === u.id));
    });

    test("a project's policy requires two-factor: members without it are refused there (session and token) until they enrol", async () => {
      const u = await newUser();
      await rt.app.inject({ method: 'PUT', url: '/api/v1/projects/personal-chatter/members', headers: world.as('siteAdmin'), payload: { email: u.email, role: 'triager' } });
      const policy = examplePolicy('personal-chatter') + '\naccess:\n  require_two_factor: true\n';
      const saved = await rt.app.inject({ method: 'PUT', url: '/api/v1/projects/personal-chatter/policy', headers: world.as('outsider'), payload: { policy_yaml: policy } });
      assert.equal(saved.statusCode, 200, saved.body);
      try {
        const s = await signIn(u.email);
        assert.equal(s.enrolmentRequired, true);
        const refused = await rt.app.inject({ url: '/api/v1/projects/personal-chatter/reports', headers: s.headers });
        assert.equal(refused.statusCode, 403);
        assert.equal((refused.json() as { error: string }).error, 'two-factor-required');
        // The project's admin (the outsider persona, by token, without two-factor) is refused too.
        assert.equal((await rt.app.inject({ url: '/api/v1/projects/personal-chatter/reports', headers: world.as('outsider') })).statusCode, 403);
        // Other projects and the public pages are not affected.
        assert.equal((await rt.app.inject({ url: '/api/v1/projects/privastream/reports', headers: world.as('admin') })).statusCode, 200);
        assert.equal((await rt.app.inject({ url: '/api/v1/projects/personal-chatter' })).statusCode, 200);

        const status = await rt.app.inject({ url: '/api/v1/me/two-factor', headers: s.headers });
        assert.deepEqual((status.json() as { required_by_projects: string[] }).required_by_projects, ['personal-chatter']);
        await enrol(s);
        // The same cookie now gets in: the flag is read with the session's user on every request.
        assert.equal((await rt.app.inject({ url: '/api/v1/projects/personal-chatter/reports', headers: s.headers })).statusCode, 200);
      } finally {
        await savePolicy(rt.ctx, examplePolicy('personal-chatter'), 'test');
      }
    });

    test('the site setting requires two-factor of everyone: only the enrolment routes answer until then', async () => {
      const u = await newUser();
      const before = await signIn(u.email);
      // An admin without a second factor cannot require one (they would lock themselves out of everything else).
      const unenrolled = await rt.app.inject({ method: 'PUT', url: '/api/v1/site-settings', headers: world.as('siteAdmin'), payload: { require_two_factor: true } });
      assert.equal(unenrolled.statusCode, 409, unenrolled.body);
      const adminEmail = `tf-admin${++n}@example.org`;
      await createUser(rt.ctx, { email: adminEmail, name: 'TF admin', password: PASSWORD, siteAdmin: true }, 'test');
      const adminSession = await signIn(adminEmail);
      const adminFactor = await enrol(adminSession);
      const set = await rt.app.inject({ method: 'PUT', url: '/api/v1/site-settings', headers: adminSession.headers, payload: { require_two_factor: true } });
      assert.equal(set.statusCode, 200, set.body);
      try {
        // The site admin's own token, its owner without a second factor, is refused like any request.
        assert.equal((await rt.app.inject({ url: '/api/v1/users', headers: world.as('siteAdmin') })).statusCode, 403);
        assert.equal((await rt.app.inject({ url: '/api/v1/users', headers: adminSession.headers })).statusCode, 200);
        void adminFactor;
        const byProjectAdmin = await rt.app.inject({ method: 'PUT', url: '/api/v1/site-settings', headers: world.as('admin'), payload: { require_two_factor: false } });
        assert.equal(byProjectAdmin.statusCode, 403);
        const s = await signIn(u.email);
        assert.equal(s.enrolmentRequired, true);
        const session = await rt.app.inject({ url: '/api/v1/session', headers: before.headers });
        assert.equal((session.json() as { two_factor_enrolment_required: boolean }).two_factor_enrolment_required, true, 'an existing session learns it too');
        const tokens = await rt.app.inject({ url: '/api/v1/tokens', headers: s.headers });
        assert.equal(tokens.statusCode, 403);
        assert.equal((tokens.json() as { error: string }).error, 'two-factor-required');
        assert.equal((await rt.app.inject({ url: '/api/v1/me/sessions', headers: s.headers })).statusCode, 200);
        assert.equal((await rt.app.inject({ url: '/api/v1/me/two-factor', headers: s.headers })).statusCode, 200);
        await enrol(s);
        assert.equal((await rt.app.inject({ url: '/api/v1/tokens', headers: s.headers })).statusCode, 200);
        // Public routes never ask.
        assert.equal((await rt.app.inject({ url: '/api/v1/projects/privastream' })).statusCode, 200);
        assert.ok((await audit('site.two-factor-required')).some((d) => d.required === true));
      } finally {
        const off = await rt.app.inject({ method: 'PUT', url: '/api/v1/site-settings', headers: adminSession.headers, payload: { require_two_factor: false } });
        assert.equal(off.statusCode, 200, off.body);
      }
    });

    describe('passkeys', () => {
      type Options = { challenge: string; rp: { id?: string }; user: { id: string }; rpId?: string };
      async function addPasskey(s: Session, authenticator: SoftAuthenticator, name = 'Laptop') {
        const options = await rt.app.inject({ method: 'POST', url: '/api/v1/me/passkeys/options', headers: s.headers });
        assert.equal(options.statusCode, 200, options.body);
        const o = options.json() as Options & { authenticatorSelection: { userVerification: string; residentKey: string } };
        assert.equal(o.authenticatorSelection.userVerification, 'required');
        assert.equal(o.authenticatorSelection.residentKey, 'required');
        return rt.app.inject({ method: 'POST', url: '/api/v1/me/passkeys', headers: s.headers, payload: { name, response: authenticator.create(o) } });
      }
      async function passkeySignIn(authenticator: SoftAuthenticator, tamper: (r: Record<string, unknown>) => Record<string, unknown> = (r) => r) {
        const options = await rt.app.inject({ method: 'POST', url: '/api/v1/session/passkey/options' });
        assert.equal(options.statusCode, 200, options.body);
        const o = options.json() as Options;
        const response = tamper(authenticator.get(o));
        return { res: await rt.app.inject({ method: 'POST', url: '/api/v1/session/passkey', payload: { response } }), response };
      }

      test('a passkey is added on the account and signs in without a password; its answer cannot be replayed', async () => {
        const u = await newUser();
        const s = await signIn(u.email);
        const device = new SoftAuthenticator({ origin: rt.ctx.publicUrl });
        const added = await addPasskey(s, device);
        assert.equal(added.statusCode, 201, added.body);
        const list = await rt.app.inject({ url: '/api/v1/me/passkeys', headers: s.headers });
        assert.deepEqual((list.json() as { passkeys: Array<{ name: string }> }).passkeys.map((p) => p.name), ['Laptop']);

        // The password alone no longer signs in: the passkey is the second factor.
        const passwordOnly = await signInRaw({ email: u.email, password: PASSWORD });
        assert.equal(passwordOnly.statusCode, 401);
        assert.deepEqual((passwordOnly.json() as { methods: string[] }).methods, ['passkey']);

        const { res, response } = await passkeySignIn(device);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((res.json() as { user: { email: string } }).user.email, u.email);
        const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
        assert.equal((await rt.app.inject({ url: '/api/v1/me/sessions', headers: { cookie } })).statusCode, 200);
        // The same answer again: its challenge was used up.
        const replay = await rt.app.inject({ method: 'POST', url: '/api/v1/session/passkey', payload: { response } });
        assert.equal(replay.statusCode, 401);
        assert.ok((await audit('session.signed-in')).some((d) => d.user === u.id && d.method === 'passkey'));
        assert.ok((await audit('user.passkey-added')).some((d) => d.user === u.id));
      });

      test('synced passkeys (counter always 0) sign in again with each new challenge', async () => {
        const u = await newUser();
        const device = new SoftAuthenticator({ origin: rt.ctx.publicUrl, counterStep: 0 });
        assert.equal((await addPasskey(await signIn(u.email), device)).statusCode, 201);
        const first = await passkeySignIn(device);
        assert.equal(first.res.statusCode, 200);
        assert.equal((await passkeySignIn(device)).res.statusCode, 200);
        // With no counter to go by, only the used-up challenge stops a replayed answer.
        const replay = await rt.app.inject({ method: 'POST', url: '/api/v1/session/passkey', payload: { response: first.response } });
        assert.equal(replay.statusCode, 401);
      });

      test('refused: another origin, no user verification, an unknown credential, a disabled account', async () => {
        const u = await newUser();
        const s = await signIn(u.email);
        const device = new SoftAuthenticator({ origin: rt.ctx.publicUrl });
        assert.equal((await addPasskey(s, device)).statusCode, 201);

        const phishing = new SoftAuthenticator({ origin: 'https://embargo.example.net' });
        const wrongOrigin = await addPasskey(s, phishing);
        assert.equal(wrongOrigin.statusCode, 400, 'registration from another origin');
        const noUv = new SoftAuthenticator({ origin: rt.ctx.publicUrl, userVerified: false });
        assert.equal((await addPasskey(s, noUv)).statusCode, 400, 'registration without user verification');

        // An assertion signed by a key the server does not know, under a known credential id.
        const forger = new SoftAuthenticator({ origin: rt.ctx.publicUrl });
        forger.create({ challenge: 'x', rp: {}, user: { id: 'x' } });
        const forged = await passkeySignIn(forger, (r) => ({ ...r, id: device.credentials[0]?.id.toString('base64url'), rawId: device.credentials[0]?.id.toString('base64url') }));
        assert.equal(forged.res.statusCode, 401);
        assert.equal((await passkeySignIn(forger)).res.statusCode, 401, 'unknown credential');

        await setUserDisabled(rt.ctx, { id: (await rt.ctx.db.selectFrom('users').select('id').where('email', '=', 'siteadmin@example.org').executeTakeFirstOrThrow()).id, email: 'siteadmin@example.org', name: 'x', siteAdmin: true }, u.id, true);
        assert.equal((await passkeySignIn(device)).res.statusCode, 401, 'disabled account');
      });

      test('removing a passkey needs the password; with none left the password alone signs in again; tokens cannot add any', async () => {
        const u = await newUser();
        const s = await signIn(u.email);
        const device = new SoftAuthenticator({ origin: rt.ctx.publicUrl });
        assert.equal((await addPasskey(s, device)).statusCode, 201);
        const [passkey] = (await (await rt.app.inject({ url: '/api/v1/me/passkeys', headers: s.headers })).json()).passkeys as Array<{ id: string }>;
        const wrong = await rt.app.inject({ method: 'DELETE', url: `/api/v1/me/passkeys/${passkey?.id}`, headers: s.headers, payload: { password: 'not the password' } });
        assert.equal(wrong.statusCode, 400);
        const removed = await rt.app.inject({ method: 'DELETE', url: `/api/v1/me/passkeys/${passkey?.id}`, headers: s.headers, payload: { password: PASSWORD } });
        assert.equal(removed.statusCode, 204, removed.body);
        await signIn(u.email);
        assert.equal((await passkeySignIn(device)).res.statusCode, 401, 'a removed passkey signs nobody in');
        assert.ok((await audit('user.passkey-removed')).some((d) => d.user === u.id));
        assert.equal((await rt.app.inject({ method: 'POST', url: '/api/v1/me/passkeys/options', headers: world.as('viewer') })).statusCode, 403);
      });
    });
  });
}
