import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { quietMaintainers, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { sendTo, startRelay, type TestRelay } from '../support/mail-relay.ts';
import { getProject } from '../../src/services/projects/projects.ts';
import { addProjectKey } from '../../src/services/pgp/project-keys.ts';
import { pgpMimeEnvelope } from '../../src/adapters/pgp/messages.ts';
import { simpleParser } from 'mailparser';

/**
 * Encrypted mail both ways against GnuPG, over real SMTP: a report gpg encrypted (and signed) to the project key
 * arrives as PGP/MIME and is decrypted; every mail to a reporter who gave a key is PGP/MIME that `gpg --decrypt`
 * opens and whose signature is the project's. Garbage armor and the wrong key are held with a bounce.
 */
const GPG = ['/usr/bin/gpg', '/usr/local/bin/gpg'].find((p) => existsSync(p));
const skip = GPG ? false : 'gpg (GnuPG) is not installed; install Debian "gnupg" to run the mail interop tests';
const SECURITY = 'security@privastream.ai';
const P = '/api/v1/projects/privastream';
const SETUP_ACTOR = { userId: '00000000-0000-0000-0000-000000000000', siteAdmin: true, role: null };

for (const engine of ENGINES) {
  describe(`encrypted mail with GnuPG (${engine.name})`, { skip }, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;
    let smtpPort: number;
    let home: string;
    let reporterFpr: string;
    let reporterPublic: string;
    let projectFpr: string;

    const gpg = (args: string[], input?: string) =>
      spawnSync(GPG!, ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--no-tty', '--trust-model', 'always', '--ignore-time-conflict', ...args], {
        input,
        encoding: 'utf8',
        env: { ...process.env, GNUPGHOME: home, LC_ALL: 'C' },
        timeout: 20_000,
      });
    const ok = (args: string[], input?: string): string => {
      const r = gpg(args, input);
      assert.equal(r.status, 0, `gpg ${args.join(' ')} failed:\n${r.stderr}`);
      return r.stdout;
    };
    /** The armored payload of a PGP/MIME mail the relay got, decrypted by gpg: [plaintext, status lines]. */
    /** The decrypted entity is MIME (RFC 3156): its text part, as a mail client would show it. */
    const gpgDecrypt = async (raw: Buffer): Promise<[string, string]> => {
      const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw.toString('utf8'))?.[0] ?? assert.fail('no armored message in the mail');
      const r = gpg(['--status-fd', '2', '--decrypt'], armored);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^Content-Type: text\/plain; charset=utf-8\r$/m);
      return [(await simpleParser(r.stdout)).text ?? '', r.stderr];
    };
    const drain = () => rt.jobs.runAllOnce();
    /** gpg signs and checks with the real time: the test clock follows it, so nobody's signature is "future". */
    const syncClock = () => {
      rt.clock.now = new Date();
    };

    before(async () => {
      home = mkdtempSync(join(tmpdir(), 'embargo-mail-gpg-'));
      ok(['--passphrase', '', '--quick-generate-key', 'Reporter <reporter@gpg.example>', 'ed25519', 'sign', 'never']);
      reporterFpr = /^fpr:+([0-9A-F]{40}):/m.exec(ok(['--with-colons', '--list-secret-keys', 'reporter@gpg.example']))?.[1] ?? assert.fail('no fingerprint');
      ok(['--passphrase', '', '--quick-add-key', reporterFpr, 'cv25519', 'encr', 'never']);
      reporterPublic = ok(['--armor', '--export', reporterFpr]);
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_SMTP_LISTEN: '127.0.0.1:0', EMBARGO_MAIL_FROM: 'embargo@embargo.test' }, new Date());
      world = await seedWorld(rt);
      await quietMaintainers(rt, world); // these tests count the mails to reporters
      smtpPort = rt.mail.smtpPort ?? assert.fail('no listener');
      const key = await addProjectKey(rt.ctx, await getProject(rt.ctx.db, 'privastream'), SETUP_ACTOR, 'test', {}, 'create');
      projectFpr = key.fingerprint;
      ok(['--import'], key.publicKeyArmored);
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
      if (home) {
        spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
        rmSync(home, { recursive: true, force: true });
      }
    });

    test('gpg PGP/MIME (signed, key attached) → decrypted report, signature valid → acknowledgement encrypted to the reporter', async () => {
      const inner = [
        'Content-Type: multipart/mixed; boundary="inner"',
        '',
        '--inner',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'SQL injection in /search (sent encrypted).',
        '',
        'Steps to reproduce:',
        "GET /search?q=' OR 1=1 --",
        'Impact: database read',
        '',
        '--inner',
        'Content-Type: application/pgp-keys; name="reporter.asc"',
        'Content-Disposition: attachment; filename="reporter.asc"',
        '',
        reporterPublic.trimEnd(),
        '',
        '--inner--',
        '',
      ].join('\r\n');
      const armored = ok(['--armor', '--sign', '-u', reporterFpr, '--encrypt', '-r', projectFpr], inner);
      const env = pgpMimeEnvelope(armored, 'outerb0undary');
      const raw = [`From: Reporter <reporter@gpg.example>`, `To: ${SECURITY}`, 'Subject: Encrypted report', 'MIME-Version: 1.0', `Content-Type: ${env.contentType}`, '', env.body].join('\r\n');
      syncClock();
      const r = await sendTo(smtpPort, { envelope: { from: 'reporter@gpg.example', to: [SECURITY] }, raw });
      const trackingId = /Stored as report (\S+)/.exec(r.response)?.[1] ?? assert.fail(r.response);

      const d = (await rt.app.inject({ method: 'GET', url: `${P}/reports/${trackingId}`, headers: world.as('triager') })).json();
      assert.equal(d.body.description, 'SQL injection in /search (sent encrypted).');
      assert.equal(d.body.impact, 'database read');
      assert.deepEqual(d.encryption, { encrypted: true, signature: 'valid', signer_fingerprint: reporterFpr, reporter_key_fingerprint: reporterFpr });
      assert.deepEqual(d.attachments, [], 'the key is the reporter key, not an attachment');

      await drain();
      const [ack] = await relay.waitFor(1);
      assert.match(String(ack!.parsed.headers.get('content-type') && (ack!.parsed.headers.get('content-type') as { value: string }).value), /multipart\/encrypted/);
      assert.ok(!ack!.raw.toString('utf8').includes('/status#'), 'the private link never travels in clear');
      const [plain, status] = await gpgDecrypt(ack!.raw);
      assert.match(plain, new RegExp(`Tracking ID: ${trackingId}`));
      assert.match(plain, /https:\/\/embargo\.test\/p\/[a-z-]+\/status#\S+/);
      assert.match(status, new RegExp(`^\\[GNUPG:\\] VALIDSIG ${projectFpr} `, 'm'));

      // A signed, encrypted reply by mail: verified against the key the reporter gave.
      const replyTo = ack!.parsed.replyTo?.value[0]?.address ?? assert.fail('no reply address');
      const block = ok(['--armor', '--sign', '-u', reporterFpr, '--encrypt', '-r', projectFpr, '--textmode'], 'Here is the second payload.\n');
      syncClock();
      const reply = await sendTo(smtpPort, { from: 'reporter@gpg.example', to: replyTo, subject: 'Re: encrypted', text: block });
      assert.match(reply.response, /Stored as message/);

      // The maintainer's answer is encrypted to the reporter too.
      const answer = await rt.app.inject({ method: 'POST', url: `${P}/reports/${trackingId}/messages`, headers: world.as('triager'), payload: { body: 'Confirmed; fixed in 2.1.' } });
      assert.equal(answer.statusCode, 201);
      const thread = (await rt.app.inject({ method: 'GET', url: `${P}/reports/${trackingId}`, headers: world.as('triager') })).json().messages;
      assert.equal(thread[0].body, 'Here is the second payload.');
      await drain();
      const [, second] = await relay.waitFor(2);
      const [answerPlain] = await gpgDecrypt(second!.raw);
      assert.match(answerPlain, /Confirmed; fixed in 2\.1\./);
      assert.ok(!second!.raw.toString('utf8').includes('fixed in 2.1'));
    });

    test('a web report with a reporter key gets its acknowledgement encrypted (gpg decrypts it)', async () => {
      const before = relay.mails.length;
      syncClock();
      const r = await submit(rt, 'privastream', { ...validReport({ reporter_email: 'reporter@gpg.example' }), reporter_public_key: reporterPublic });
      await drain();
      const mail = (await relay.waitFor(before + 1))[before]!;
      const [plain] = await gpgDecrypt(mail.raw);
      assert.ok(plain.includes(r.reporter_link));
    });

    test('inline PGP with garbage armor, and mail encrypted to another key, are held with a clear bounce', async () => {
      const before = relay.mails.length;
      syncClock();
      const garbage = '-----BEGIN PGP MESSAGE-----\n\nthis is not base64 at all!!!\n-----END PGP MESSAGE-----\n';
      const r1 = await sendTo(smtpPort, { from: 'reporter@gpg.example', to: SECURITY, subject: 'garbage', text: `Hello\n\n${garbage}` });
      assert.match(r1.response, /Stored as quarantine/);
      const toOther = ok(['--armor', '--encrypt', '-r', reporterFpr], 'for the wrong key\n');
      const r2 = await sendTo(smtpPort, { from: 'reporter@gpg.example', to: SECURITY, subject: 'wrong key', text: toOther });
      assert.match(r2.response, /Stored as quarantine/);
      const items = (await rt.app.inject({ method: 'GET', url: `${P}/quarantine`, headers: world.as('triager') })).json().items as Array<{ reason_code: string }>;
      const codes = items.map((i) => i.reason_code);
      assert.ok(codes.some((c) => c === 'bad_armor' || c === 'malformed'), codes.join());
      assert.ok(codes.includes('wrong_key'), codes.join());
      await drain();
      const bounces = (await relay.waitFor(before + 2)).slice(before);
      const texts = bounces.map((b) => b.parsed.text ?? '').join('\n---\n');
      assert.match(texts, /not valid ASCII armor|damaged or cut short/);
      assert.match(texts, /encrypted to a key that is not our current key/);
    });
  });
}
