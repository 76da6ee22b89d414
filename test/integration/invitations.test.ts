import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { startRelay, type TestRelay, type CapturedMail } from '../support/mail-relay.ts';

/**
 * Adding members (issue 13 item 5, issue 15 invitations): a project admin names an email and a role. The answer,
 * the audit action, the outbox and the member list never tell whether the address had an account: every address
 * that is not yet a member is mailed a single-use link (7 days) and is a pending invitation until it is used. The
 * link creates the account and the membership, or, signed in as the invited address, adds the membership (consent
 * to join, for an existing account too). Site admins, who list every account anyway, add existing accounts at once.
 */
const MEMBERS = '/api/v1/projects/privastream/members';
const PASSWORD = 'correct horse battery staple';

for (const engine of ENGINES) {
  describe(`member invitations on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;
    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}` });
      world = await seedWorld(rt);
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    const put = (email: string, role: string | null) => rt.app.inject({ method: 'PUT', url: MEMBERS, headers: world.as('admin'), payload: { email, role } });
    /** Sends the outbox and returns the mails to `to` that arrived since `from`. */
    async function mailsTo(to: string, from: number): Promise<CapturedMail[]> {
      await rt.jobs.runAllOnce();
      const mails = await relay.waitFor(from + 1);
      return mails.slice(from).filter((m) => m.to.includes(to));
    }
    const tokenIn = (m: CapturedMail) => /#token=([^\s]+)/.exec(m.parsed.text ?? '')?.[1] ?? assert.fail(`no link in ${m.parsed.text}`);

    test('adding an address with an account and one without answer the same, audit the same and queue the same kind of mail', async () => {
      const seenAudit = await rt.ctx.db.selectFrom('audit_log').select('seq').execute();
      const existing = await put('outsider@example.org', 'viewer');
      const unknown = await put('newcomer@example.org', 'viewer');
      assert.equal(existing.statusCode, 200, existing.body);
      assert.equal(unknown.statusCode, 200, `no "No user with email" for an address without an account: ${unknown.body}`);
      assert.deepEqual(Object.keys(existing.json() as object), Object.keys(unknown.json() as object));
      assert.deepEqual(existing.json(), { email: 'outsider@example.org', role: 'viewer' });
      assert.deepEqual(unknown.json(), { email: 'newcomer@example.org', role: 'viewer' });

      const audit = await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('seq', '>', seenAudit.length).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['member.invited', 'member.invited']);
      const outbox = await rt.ctx.db.selectFrom('outbox').select('kind').where('project_id', 'is not', null).where('kind', 'like', 'member%').execute();
      assert.deepEqual(new Set(outbox.map((o) => o.kind)).size, 1, 'one outbox kind for both mails');

      const before = relay.mails.length;
      const [toOutsider] = await mailsTo('outsider@example.org', before);
      await relay.waitFor(before + 2);
      const toNewcomer = relay.mails.slice(before).find((m) => m.to.includes('newcomer@example.org')) ?? assert.fail('no invitation mail');
      assert.equal(toOutsider?.parsed.subject, toNewcomer.parsed.subject, 'same subject');
      assert.match(toNewcomer.parsed.text ?? '', /https:\/\/embargo\.test\/app\/invitation#token=inv_/);
      assert.match(toOutsider?.parsed.text ?? '', /https:\/\/embargo\.test\/app\/invitation#token=inv_/, 'an existing account is invited by a link too');

      // The member list does not tell them apart either: both are pending invitations, neither is a member yet.
      const listed = (await rt.app.inject({ url: MEMBERS, headers: world.as('admin') })).json() as { members: Array<{ email: string }>; invitations: Array<{ email: string; role: string }> };
      assert.deepEqual(listed.members.map((m) => m.email).filter((e) => e === 'outsider@example.org' || e === 'newcomer@example.org'), []);
      assert.deepEqual(listed.invitations.map((i) => `${i.email}:${i.role}`).filter((e) => /outsider|newcomer/.test(e)).sort(), ['newcomer@example.org:viewer', 'outsider@example.org:viewer']);
      const outsiderReads = await rt.app.inject({ url: '/api/v1/projects/privastream/reports', headers: world.as('outsider') });
      assert.equal(outsiderReads.statusCode, 404, 'not a member before accepting');

      // The existing account accepts by signing in and using the link: then, and only then, a member.
      const token = decodeURIComponent(tokenIn(toOutsider ?? assert.fail('no mail to the existing account')));
      const unsigned = await rt.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, name: 'Someone', password: PASSWORD } });
      assert.equal(unsigned.statusCode, 409, `the link holder is told to sign in first: ${unsigned.body}`);
      const session = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'outsider@example.org', password: PASSWORD } });
      const cookie = String(session.headers['set-cookie']).split(';')[0] ?? '';
      const csrf = (session.json() as { csrf_token: string }).csrf_token;
      const joined = await rt.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', headers: { cookie, 'x-csrf-token': csrf }, payload: { token } });
      assert.equal(joined.statusCode, 200, joined.body);
      assert.equal((await rt.app.inject({ url: '/api/v1/projects/privastream/reports', headers: world.as('outsider') })).statusCode, 200, 'a viewer now');
      const after = (await rt.app.inject({ url: MEMBERS, headers: world.as('admin') })).json() as { members: Array<{ email: string; role: string }>; invitations: Array<{ email: string }> };
      assert.ok(after.members.some((m) => m.email === 'outsider@example.org' && m.role === 'viewer'));
      assert.ok(!after.invitations.some((i) => i.email === 'outsider@example.org'));
    });

    test("a member's role is changed at once; a site admin adds an existing account at once", async () => {
      const changed = await put('viewer@example.org', 'triager');
      assert.deepEqual(changed.json(), { email: 'viewer@example.org', role: 'triager' });
      const roles = async () => ((await rt.app.inject({ url: MEMBERS, headers: world.as('admin') })).json() as { members: Array<{ email: string; role: string }> }).members;
      assert.ok((await roles()).some((m) => m.email === 'viewer@example.org' && m.role === 'triager'), 'an existing member is not asked to accept again');
      await put('viewer@example.org', 'viewer');

      const bySiteAdmin = await rt.app.inject({ method: 'PUT', url: '/api/v1/projects/personal-chatter/members', headers: world.as('siteAdmin'), payload: { email: 'triager@example.org', role: 'viewer' } });
      assert.deepEqual(bySiteAdmin.json(), { email: 'triager@example.org', role: 'viewer' });
      assert.equal((await rt.app.inject({ url: '/api/v1/projects/personal-chatter/reports', headers: world.as('triager') })).statusCode, 200, 'site admins, who list every account, add one at once');
    });

    test('the invitation link creates the account and the membership once; the link then stops working', async () => {
      const seen = relay.mails.length;
      assert.equal((await put('invitee@example.org', 'triager')).statusCode, 200);
      const [mail] = await mailsTo('invitee@example.org', seen);
      const token = decodeURIComponent(tokenIn(mail ?? assert.fail('no mail')));

      const listed = (await rt.app.inject({ url: MEMBERS, headers: world.as('admin') })).json() as { invitations: Array<{ email: string; role: string }> };
      assert.deepEqual(listed.invitations.filter((i) => i.email === 'invitee@example.org').map((i) => i.role), ['triager']);
      const viewerList = (await rt.app.inject({ url: MEMBERS, headers: world.as('viewer') })).json() as { invitations: unknown[] };
      assert.deepEqual(viewerList.invitations, [], 'pending invitations are for admins');

      const look = await rt.app.inject({ method: 'POST', url: '/api/v1/invitations/lookup', payload: { token } });
      assert.equal(look.statusCode, 200, look.body);
      assert.deepEqual(look.json(), { project: { slug: 'privastream', name: 'PrivaStream' }, email: 'invitee@example.org', role: 'triager', expires_at: '2026-03-09T09:00:00.000Z' });

      // Two parallel accepts: exactly one account.
      const accepts = await Promise.all(
        [0, 1].map(() => rt.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, name: 'Ivy Invitee', password: PASSWORD } })),
      );
      assert.deepEqual(accepts.map((r) => r.statusCode).sort(), [200, 404], accepts.map((r) => r.body).join(' | '));
      const ok = accepts.find((r) => r.statusCode === 200) ?? assert.fail();
      assert.equal((ok.json() as { project_slug: string }).project_slug, 'privastream');
      const cookie = ok.headers['set-cookie'];
      assert.ok(cookie, 'accepting signs in');
      const queue = await rt.app.inject({ url: '/api/v1/projects/privastream/reports', headers: { cookie: String(cookie).split(';')[0] ?? '' } });
      assert.equal(queue.statusCode, 200, 'the new triager reads the queue');
      const users = await rt.ctx.db.selectFrom('users').select('id').where('email', '=', 'invitee@example.org').execute();
      assert.equal(users.length, 1);

      const again = await rt.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, name: 'Mallory', password: PASSWORD } });
      assert.equal(again.statusCode, 404, 'single use');
      const signIn = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'invitee@example.org', password: PASSWORD } });
      assert.equal(signIn.statusCode, 200);
      const audit = await rt.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'invitation.accepted').where('actor', '=', `user:${users[0]?.id}`).execute();
      assert.equal(audit.length, 1);
    });

    test('an invitation expires after 7 days, and removing the address withdraws it', async () => {
      const seen = relay.mails.length;
      await put('late@example.org', 'viewer');
      await put('withdrawn@example.org', 'viewer');
      await rt.jobs.runAllOnce();
      await relay.waitFor(seen + 2);
      const tokenFor = (to: string) => decodeURIComponent(tokenIn(relay.mails.slice(seen).find((m) => m.to.includes(to)) ?? assert.fail(to)));
      const late = tokenFor('late@example.org');
      const withdrawn = tokenFor('withdrawn@example.org');
      const removed = await put('withdrawn@example.org', null);
      assert.deepEqual(removed.json(), { email: 'withdrawn@example.org', role: null });
      const look = await rt.app.inject({ method: 'POST', url: '/api/v1/invitations/lookup', payload: { token: withdrawn } });
      assert.equal(look.statusCode, 404);

      rt.clock.advance(7 * 86_400_000 + 1000);
      const expired = await rt.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token: late, name: 'Late', password: PASSWORD } });
      assert.equal(expired.statusCode, 404);
      assert.match((expired.json() as { message: string }).message, /expired/);
    });

    test('removing an address answers the same whether or not it has an account; bad addresses are 400', async () => {
      const a = await put('nobody-here@example.org', null);
      const b = await put('viewer@example.org', null);
      assert.deepEqual([a.statusCode, b.statusCode], [200, 200]);
      assert.deepEqual(a.json(), { email: 'nobody-here@example.org', role: null });
      assert.equal((await put('not an address', 'viewer')).statusCode, 400);
      // Restore the viewer for other tests of this file (a former member is invited again like anyone else).
      await rt.app.inject({ method: 'PUT', url: MEMBERS, headers: world.as('siteAdmin'), payload: { email: 'viewer@example.org', role: 'viewer' } });
    });
  });
}
