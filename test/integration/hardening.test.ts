import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, validReport, type World } from '../support/fixtures.ts';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { isDomainError } from '../../src/core/errors.ts';
import { receiveMail } from '../../src/services/mail/intake.ts';
import { mutate, rng } from '../support/fuzz.ts';
import { reportMail } from '../support/mail-relay.ts';

/**
 * Hostile input that used to answer 500 or tell more than it should (issue 13, item 5): every answer is a clear 4xx
 * and the same whatever exists.
 */
const P = '/api/v1/projects/privastream';

for (const engine of ENGINES) {
  describe(`hardening on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt?.close());

    test('NUL characters in unencrypted fields, filters and login are refused with 400 naming the field, never 500', async () => {
      const intake = await rt.app.inject({ method: 'POST', url: `${P}/reports`, payload: validReport({ affected_version: '1.0\u00003', reporter_email: 'ada\u0000@example.org' }) });
      assert.equal(intake.statusCode, 400, intake.body);
      assert.deepEqual((intake.json() as { problems: { field: string }[] }).problems.map((p) => p.field).sort(), ['affected_version', 'reporter_email']);
      const filter = await rt.app.inject({ url: `${P}/reports?state=new%00`, headers: world.as('triager') });
      assert.equal(filter.statusCode, 400, filter.body);
      const login = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'admin\u0000@example.org', password: 'x' } });
      assert.equal(login.statusCode, 400, login.body);
      const form = await rt.app.inject({
        method: 'POST',
        url: `${P}/reports`,
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        payload: `--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\u0000y\r\n--b--\r\n`,
      });
      assert.equal(form.statusCode, 400, form.body);
    });

    test('fuzz: mutated multipart submissions are answered 201 or 4xx, never 500 (fixed seed)', async () => {
      const random = rng(13);
      const seed = [
        '--b',
        'Content-Disposition: form-data; name="title"',
        '',
        'Path traversal in model loader',
        '--b',
        'Content-Disposition: form-data; name="description"',
        '',
        'The /models endpoint accepts ../ sequences.',
        '--b',
        'Content-Disposition: form-data; name="attachments"; filename="poc.txt"',
        'Content-Type: text/plain',
        '',
        'GET /models?name=../../etc/passwd',
        '--b--',
        '',
      ].join('\r\n');
      for (let i = 0; i < 80; i++) {
        const res = await rt.app.inject({ method: 'POST', url: `${P}/reports`, headers: { 'content-type': 'multipart/form-data; boundary=b' }, payload: mutate(seed, random) });
        assert.ok(res.statusCode === 201 || (res.statusCode >= 400 && res.statusCode < 500), `round ${i}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    });

    test('fuzz: mutated mails reach the mail intake and are stored, held or refused, never an unexpected error (fixed seed)', async () => {
      const random = rng(17);
      const seeds = await Promise.all(
        [reportMail(), reportMail({ attachments: [{ filename: 'poc.txt', content: 'curl http://x/models?name=../../etc/passwd\n' }] }), reportMail({ html: '<p>The <b>loader</b></p>' })].map(
          (m) => new MailComposer(m).compile().build(),
        ),
      );
      const limits = { domains: [], maxAttachments: 10, maxAttachmentBytes: 1_000_000 };
      for (let i = 0; i < 60; i++) {
        const raw = Buffer.from(mutate((seeds[i % seeds.length] as Buffer).toString('latin1'), random), 'latin1');
        try {
          await receiveMail(rt.ctx, { remoteAddress: '127.0.0.1', mailFrom: 'ada@example.org', rcptTo: ['security@privastream.ai'], raw }, limits);
        } catch (e) {
          assert.ok(isDomainError(e), `round ${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
      }
    });

    test('multipart without a boundary is a 400, not a 500', async () => {
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports`, headers: { 'content-type': 'multipart/form-data' }, payload: 'title=x' });
      assert.equal(res.statusCode, 400, res.body);
    });
  });
}
