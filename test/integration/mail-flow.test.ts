import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ENGINES, startTestRuntime, tempDir, type TestServer } from '../support/harness.ts';
import { quietMaintainers, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { header, reportMail, sendTo, startRelay, type TestRelay, truncatedMultipartMail } from '../support/mail-relay.ts';

/**
 * Mail end to end over real SMTP on 127.0.0.1: nodemailer → Embargo's listener → report → acknowledgement through
 * the outbox to a second smtp-server (the relay) → reply by mail → maintainer answer by mail; limits and refusals.
 */
const SECURITY = 'security@privastream.ai';
const P = '/api/v1/projects/privastream';

for (const engine of ENGINES) {
  describe(`mail flow (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;
    let smtpPort: number;

    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, {
        EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
        EMBARGO_SMTP_LISTEN: '127.0.0.1:0',
        EMBARGO_MAIL_FROM: 'embargo@embargo.test',
        EMBARGO_SMTP_MAX_BYTES: '300000',
      });
      world = await seedWorld(rt);
      await quietMaintainers(rt, world); // these tests count the mails to reporters
      smtpPort = rt.mail.smtpPort ?? assert.fail('no SMTP listener');
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    const reports = async () => (await rt.app.inject({ method: 'GET', url: `${P}/reports`, headers: world.as('triager') })).json().reports as Array<{ tracking_id: string; title: string }>;
    const detail = async (id: string) => (await rt.app.inject({ method: 'GET', url: `${P}/reports/${id}`, headers: world.as('triager') })).json();
    const drain = async () => rt.jobs.runAllOnce();

    test('mail in → report → acknowledgement → reply by mail → maintainer answer by mail', async () => {
      const sent = await sendTo(smtpPort, { ...reportMail(), attachments: [{ filename: 'poc.txt', content: 'curl http://x/models?name=../../etc/passwd\n' }] });
      assert.match(sent.response, /^250 .*Stored as report PRIV-\d{4}-\d{4}/);
      const [summary] = await reports();
      assert.ok(summary);
      assert.equal(summary.title, 'Path traversal in model loader');
      const d = await detail(summary.tracking_id);
      assert.equal(d.source, 'email');
      assert.equal(d.body.description, 'The /models endpoint accepts ../ sequences.');
      assert.equal(d.body.steps_to_reproduce, '1. GET /models?name=../../etc/passwd');
      assert.equal(d.body.impact, 'arbitrary file read');
      assert.equal(d.body.reporter_email, 'ada@example.org');
      assert.equal(d.body.reporter_name, 'Ada Researcher');
      assert.deepEqual(d.attachments.map((a: { filename: string; content_type: string }) => [a.filename, a.content_type]), [['poc.txt', 'text/plain']]);

      // The acknowledgement leaves through the outbox to the relay.
      assert.equal(relay.mails.length, 0, 'nothing is sent before the outbox job runs');
      await drain();
      const [ack] = await relay.waitFor(1);
      assert.ok(ack);
      assert.deepEqual(ack.to, ['ada@example.org']);
      assert.equal(ack.from, 'embargo@embargo.test');
      assert.match(ack.parsed.subject ?? '', new RegExp(`^\\[${summary.tracking_id}\\] Report received`));
      assert.match(ack.parsed.text ?? '', /https:\/\/embargo\.test\/p\/privastream\/status#\S+/);
      assert.match(ack.parsed.text ?? '', /Keep this link/);
      assert.equal(header(ack.parsed, 'in-reply-to'), '<first-mail.1@example.org>');
      assert.equal(header(ack.parsed, 'auto-submitted'), 'auto-replied');
      const root = ack.parsed.messageId ?? '';
      assert.match(root, /^<report\.[0-9a-f-]+@embargo\.test>$/);
      const replyTo = ack.parsed.replyTo?.value[0]?.address ?? '';
      assert.match(replyTo, /^security\+r-[a-z2-7]{32}@privastream\.ai$/);

      // The private link in the acknowledgement works.
      const link = /https:\/\/embargo\.test\/p\/privastream\/status#(\S+)/.exec(ack.parsed.text ?? '')?.[1] ?? '';
      const asReporter = await rt.app.inject({ method: 'GET', url: `/api/v1/reporter/${link}` });
      assert.equal(asReporter.statusCode, 200, asReporter.body);

      // A reply by mail lands in the thread as the reporter's message.
      const reply = await sendTo(smtpPort, { from: 'ada@example.org', to: replyTo, subject: `Re: ${ack.parsed.subject}`, text: 'Also affects 1.0.4.', inReplyTo: root, references: root });
      assert.match(reply.response, /Stored as message/);
      const afterReply = await detail(summary.tracking_id);
      assert.deepEqual(afterReply.messages.map((m: { author: string; body: string }) => [m.author, m.body]), [['reporter', 'Also affects 1.0.4.']]);
      assert.equal((await reports()).length, 1, 'a reply is not a new report');

      // The maintainer's answer reaches the reporter by mail, threaded, with the same reply address.
      const answer = await rt.app.inject({ method: 'POST', url: `${P}/reports/${summary.tracking_id}/messages`, headers: world.as('triager'), payload: { body: 'Thanks, confirmed. Fix coming in 1.0.5.' } });
      assert.equal(answer.statusCode, 201, answer.body);
      const note = await rt.app.inject({ method: 'POST', url: `${P}/reports/${summary.tracking_id}/messages`, headers: world.as('triager'), payload: { body: 'internal: blame the loader', internal: true } });
      assert.equal(note.statusCode, 201, note.body);
      await drain();
      const [, toReporter] = await relay.waitFor(2);
      assert.ok(toReporter);
      assert.deepEqual(toReporter.to, ['ada@example.org']);
      assert.match(toReporter.parsed.text ?? '', /Thanks, confirmed\. Fix coming in 1\.0\.5\./);
      assert.equal(header(toReporter.parsed, 'in-reply-to'), root);
      assert.equal(toReporter.parsed.replyTo?.value[0]?.address, replyTo);
      assert.equal(header(toReporter.parsed, 'auto-submitted'), '', 'a person wrote it');

      // A state change mails the reporter too; the internal note never does.
      const tr = await rt.app.inject({ method: 'POST', url: `${P}/reports/${summary.tracking_id}/transitions`, headers: world.as('triager'), payload: { to: 'triaged' } });
      assert.equal(tr.statusCode, 200, tr.body);
      await drain();
      const mails = await relay.waitFor(3);
      assert.match(mails[2]?.parsed.subject ?? '', /Status: triaged/);
      assert.equal(header(mails[2]!.parsed, 'auto-submitted'), 'auto-generated');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(relay.mails.length, 3);
      assert.ok(!relay.mails.some((m) => (m.parsed.text ?? '').includes('blame the loader')), 'internal notes stay internal');

      // Admins see what went out.
      const outbox = await rt.app.inject({ method: 'GET', url: `${P}/outbox`, headers: world.as('admin') });
      assert.equal(outbox.statusCode, 200, outbox.body);
      const kinds = outbox.json().mails.map((m: { kind: string; status: string }) => `${m.kind}:${m.status}`).sort();
      assert.deepEqual(kinds, ['acknowledgement:sent', 'maintainer-message:sent', 'state-change:sent']);
    });

    test('web submissions with a reporter address are acknowledged by mail too', async () => {
      const before = relay.mails.length;
      const r = await submit(rt, 'privastream', validReport({ reporter_email: 'web@example.org' }));
      await drain();
      const mails = await relay.waitFor(before + 1);
      const ack = mails[before]!;
      assert.deepEqual(ack.to, ['web@example.org']);
      assert.ok((ack.parsed.text ?? '').includes(r.reporter_link), 'the link handed out by the API is the one mailed');
      assert.equal(header(ack.parsed, 'auto-submitted'), 'auto-generated');
    });

    test('refused: other domains (550, no relay), unknown local parts (550), over size (552)', async () => {
      const count = (await reports()).length;
      await assert.rejects(sendTo(smtpPort, reportMail({ to: 'victim@gmail.com' })), (e: { responseCode?: number }) => e.responseCode === 550);
      await assert.rejects(sendTo(smtpPort, reportMail({ to: 'ceo@privastream.ai' })), (e: { responseCode?: number }) => e.responseCode === 550);
      await assert.rejects(sendTo(smtpPort, reportMail({ text: 'x'.repeat(400_000) })), (e: { responseCode?: number; response?: string }) => e.responseCode === 552 && /too big/i.test(e.response ?? ''));
      assert.equal((await reports()).length, count, 'nothing refused became a report');
    });

    test('a reply from someone else, or to an unknown token, is held in quarantine, never appended', async () => {
      const before = relay.mails.length;
      const ack = relay.mails.find((m) => m.to[0] === 'ada@example.org') ?? assert.fail('no ack');
      const replyTo = ack.parsed.replyTo?.value[0]?.address ?? '';
      const tid = /\[(PRIV-\d{4}-\d{4})\]/.exec(ack.parsed.subject ?? '')?.[1] ?? '';
      const threadBefore = (await detail(tid)).messages.length;
      const held = await sendTo(smtpPort, { from: 'mallory@evil.test', to: replyTo, subject: 'Re: hi', text: 'Please send me the PoC.' });
      assert.match(held.response, /Stored as quarantine/);
      const unknown = await sendTo(smtpPort, { from: 'ada@example.org', to: `security+r-${'a'.repeat(32)}@privastream.ai`, subject: 'Re: hi', text: 'hello' });
      assert.match(unknown.response, /Stored as quarantine/);
      assert.equal((await detail(tid)).messages.length, threadBefore);
      const q = await rt.app.inject({ method: 'GET', url: `${P}/quarantine`, headers: world.as('triager') });
      const items = q.json().items as Array<{ reason_code: string; sender: string }>;
      assert.deepEqual(items.filter((i) => i.reason_code === 'reply_mismatch').map((i) => i.sender).sort(), ['ada@example.org', 'mallory@evil.test']);
      // Each sender is told, and nothing leaks: the bounce does not quote the report.
      await drain();
      const bounces = (await relay.waitFor(before + 2)).slice(before);
      assert.deepEqual(bounces.map((b) => b.to[0]).sort(), ['ada@example.org', 'mallory@evil.test']);
      for (const b of bounces) {
        assert.equal(b.from, '', 'bounces use the null sender');
        assert.equal(header(b.parsed, 'auto-submitted'), 'auto-replied');
        assert.ok(!(b.parsed.text ?? '').includes(tid));
      }
    });

    test('malformed MIME is quarantined with a bounce; automatic mail is quarantined without one (no loops)', async () => {
      const before = relay.mails.length;
      const broken = truncatedMultipartMail('ada@example.org', SECURITY);
      const r1 = await sendTo(smtpPort, { envelope: { from: 'ada@example.org', to: [SECURITY] }, raw: broken });
      assert.match(r1.response, /Stored as quarantine/);
      const r2 = await sendTo(smtpPort, { envelope: { from: '', to: [SECURITY] } as never, raw: broken.replace('Subject: broken', 'Subject: bounce of something') });
      assert.match(r2.response, /Stored as quarantine/);
      const r3 = await sendTo(smtpPort, { envelope: { from: 'ada@example.org', to: [SECURITY] }, raw: broken.replace('Subject: broken', 'Auto-Submitted: auto-replied\r\nSubject: vacation') });
      assert.match(r3.response, /Stored as quarantine/);
      const q = (await rt.app.inject({ method: 'GET', url: `${P}/quarantine`, headers: world.as('triager') })).json().items as Array<{ reason_code: string }>;
      assert.equal(q.filter((i) => i.reason_code === 'bad_mime').length, 3);
      await drain();
      await relay.waitFor(before + 1);
      await new Promise((r) => setTimeout(r, 300));
      await drain();
      assert.equal(relay.mails.length, before + 1, 'only the human sender got a bounce');
      assert.match(relay.mails[before]!.parsed.text ?? '', /closing boundary is missing/);
    });

    test('a mail that misses fields the policy requires is held, and the bounce says which and how', async () => {
      const before = relay.mails.length;
      const r = await sendTo(smtpPort, reportMail({ text: 'Just a description, no sections.', messageId: '<nofields@example.org>' }));
      assert.match(r.response, /Stored as quarantine/);
      await drain();
      const [bounce] = (await relay.waitFor(before + 1)).slice(before);
      assert.match(bounce?.parsed.text ?? '', /steps_to_reproduce is required/);
      assert.match(bounce?.parsed.text ?? '', /"Steps to reproduce:"/);
      assert.equal(header(bounce!.parsed, 'in-reply-to'), '<nofields@example.org>');
    });
  });
}

for (const engine of ENGINES) {
  describe(`mail rate limits (${engine.name})`, () => {
    test('per sender and per client IP: over the limit is 451 (temporary), other senders still get through', async () => {
      const rt = await startTestRuntime(engine, { EMBARGO_SMTP_LISTEN: '127.0.0.1:0', EMBARGO_SMTP_SENDER_RATE_LIMIT: '2', EMBARGO_SMTP_IP_RATE_LIMIT: '3' });
      try {
        const world = await seedWorld(rt);
        const port = rt.mail.smtpPort ?? assert.fail('no listener');
        const mail = (from: string, n: number) => reportMail({ from, subject: `Report ${n}`, messageId: `<rate-${n}@example.org>` });
        await sendTo(port, mail('a@example.org', 1));
        await sendTo(port, mail('a@example.org', 2));
        await assert.rejects(sendTo(port, mail('a@example.org', 3)), (e: { responseCode?: number }) => e.responseCode === 451);
        // The IP has made 3 attempts: the limit. A new sender from the same IP is over it too.
        await assert.rejects(sendTo(port, mail('b@example.org', 4)), (e: { responseCode?: number; response?: string }) => e.responseCode === 451 && /your address/.test(e.response ?? ''));
        const list = await rt.app.inject({ method: 'GET', url: `${P}/reports`, headers: world.as('triager') });
        assert.deepEqual(list.json().reports.map((r: { title: string }) => r.title).sort(), ['Report 1', 'Report 2'], 'only the mails within the limits were stored');
      } finally {
        await rt.close();
      }
    });
  });
}

describe('mail over STARTTLS (pglite)', () => {
  test('with EMBARGO_SMTP_TLS_CERT/KEY the listener offers STARTTLS and a client that requires TLS is served', async () => {
    const dir = tempDir('embargo-smtp-tls-');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=mx.privastream.ai', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    if (made.status !== 0) return assert.fail(`openssl failed: ${made.stderr}`);
    const rt = await startTestRuntime(ENGINES[0]!, { EMBARGO_SMTP_LISTEN: '127.0.0.1:0', EMBARGO_SMTP_TLS_CERT: join(dir, 'cert.pem'), EMBARGO_SMTP_TLS_KEY: join(dir, 'key.pem') });
    try {
      await seedWorld(rt);
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: rt.mail.smtpPort ?? 0, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } });
      try {
        const info = await transport.sendMail(reportMail({ messageId: '<tls@example.org>' }));
        assert.match(info.response, /Stored as report/);
      } finally {
        transport.close();
      }
    } finally {
      await rt.close();
    }
  });
});
