import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { readAudit } from '../../src/services/audit/audit-log.ts';
import { sendTo, startRelay, type TestRelay, truncatedMultipartMail } from '../support/mail-relay.ts';

/**
 * Releasing a held reply over real SMTP on 127.0.0.1: a reply from an address that is not the reporter's is held
 * (`reply_mismatch`); a maintainer who releases it puts it in the report's thread, exactly once. Items that
 * cannot be delivered that way answer 409 and stay open.
 */
const SECURITY = 'security@privastream.ai';
const P = '/api/v1/projects/privastream';

type Item = { id: string; reason_code: string; sender: string; resolution: string | null };
type Thread = { messages: Array<{ author: string; body: string }>; attachments: Array<{ filename: string }> };

for (const engine of ENGINES) {
  describe(`mail quarantine release (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;
    let smtpPort: number;
    let trackingId = '';
    let replyTo = '';
    let reporterLink = '';

    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_SMTP_LISTEN: '127.0.0.1:0', EMBARGO_MAIL_FROM: 'embargo@embargo.test' });
      world = await seedWorld(rt);
      smtpPort = rt.mail.smtpPort ?? assert.fail('no SMTP listener');
      const sent = await sendTo(smtpPort, {
        from: 'Ada Researcher <ada@example.org>',
        to: SECURITY,
        subject: 'Path traversal in model loader',
        text: 'The /models endpoint accepts ../ sequences.\n\nSteps to reproduce:\n1. GET /models?name=../../etc/passwd\nImpact: arbitrary file read\n',
      });
      trackingId = /report (PRIV-\d{4}-\d{4})/.exec(sent.response)?.[1] ?? assert.fail(sent.response);
      await rt.jobs.runAllOnce();
      const [ack] = await relay.waitFor(1);
      replyTo = ack?.parsed.replyTo?.value[0]?.address ?? assert.fail('no reply address');
      reporterLink = /https:\/\/embargo\.test\/p\/[a-z-]+\/status#(\S+)/.exec(ack?.parsed.text ?? '')?.[1] ?? assert.fail('no reporter link');
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    const maintainerThread = async (): Promise<Thread> => (await rt.app.inject({ url: `${P}/reports/${trackingId}`, headers: world.as('triager') })).json();
    const reporterThread = async (): Promise<Thread> => (await rt.app.inject({ url: `/api/v1/reporter/${reporterLink}` })).json();
    const items = async (status = 'all'): Promise<Item[]> => (await rt.app.inject({ url: `${P}/quarantine?status=${status}`, headers: world.as('triager') })).json().items;
    const resolve = (id: string, resolution: string) => rt.app.inject({ method: 'POST', url: `${P}/quarantine/${id}/resolve`, headers: world.as('triager'), payload: { resolution } });

    test('a held reply from another address, released by a triager, lands in the thread exactly once', async () => {
      const held = await sendTo(smtpPort, {
        from: 'ada.work@company.example',
        to: replyTo,
        subject: 'Re: Path traversal',
        text: 'Writing from my work address: 1.0.3 is affected too.',
        attachments: [{ filename: 'versions.txt', content: '1.0.3\n1.0.4\n' }],
      });
      assert.match(held.response, /Stored as quarantine/);
      const item = (await items('open')).find((i) => i.sender === 'ada.work@company.example') ?? assert.fail('not held');
      assert.equal(item.reason_code, 'reply_mismatch');
      assert.equal((await maintainerThread()).messages.length, 0, 'held, not appended');

      const released = await resolve(item.id, 'released');
      assert.equal(released.statusCode, 200, released.body);
      assert.equal(released.json().resolution, 'released');

      for (const [who, thread] of [['maintainer', await maintainerThread()], ['reporter', await reporterThread()]] as const) {
        const mine = thread.messages.filter((m) => m.body.includes('1.0.3 is affected too'));
        assert.equal(mine.length, 1, `${who} view: exactly one message`);
        assert.equal(mine[0]!.author, 'reporter');
        assert.match(mine[0]!.body, /^\[Released from quarantine by a maintainer: sent from an address other than the reporter's\]/);
        // The other address may be a third party's: it stays with the maintainers (quarantine item, audit), not in the thread.
        assert.doesNotMatch(mine[0]!.body, /company\.example/, `${who} view: no third-party address in the thread`);
        assert.deepEqual(thread.attachments.map((a) => a.filename), ['versions.txt'], `${who} view: the attachment came along`);
      }

      const audit = await readAudit(rt.ctx.db, { limit: 10_000 });
      const entry = audit.find((a) => a.action === 'report.reporter-message' && (a.data as { released_from_quarantine?: string }).released_from_quarantine === item.id) ?? assert.fail('no audit entry for the release');
      assert.equal((entry.data as { original_sender?: string }).original_sender, 'ada.work@company.example');
      assert.ok((entry.data as { released_by?: string }).released_by, 'names the maintainer');

      const again = await resolve(item.id, 'released');
      assert.equal(again.statusCode, 409);
      assert.equal((await maintainerThread()).messages.filter((m) => m.body.includes('1.0.3 is affected too')).length, 1, 'still once');
    });

    test('items that cannot be released that way answer 409 and stay unresolved; they can still be discarded', async () => {
      const broken = truncatedMultipartMail('ada.work@company.example', replyTo);
      assert.match((await sendTo(smtpPort, { envelope: { from: 'ada.work@company.example', to: [SECURITY] }, raw: broken })).response, /Stored as quarantine/);
      assert.match((await sendTo(smtpPort, { from: 'ada@example.org', to: `security+r-${'a'.repeat(32)}@privastream.ai`, subject: 'Re: hi', text: 'unknown token' })).response, /Stored as quarantine/);
      const open = await items('open');
      const malformed = open.find((i) => i.reason_code === 'bad_mime') ?? assert.fail('no bad_mime item');
      const unknown = open.find((i) => i.reason_code === 'reply_mismatch' && i.sender === 'ada@example.org') ?? assert.fail('no unknown-token item');
      const threadBefore = (await maintainerThread()).messages.length;

      for (const [item, why] of [[malformed, /malformed MIME/], [unknown, /unknown token/]] as const) {
        const r = await resolve(item.id, 'released');
        assert.equal(r.statusCode, 409, r.body);
        assert.match(r.json().message, /Release is not possible/);
        assert.match(r.json().message, why);
        assert.ok((await items('open')).some((i) => i.id === item.id), 'still unresolved');
      }
      assert.equal((await maintainerThread()).messages.length, threadBefore);

      const discarded = await resolve(malformed.id, 'discarded');
      assert.equal(discarded.statusCode, 200, discarded.body);
      assert.equal(discarded.json().resolution, 'discarded');
    });
  });
}
