import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport, type Persona, type World } from '../support/fixtures.ts';
import { ADV, advisoryContent, api, move, type AdvisoryJson } from '../support/advisory-fixtures.ts';
import { openJson } from '../../src/adapters/crypto/sealer.ts';
import { outboxAad, type SealedEnvelope } from '../../src/services/mail/outbox.ts';
import { sendReporterDigests } from '../../src/services/mail/reporter-digests.ts';

const DAY = 86_400_000;

interface ReporterJson {
  state: string;
  rejection_reason: string | null;
  deadlines: { clock: string; status: string; due_at: string; promise: string; met_at?: string }[];
}

/**
 * Won't fix: the maintainers confirm the problem but decide not to fix it. The report leaves the queue (rejected,
 * reason `wont-fix`), the reporter is told in words, and the disclosure promise still holds: the fix it was
 * waiting for will not come, so a `from: fix` clock counts from the decision instead (docs/sla.md).
 */
for (const engine of ENGINES) {
  describe(`the won't-fix outcome on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    const moveReport = (slug: string, id: string, to: string, persona: Persona, extra: Record<string, unknown> = {}) =>
      rt.app.inject({ method: 'POST', url: `/api/v1/projects/${slug}/reports/${id}/transitions`, headers: world.as(persona), payload: { to, ...extra } });
    const reporterView = async (token: string) => (await rt.app.inject({ url: `/api/v1/reporter/${token}` })).json() as ReporterJson;

    test('a won\'t-fix decision keeps the disclosure clock (30 days from the decision under "30 days after the fix"), shown to the reporter, with a mail in words', async () => {
      // personal-chatter: disclosure within 30d from the fix; the "outsider" persona is its admin.
      const r = await submit(rt, 'personal-chatter', validReport({ affected_version: undefined }));
      assert.equal((await moveReport('personal-chatter', r.tracking_id, 'triaged', 'outsider')).statusCode, 200);
      assert.equal((await moveReport('personal-chatter', r.tracking_id, 'accepted', 'outsider')).statusCode, 200);
      rt.clock.advance(2 * DAY);
      const decidedAt = rt.clock.now.getTime();
      const res = await moveReport('personal-chatter', r.tracking_id, 'rejected', 'outsider', { reason: 'wont-fix' });
      assert.equal(res.statusCode, 200, res.body);

      const view = await reporterView(r.reporter_token);
      assert.equal(view.state, 'rejected');
      assert.equal(view.rejection_reason, 'wont-fix');
      const disclosure = view.deadlines.find((d) => d.clock === 'disclosure');
      assert.ok(disclosure, `a rejection drops the disclosure clock, a won't-fix must not: ${JSON.stringify(view.deadlines)}`);
      assert.equal(disclosure.status, 'pending');
      assert.equal(Date.parse(disclosure.due_at), decidedAt + 30 * DAY);
      assert.match(disclosure.promise, /won't be fixed/);

      // Time passes: the clock keeps running after the decision (it is not frozen with the other clocks).
      rt.clock.advance(31 * DAY);
      const late = (await reporterView(r.reporter_token)).deadlines.find((d) => d.clock === 'disclosure');
      assert.equal(late?.status, 'breached');

      // Status mails are queued by the reporter-digest job (at most one per report per ten minutes).
      await sendReporterDigests(rt.ctx, 50);
      const mails = await rt.ctx.db.selectFrom('outbox').innerJoin('reports', 'reports.id', 'outbox.report_id').select(['outbox.id', 'outbox.envelope_sealed', 'outbox.key_id']).where('reports.tracking_id', '=', r.tracking_id).execute();
      const texts = mails.map((m) => openJson<SealedEnvelope>(rt.ctx.sealer, m.key_id, m.envelope_sealed, outboxAad(m.id)).text);
      assert.ok(texts.some((t) => /won't fix/.test(t) && /will not be fixed/.test(t)), texts.join('\n---\n'));
    });

    test('an ordinary rejection still drops the disclosure clock', async () => {
      const r = await submit(rt, 'personal-chatter', validReport({ affected_version: undefined }));
      await moveReport('personal-chatter', r.tracking_id, 'triaged', 'outsider');
      assert.equal((await moveReport('personal-chatter', r.tracking_id, 'rejected', 'outsider', { reason: 'informative' })).statusCode, 200);
      assert.ok(!(await reporterView(r.reporter_token)).deadlines.some((d) => d.clock === 'disclosure'));
    });

    test('work on a fix can end in won\'t fix; publishing the advisory discloses the won\'t-fix report and meets the clock', async () => {
      const r = await submit(rt, 'privastream');
      for (const to of ['triaged', 'accepted', 'fixing']) assert.equal((await moveReport('privastream', r.tracking_id, to, 'triager')).statusCode, 200);
      const wontFix = await moveReport('privastream', r.tracking_id, 'rejected', 'triager', { reason: 'wont-fix' });
      assert.equal(wontFix.statusCode, 200, wontFix.body);
      const other = await moveReport('privastream', r.tracking_id, 'rejected', 'triager', { reason: 'invalid' });
      assert.equal(other.statusCode, 409, 'already rejected');

      const created = await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: r.tracking_id });
      assert.equal(created.statusCode, 201, created.body);
      const a = created.json() as AdvisoryJson;
      await move(rt, world, a.advisory.id, 'in-review');
      await move(rt, world, a.advisory.id, 'published');
      const view = await reporterView(r.reporter_token);
      assert.equal(view.state, 'disclosed');
      const row = await rt.ctx.db.selectFrom('reports').select('rejection_reason').where('tracking_id', '=', r.tracking_id).executeTakeFirstOrThrow();
      assert.equal(row.rejection_reason, 'wont-fix', 'the outcome stays on record after disclosure');
    });

    test('only a won\'t-fix report may be disclosed from rejected; fixing cannot end in another rejection reason', async () => {
      const r = await submit(rt, 'privastream');
      for (const to of ['triaged', 'accepted', 'fixing']) await moveReport('privastream', r.tracking_id, to, 'triager');
      const invalid = await moveReport('privastream', r.tracking_id, 'rejected', 'triager', { reason: 'invalid' });
      assert.equal(invalid.statusCode, 409, invalid.body);
      const s = await submit(rt, 'privastream');
      await moveReport('privastream', s.tracking_id, 'rejected', 'triager', { reason: 'out-of-scope' });
      const disclosed = await moveReport('privastream', s.tracking_id, 'disclosed', 'triager');
      assert.equal(disclosed.statusCode, 409, disclosed.body);
    });
  });
}
