import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { quietMaintainers, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { startRelay, type CapturedMail, type TestRelay } from '../support/mail-relay.ts';
import { advisoryContent, createAdvisory, fixedReport, move as moveAdvisory } from '../support/advisory-fixtures.ts';

/**
 * Fewer mails to reporters, on the test clock: status changes within ten minutes are one mail listing each
 * change, a disclosure date change names the old and the new date, and a maintainer's reply is never held.
 */
const P = '/api/v1/projects/privastream';
const MINUTE = 60_000;

for (const engine of ENGINES) {
  describe(`reporter status mails coalesce (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;

    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_MAIL_FROM: 'embargo@embargo.test' });
      world = await seedWorld(rt);
      await quietMaintainers(rt, world);
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    const toReporter = async (from: number): Promise<CapturedMail[]> => {
      await rt.jobs.runAllOnce();
      await new Promise((r) => setTimeout(r, 300));
      return relay.mails.slice(from).filter((m) => m.to[0] === 'ada@example.org');
    };
    const move = async (id: string, to: string) => {
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/${id}/transitions`, headers: world.as('triager'), payload: { to } });
      assert.equal(res.statusCode, 200, res.body);
    };
    const embargo = async (id: string, until: string | null) => {
      const res = await rt.app.inject({ method: 'PUT', url: `${P}/reports/${id}/embargo`, headers: world.as('triager'), payload: { until } });
      assert.equal(res.statusCode, 200, res.body);
    };

    test('seven changes in two minutes: two mails, the second listing every change since the first; replies go at once', async () => {
      const r = await submit(rt, 'privastream', validReport());
      const acked = await toReporter(0);
      assert.deepEqual(acked.map((m) => m.parsed.subject?.replace(/^\[[^\]]+\] /, '')), ['Report received']);

      const from = relay.mails.length;
      await move(r.tracking_id, 'acknowledged');
      const first = await toReporter(from);
      assert.deepEqual(first.map((m) => m.parsed.subject), [`[${r.tracking_id}] Status: acknowledged`], 'the first change is mailed at once');

      const rest = relay.mails.length;
      rt.clock.advance(20_000);
      await move(r.tracking_id, 'triaged');
      await rt.jobs.runAllOnce();
      rt.clock.advance(20_000);
      await move(r.tracking_id, 'needs-info');
      await embargo(r.tracking_id, '2026-06-30');
      rt.clock.advance(20_000);
      await move(r.tracking_id, 'triaged');
      await embargo(r.tracking_id, '2026-07-15');
      rt.clock.advance(20_000);
      await move(r.tracking_id, 'accepted');
      const answer = await rt.app.inject({ method: 'POST', url: `${P}/reports/${r.tracking_id}/messages`, headers: world.as('triager'), payload: { body: 'Thanks, we reproduced it.' } });
      assert.equal(answer.statusCode, 201, answer.body);
      const meanwhile = await toReporter(rest);
      assert.equal(meanwhile.length, 1, 'within ten minutes of the last status mail, only the reply went out');
      assert.match(meanwhile[0]?.parsed.text ?? '', /Thanks, we reproduced it\./);

      rt.clock.advance(9 * MINUTE - 80_000); // 9 minutes after the first status mail
      assert.equal((await toReporter(relay.mails.length)).length, 0, 'still held at nine minutes');
      const digestFrom = relay.mails.length;
      rt.clock.advance(MINUTE);
      const [digest, ...more] = await toReporter(digestFrom);
      assert.equal(more.length, 0);
      const text = digest?.parsed.text ?? '';
      assert.equal(digest?.parsed.subject, `[${r.tracking_id}] Status: accepted as a vulnerability`);
      const lines = text.split('\n').filter((l) => l.startsWith('- '));
      assert.equal(lines.length, 6, text);
      assert.match(lines[0] ?? '', /status acknowledged → triaged/);
      assert.match(lines[1] ?? '', /status triaged → waiting for more information from you/);
      assert.match(text, /planned disclosure date none → 2026-06-30/);
      assert.match(text, /planned disclosure date 2026-06-30 → 2026-07-15/);
      assert.match(lines[5] ?? '', /status triaged → accepted as a vulnerability/);
      assert.equal(digest?.parsed.headers.get('auto-submitted'), 'auto-generated');

      rt.clock.advance(60 * MINUTE);
      assert.equal((await toReporter(relay.mails.length)).length, 0, 'nothing is mailed twice');
    });

    test("scheduling the report's advisory for another date tells the reporter the old and the new date", async () => {
      const { trackingId } = await fixedReport(rt, world);
      await embargo(trackingId, '2027-01-10');
      rt.clock.advance(11 * MINUTE);
      await toReporter(relay.mails.length); // the status and the first date, mailed
      rt.clock.advance(11 * MINUTE);
      const from = relay.mails.length;
      const created = await createAdvisory(rt, world, advisoryContent({ credits: undefined, report: trackingId, embargo_until: '2027-02-01T00:00:00.000Z' }));
      await moveAdvisory(rt, world, created.advisory.id, 'in-review');
      await moveAdvisory(rt, world, created.advisory.id, 'scheduled');
      const mails = await toReporter(from);
      assert.deepEqual(mails.map((m) => m.parsed.subject), [`[${trackingId}] Disclosure date changed`]);
      assert.match(mails[0]?.parsed.text ?? '', /planned disclosure date 2027-01-10 → 2027-02-01/);
    });

    test('a change long after the last status mail is mailed at once', async () => {
      const r = await submit(rt, 'privastream', validReport());
      await toReporter(relay.mails.length);
      await move(r.tracking_id, 'triaged');
      await toReporter(relay.mails.length);
      rt.clock.advance(11 * MINUTE);
      const from = relay.mails.length;
      await embargo(r.tracking_id, '2026-09-01');
      const mails = await toReporter(from);
      assert.equal(mails.length, 1);
      assert.match(mails[0]?.parsed.text ?? '', /planned disclosure date none → 2026-09-01/);
      assert.equal(mails[0]?.parsed.subject, `[${r.tracking_id}] Disclosure date changed`);
    });
  });
}
