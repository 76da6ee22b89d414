import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { header, startRelay, type CapturedMail, type TestRelay } from '../support/mail-relay.ts';
import { advisoryContent, publishedAdvisory } from '../support/advisory-fixtures.ts';
import { compose, type Runtime } from '../../src/server/compose.ts';
import { loadConfig } from '../../src/server/config.ts';
import { announcePublishedAdvisories } from '../../src/services/recognition/mailing-list-announce.ts';
import { getProject } from '../../src/services/projects/projects.ts';
import { readAudit } from '../../src/services/audit/audit-log.ts';
import { outboxAad } from '../../src/services/mail/outbox.ts';
import { openJson } from '../../src/adapters/crypto/sealer.ts';
import { multipartBody } from '../support/multipart.ts';

const SUBSCRIBE = '/projects/privastream/advisories/subscribe';
const HOUR = 3_600_000;
let ip = 0;
/** Each request from its own client address, so only the rate-limit test meets the limit. */
const client = () => `10.1.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`;

for (const engine of ENGINES) {
  describe(`advisory mailing list on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;
    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_MAIL_FROM: 'embargo@embargo.test', EMBARGO_SUBSCRIBE_RATE_LIMIT: '4' });
      world = await seedWorld(rt);
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    const subscribeJson = (email: string, remoteAddress = client()) => rt.app.inject({ method: 'POST', url: SUBSCRIBE, payload: { email }, remoteAddress });
    const subscribeForm = (email: string, remoteAddress = client()) =>
      rt.app.inject({ method: 'POST', url: SUBSCRIBE, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `email=${encodeURIComponent(email)}`, remoteAddress });
    /** Runs the jobs (announce, outbox) and returns the mails that reached the relay since `from`. */
    const deliver = async (from: number): Promise<CapturedMail[]> => {
      await rt.jobs.runAllOnce();
      return relay.mails.slice(from);
    };
    const mailsTo = (mails: CapturedMail[], to: string) => mails.filter((m) => m.to.includes(to));
    const linkIn = (m: CapturedMail, kind: 'confirm' | 'unsubscribe') => {
      const match = new RegExp(`https://embargo\\.test(/projects/privastream/mailing-list/${kind}/[A-Za-z0-9_-]+)`).exec(m.parsed.text ?? '');
      assert.ok(match?.[1], `no ${kind} link in ${m.parsed.text}`);
      return match[1];
    };
    const stateOf = async (email: string) => {
      const res = await rt.app.inject({ url: '/api/v1/projects/privastream/subscribers', headers: world.as('admin') });
      return (res.json().subscribers as Array<{ email: string; state: string }>).find((s) => s.email === email)?.state ?? null;
    };
    async function confirmed(email: string): Promise<void> {
      const start = relay.mails.length;
      assert.equal((await subscribeJson(email)).statusCode, 202);
      const [mail] = mailsTo(await deliver(start), email);
      assert.ok(mail, `a confirmation to ${email}`);
      const res = await rt.app.inject({ method: 'POST', url: linkIn(mail, 'confirm') });
      assert.equal(res.statusCode, 200, res.body);
    }

    test('double opt-in: the confirmation mail links to a page whose button confirms; the token is only hashed at rest', async () => {
      const start = relay.mails.length;
      const res = await subscribeJson('Ada@Example.org');
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json().status, 'confirmation-sent');
      const [mail] = mailsTo(await deliver(start), 'ada@example.org');
      assert.ok(mail, 'the confirmation went out through the outbox');
      assert.match(mail.parsed.subject ?? '', /Confirm your subscription to PrivaStream security advisories/);
      const link = linkIn(mail, 'confirm');
      const token = link.split('/').pop() ?? '';
      assert.ok(token.length >= 32);

      const rows = await rt.ctx.db.selectFrom('mailing_list_subscribers').selectAll().execute();
      const stored = JSON.stringify(rows.map((r) => ({ ...r, email_sealed: Buffer.from(r.email_sealed).toString('latin1'), unsubscribe_token_sealed: Buffer.from(r.unsubscribe_token_sealed).toString('latin1') })));
      assert.ok(!stored.includes(token), 'the confirmation token is not stored');
      assert.ok(!stored.toLowerCase().includes('ada@example.org'), 'the address is sealed');

      const page = await rt.app.inject({ url: link });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form method="post" action="\/projects\/privastream\/mailing-list\/confirm\/[A-Za-z0-9_-]+"><button/);
      assert.equal(await stateOf('ada@example.org'), 'pending', 'opening the link (a mail scanner might) does not confirm');

      const done = await rt.app.inject({ method: 'POST', url: link });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(await stateOf('ada@example.org'), 'confirmed');
      assert.equal((await rt.app.inject({ method: 'POST', url: link })).statusCode, 404, 'a used link is spent');
      assert.equal((await rt.app.inject({ method: 'POST', url: link.replace('/privastream/', '/personal-chatter/') })).statusCode, 404, 'and bound to its project');
    });

    test('the answer never tells whether an address is subscribed, and nobody is mailed twice in a row', async () => {
      const fresh = await subscribeJson('new-one@example.org');
      const again = await subscribeJson('new-one@example.org');
      const member = await subscribeJson('ada@example.org');
      for (const r of [fresh, again, member]) assert.equal(r.statusCode, 202);
      assert.deepEqual([again.json(), member.json()], [fresh.json(), fresh.json()]);
      const formNew = await subscribeForm('someone-else@example.org');
      const formMember = await subscribeForm('ada@example.org');
      assert.equal(formNew.statusCode, 200);
      assert.equal(formMember.body.replace(/·/g, ''), formNew.body.replace(/·/g, ''), 'the HTML answer is identical too');
      const start = relay.mails.length;
      const mails = await deliver(start);
      assert.equal(mailsTo(mails, 'new-one@example.org').length, 1, 'subscribed twice in a row: one confirmation');
      assert.equal(mailsTo(mails, 'ada@example.org').length, 0, 'a confirmed address gets no new confirmation');
      assert.equal(mailsTo(mails, 'someone-else@example.org').length, 1);
    });

    test('malformed addresses are refused (JSON 400, form re-shown with 400); the form page needs no JavaScript', async () => {
      const bad = await subscribeJson('not-an-address');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().problems[0].field, 'email');
      const injected = await subscribeJson('ada@example.org\r\nBcc: victim@example.org');
      assert.equal(injected.statusCode, 400);
      const form = await subscribeForm('nope');
      assert.equal(form.statusCode, 400);
      assert.match(form.headers['content-type'] as string, /^text\/html/);
      assert.match(form.body, /That is not an e-mail address/);
      const page = await rt.app.inject({ url: '/projects/privastream/mailing-list' });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form method="post" action="\/projects\/privastream\/advisories\/subscribe">/);
      assert.ok(!/<script/i.test(page.body));
      assert.equal((await rt.app.inject({ url: '/projects/nope/mailing-list' })).statusCode, 404);
    });

    test('a confirmation link expires; the address stays unconfirmed and may subscribe again', async () => {
      const start = relay.mails.length;
      await subscribeJson('late@example.org');
      const [mail] = mailsTo(await deliver(start), 'late@example.org');
      assert.ok(mail);
      rt.clock.advance(49 * HOUR);
      const link = linkIn(mail, 'confirm');
      assert.equal((await rt.app.inject({ url: link })).statusCode, 410);
      assert.equal((await rt.app.inject({ method: 'POST', url: link })).statusCode, 410);
      assert.equal(await stateOf('late@example.org'), 'pending');
      const again = relay.mails.length;
      await subscribeJson('late@example.org');
      const [second] = mailsTo(await deliver(again), 'late@example.org');
      assert.ok(second, 'a new link after expiry');
      assert.notEqual(linkIn(second, 'confirm'), link);
      assert.equal((await rt.app.inject({ method: 'POST', url: linkIn(second, 'confirm') })).statusCode, 200);
    });

    test('a published advisory goes once to each confirmed subscriber, with RFC 8058 headers, summary, link and changelog', async () => {
      await confirmed('bob@example.org');
      // pending-only@ never confirms.
      await subscribeJson('pending-only@example.org');
      const start = relay.mails.length;
      const published = await publishedAdvisory(rt, world, advisoryContent({ title: 'Path traversal in recordings' }));
      const id = published.advisory.id;
      const mails = (await deliver(start)).filter((m) => (m.parsed.subject ?? '').includes(id));
      assert.deepEqual(mails.map((m) => m.to[0]).sort(), ['ada@example.org', 'bob@example.org', 'late@example.org']);
      const [mail] = mailsTo(mails, 'bob@example.org');
      assert.ok(mail);
      assert.equal(mail.parsed.subject, `[PrivaStream security] ${id} (CVE-2026-12345): Path traversal in recordings`);
      const text = mail.parsed.text ?? '';
      assert.ok(text.includes('Crafted recording names let an unauthenticated client read files'), 'the summary');
      assert.ok(text.includes(`https://embargo.test/projects/privastream/advisories/${id}`), 'the link');
      assert.ok(text.includes('### Security') && text.includes(`**${id} / CVE-2026-12345**`), 'the changelog entry');
      const unsubscribe = header(mail.parsed, 'list-unsubscribe');
      assert.match(unsubscribe, /^<https:\/\/embargo\.test\/projects\/privastream\/mailing-list\/unsubscribe\/[A-Za-z0-9_-]+>$/);
      assert.equal(header(mail.parsed, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
      assert.equal(header(mail.parsed, 'list-id'), '<privastream.advisories.embargo.test>');

      const row = await rt.ctx.db.selectFrom('advisories').select('announced_at').where('public_id', '=', id).executeTakeFirstOrThrow();
      assert.ok(row.announced_at, 'marked announced');
      const later = relay.mails.length;
      assert.equal(await announcePublishedAdvisories(rt.ctx), 0, 'nothing left to announce');
      assert.equal((await deliver(later)).length, 0);
      const project = await getProject(rt.ctx.db, 'privastream');
      const audit = (await readAudit(rt.ctx.db, { projectId: project.id })).filter((a) => a.action === 'mailing-list.announce');
      assert.deepEqual(audit.map((a) => a.data), [{ advisory: id, recipients: 3 }]);
    });

    test('one-click unsubscribe: POST with List-Unsubscribe=One-Click, no session, no CSRF; the GET page only shows a button', async () => {
      const start = relay.mails.length;
      const published = await publishedAdvisory(rt, world, advisoryContent({ title: 'Second issue' }));
      const [mail] = mailsTo(await deliver(start), 'bob@example.org').filter((m) => (m.parsed.subject ?? '').includes(published.advisory.id));
      assert.ok(mail);
      const url = new URL(header(mail.parsed, 'list-unsubscribe').slice(1, -1));
      const page = await rt.app.inject({ url: url.pathname });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form method="post"[^>]*><button type="submit">Stop sending me/);
      assert.equal(await stateOf('bob@example.org'), 'confirmed', 'GET changes nothing');
      // What a mail client sends (RFC 8058 section 3.1), with a maintainer's session cookie of the same browser ignored.
      const res = await rt.app.inject({
        method: 'POST',
        url: url.pathname,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'embargo_session=garbage' },
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(await stateOf('bob@example.org'), 'unsubscribed');
      assert.equal((await rt.app.inject({ method: 'POST', url: url.pathname })).statusCode, 200, 'idempotent, and no body needed');
      const multipart = await multipartBody({ 'List-Unsubscribe': 'One-Click' }, []);
      assert.equal((await rt.app.inject({ method: 'POST', url: url.pathname, ...multipart })).statusCode, 200, 'multipart/form-data as RFC 8058 also allows');
      const next = relay.mails.length;
      const third = await publishedAdvisory(rt, world, advisoryContent({ title: 'Third issue' }));
      const after = await deliver(next);
      assert.equal(mailsTo(after, 'bob@example.org').length, 0, 'no more advisories for bob');
      assert.equal(mailsTo(after, 'ada@example.org').filter((m) => (m.parsed.subject ?? '').includes(third.advisory.id)).length, 1);
      assert.equal(mailsTo(after, 'pending-only@example.org').length, 0, 'unconfirmed addresses never get advisories');
      assert.equal((await rt.app.inject({ method: 'POST', url: '/projects/privastream/mailing-list/unsubscribe/' + 'x'.repeat(32) })).statusCode, 404);
    });

    test('subscription attempts are rate-limited per client', async () => {
      const from = '10.9.9.9';
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await subscribeJson(`flood-${i}@example.org`, from)).statusCode);
      assert.deepEqual(codes, [202, 202, 202, 202, 429]);
      assert.equal((await subscribeForm('flood-x@example.org', from)).statusCode, 429, 'the form counts too');
      assert.equal((await subscribeJson('other-client@example.org', '10.9.9.10')).statusCode, 202);
    });

    test('admins read the subscriber list (audited); triagers and others do not', async () => {
      const res = await rt.app.inject({ url: '/api/v1/projects/privastream/subscribers?state=confirmed,unsubscribed', headers: world.as('admin') });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual(body.subscribers.map((s: { email: string; state: string }) => `${s.email}:${s.state}`).sort(), [
        'ada@example.org:confirmed',
        'bob@example.org:unsubscribed',
        'late@example.org:confirmed',
      ]);
      assert.equal(body.counts.pending, 0, 'filtered out');
      assert.equal((await rt.app.inject({ url: '/api/v1/projects/privastream/subscribers', headers: world.as('triager') })).statusCode, 403);
      assert.equal((await rt.app.inject({ url: '/api/v1/projects/privastream/subscribers', headers: world.as('outsider') })).statusCode, 404);
      assert.equal((await rt.app.inject({ url: '/api/v1/projects/privastream/subscribers' })).statusCode, 401);
      const project = await getProject(rt.ctx.db, 'privastream');
      const reads = (await readAudit(rt.ctx.db, { projectId: project.id })).filter((a) => a.action === 'mailing-list.read');
      assert.ok(reads.length >= 1 && reads.every((a) => a.actor.startsWith('user:')));
      assert.ok(!JSON.stringify(await readAudit(rt.ctx.db, { projectId: project.id })).includes('ada@example.org'), 'no address in the audit log');
    });

    if (engine.name === 'postgres') {
      test('two instances announcing at once: every advisory exactly once per subscriber', async () => {
        const second: Runtime = await compose(loadConfig(rt.env), { logger: false, now: () => rt.clock.now, jobs: false });
        try {
          // Three advisories published with the jobs not running, then both instances race.
          const ids: string[] = [];
          for (const title of ['Race one', 'Race two', 'Race three']) {
            const a = await publishedAdvisory(rt, world, advisoryContent({ title }));
            ids.push(a.advisory.id);
          }
          const counts = await Promise.all([announcePublishedAdvisories(rt.ctx, 10), announcePublishedAdvisories(second.ctx, 10), announcePublishedAdvisories(rt.ctx, 10)]);
          assert.equal(counts.reduce((a, b) => a + b, 0), 3, `claims per tick: ${counts.join(', ')}`);
          const queued = await rt.ctx.db.selectFrom('outbox').select(['id', 'envelope_sealed', 'key_id']).where('kind', '=', 'advisory-announcement').execute();
          const envelopes = queued.map((q) => openJson<{ to: string; subject: string }>(rt.ctx.sealer, q.key_id, q.envelope_sealed, outboxAad(q.id)));
          // ada and late are the confirmed subscribers left: one mail each per advisory, never two.
          for (const id of ids) assert.deepEqual(envelopes.filter((e) => e.subject.includes(`${id} `)).map((e) => e.to).sort(), ['ada@example.org', 'late@example.org'], id);
        } finally {
          await second.close();
        }
      });
    }
  });
}
