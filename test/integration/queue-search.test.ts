import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { sql } from 'kysely';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { reportMail } from '../support/mail-relay.ts';
import { receiveMail } from '../../src/services/mail/intake.ts';
import { indexPendingSearch } from '../../src/services/reports/search-index.ts';
import { termsOf } from '../../src/core/search/terms.ts';

/**
 * Queue search (issue 17): `?q=` finds reports by the words of their title, body and thread messages, whatever
 * path they came in by (API, web form, mail, reporter's reply, internal note), once the search-index job has run;
 * the database holds no word of them in the clear.
 */
const P = '/api/v1/projects/privastream';

for (const engine of ENGINES) {
  describe(`queue search on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt?.close());

    const search = async (q: string, extra = '', who: Parameters<World['as']>[0] = 'triager') => {
      const res = await rt.app.inject({ url: `${P}/reports?q=${encodeURIComponent(q)}${extra}`, headers: world.as(who) });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { reports: { tracking_id: string }[]; next_cursor: string | null };
    };
    const ids = async (q: string, extra = '') => (await search(q, extra)).reports.map((r) => r.tracking_id).sort();

    test('titles, bodies and messages of every intake path are found after the index job, and only then', async () => {
      const byApi = await submit(rt, 'privastream', validReport({ title: 'Heap overflow in Zanzibar codec', description: 'A crafted frame overflows the decoder buffer.' }));
      const web = await rt.app.inject({
        method: 'POST',
        url: `${P}/reports`,
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        payload: Object.entries(validReport({ title: 'Open redirect', impact: 'Phishing through the quokka login page.' }))
          .map(([k, v]) => `--b\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`)
          .join('') + '--b--\r\n',
      });
      assert.equal(web.statusCode, 201, web.body);
      const byWeb = web.json() as { tracking_id: string; reporter_token: string };
      const raw = await new MailComposer(reportMail({ subject: 'Timing leak in the pangolin comparator', messageId: '<search-1@example.org>' })).compile().build();
      await receiveMail(rt.ctx, { remoteAddress: '127.0.0.1', mailFrom: 'ada@example.org', rcptTo: ['security@privastream.ai'], raw }, { domains: [], maxAttachments: 10, maxAttachmentBytes: 1_000_000 });

      // Committed but not indexed yet: not found (how fresh search is: one job tick behind).
      assert.deepEqual(await ids('zanzibar'), []);
      assert.ok((await indexPendingSearch(rt.ctx)) >= 3);
      assert.deepEqual(await ids('zanzibar'), [byApi.tracking_id], 'a title word (API)');
      assert.deepEqual(await ids('DECODER'), [byApi.tracking_id], 'a body word, any case');
      assert.deepEqual(await ids('quokka'), [byWeb.tracking_id], 'a body word (web form)');
      const mailed = await ids('pangolin');
      assert.equal(mailed.length, 1, 'a report by mail');
      assert.deepEqual(await ids('zanzibar quokka'), [], 'every word must occur');

      // Thread messages: the reporter's reply and an internal note.
      const reply = await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${byWeb.reporter_token}/messages`, payload: { body: 'Also reachable via the wombat endpoint.' } });
      assert.equal(reply.statusCode, 201, reply.body);
      const note = await rt.app.inject({ method: 'POST', url: `${P}/reports/${byApi.tracking_id}/messages`, headers: world.as('triager'), payload: { body: 'Same root cause as the capybara bug.', internal: true } });
      assert.equal(note.statusCode, 201, note.body);
      assert.deepEqual(await ids('wombat'), []);
      await rt.jobs.runAllOnce();
      assert.deepEqual(await ids('wombat'), [byWeb.tracking_id], "the reporter's message");
      assert.deepEqual(await ids('capybara'), [byApi.tracking_id], 'an internal note');
      assert.deepEqual(await ids('capybara', '&state=rejected'), [], 'search composes with the other filters');
      assert.equal(await indexPendingSearch(rt.ctx), 0, 'nothing is indexed twice');
    });

    test('no word is stored in the clear: the index holds keyed 64-bit hashes only', async () => {
      const rows = await sql<{ term: string }>`select unnest(terms)::text as term from report_search`.execute(rt.ctx.db);
      assert.ok(rows.rows.length > 10);
      for (const r of rows.rows) assert.match(r.term, /^-?\d+$/);
      // Neither the words nor an unkeyed hash of them: only the instance's key turns a word into what is stored.
      const { createHash } = await import('node:crypto');
      const stored = new Set(rows.rows.map((r) => r.term));
      const words = termsOf('zanzibar codec decoder quokka wombat capybara pangolin');
      for (const w of words) {
        assert.ok(!stored.has(createHash('sha256').update(w).digest().readBigInt64BE(0).toString()));
        assert.ok(stored.has(rt.ctx.blindIndex.hash(w)), w);
      }
      const dump = JSON.stringify((await sql`select report_id, terms::text from report_search`.execute(rt.ctx.db)).rows);
      for (const w of words) assert.ok(!dump.includes(w));
    });

    test('pages of a search follow the cursor; a cursor of another search is refused', async () => {
      for (let i = 0; i < 3; i++) await submit(rt, 'privastream', validReport({ title: `Axolotl parser crash ${i}` }));
      await indexPendingSearch(rt.ctx);
      const first = await search('axolotl', '&limit=2');
      assert.equal(first.reports.length, 2);
      assert.ok(first.next_cursor);
      const second = await search('axolotl', `&limit=2&cursor=${encodeURIComponent(first.next_cursor!)}`);
      assert.equal(second.reports.length, 1);
      assert.equal(second.next_cursor, null);
      const other = await rt.app.inject({ url: `${P}/reports?q=parser&limit=2&cursor=${encodeURIComponent(first.next_cursor!)}`, headers: world.as('triager') });
      assert.equal(other.statusCode, 400, other.body);
    });

    test('a query without a word of two letters is a 400 naming q; outsiders cannot search', async () => {
      const res = await rt.app.inject({ url: `${P}/reports?q=${encodeURIComponent('a !')}`, headers: world.as('triager') });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, /"q"|q/);
      const outsider = await rt.app.inject({ url: `${P}/reports?q=zanzibar`, headers: world.as('outsider') });
      assert.ok(outsider.statusCode === 403 || outsider.statusCode === 404, outsider.body);
    });
  });
}
