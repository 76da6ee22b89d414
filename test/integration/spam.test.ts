import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { openJson } from '../../src/adapters/crypto/sealer.ts';
import { outboxAad, type SealedEnvelope } from '../../src/services/mail/outbox.ts';
import { sendReporterDigests } from '../../src/services/mail/reporter-digests.ts';

const P = '/api/v1/projects/privastream';

/** The `spam` rejection reason (issue 18): applied in bulk, audited per report, never told to the reporter. */
for (const engine of ENGINES) {
  describe(`spam on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test('a wave of reports rejected as spam in one call: each moved and audited, the rest still go when one cannot', async () => {
      const wave = await Promise.all([1, 2, 3].map((i) => submit(rt, 'privastream', validReport({ title: `Buy now ${i}`, reporter_email: `spam${i}@example.org` }))));
      const ids = wave.map((w) => w.tracking_id);
      await rt.app.inject({ method: 'POST', url: `${P}/reports/${ids[2]}/transitions`, headers: world.as('triager'), payload: { to: 'rejected', reason: 'invalid' } });
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/bulk`, headers: world.as('triager'), payload: { tracking_ids: [...ids, 'PRIV-2026-9999'], action: 'reject', reason: 'spam' } });
      assert.equal(res.statusCode, 200, res.body);
      const { results } = res.json() as { results: { tracking_id: string; ok: boolean; error: string | null }[] };
      assert.deepEqual(results.filter((r) => r.ok).map((r) => r.tracking_id), ids.slice(0, 2));
      const skipped = results.filter((r) => !r.ok);
      assert.deepEqual(skipped.map((s) => s.tracking_id), [ids[2], 'PRIV-2026-9999']);
      assert.match(skipped[0]?.error ?? '', /Cannot move a report from rejected to rejected/);
      for (const id of ids.slice(0, 2)) {
        const detail = (await rt.app.inject({ url: `${P}/reports/${id}`, headers: world.as('viewer') })).json();
        assert.equal(detail.state, 'rejected');
        assert.equal(detail.rejection_reason, 'spam');
      }
      const audits = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'report.transition').execute();
      assert.equal(audits.filter((a) => (a.data as { reason: string }).reason === 'spam').length, 2, 'one audit entry per report');
    });

    test('the reporter is never told: their page, API and mail say "invalid"', async () => {
      const { tracking_id, reporter_token } = await submit(rt, 'privastream', validReport({ title: 'Cheap pills', reporter_email: 'pills@example.org' }));
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/bulk`, headers: world.as('triager'), payload: { tracking_ids: [tracking_id], action: 'reject', reason: 'spam' } });
      assert.equal(res.statusCode, 200, res.body);
      const view = await rt.app.inject({ url: `/api/v1/reporter/${reporter_token}` });
      assert.equal(view.json().rejection_reason, 'invalid');
      assert.ok(!view.body.includes('spam'));
      const report = await rt.ctx.db.selectFrom('reports').select('id').where('tracking_id', '=', tracking_id).executeTakeFirstOrThrow();
      // Status mails are queued by the reporter-digest job (at most one per report per ten minutes).
      await sendReporterDigests(rt.ctx, 50);
      const mails = await rt.ctx.db.selectFrom('outbox').select(['id', 'envelope_sealed', 'key_id', 'kind']).where('report_id', '=', report.id).execute();
      const status = mails.filter((m) => m.kind !== 'acknowledgement');
      assert.ok(status.length >= 1, 'the reporter gets the status mail');
      for (const m of status) {
        const env = openJson<SealedEnvelope>(rt.ctx.sealer, m.key_id, m.envelope_sealed, outboxAad(m.id));
        assert.ok(!/spam/i.test(env.text) && !/spam/i.test(env.subject), env.text);
        assert.match(env.text, /Reason: invalid/);
      }
      // Every mail the reporter ever got about it (the acknowledgement too), and the page their old link opens.
      for (const m of mails) {
        const env = openJson<SealedEnvelope>(rt.ctx.sealer, m.key_id, m.envelope_sealed, outboxAad(m.id));
        assert.ok(!/spam/i.test(JSON.stringify(env)), `${m.kind} mail`);
      }
      const page = await rt.app.inject({ url: `/reporter/${reporter_token}` });
      assert.equal(page.statusCode, 302);
      const styled = await rt.app.inject({ url: page.headers.location as string });
      assert.ok(!/spam/i.test(styled.body), 'the reporter page itself');
    });

    test('the separate /reports/rejections endpoint is gone: /reports/bulk is the one bulk action', async () => {
      const { tracking_id } = await submit(rt, 'privastream', validReport({ title: 'Still here' }));
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/rejections`, headers: world.as('triager'), payload: { tracking_ids: [tracking_id], reason: 'spam' } });
      assert.equal(res.statusCode, 404);
    });

    test('a viewer may not reject in bulk; a duplicate needs its original', async () => {
      const { tracking_id } = await submit(rt, 'privastream', validReport({ title: 'Not spam' }));
      const viewer = await rt.app.inject({ method: 'POST', url: `${P}/reports/bulk`, headers: world.as('viewer'), payload: { tracking_ids: [tracking_id], action: 'reject', reason: 'spam' } });
      assert.equal(viewer.statusCode, 403);
      const dup = await rt.app.inject({ method: 'POST', url: `${P}/reports/bulk`, headers: world.as('triager'), payload: { tracking_ids: [tracking_id], action: 'reject', reason: 'duplicate' } });
      assert.equal(dup.statusCode, 400);
      assert.equal((await rt.app.inject({ url: `${P}/reports/${tracking_id}`, headers: world.as('viewer') })).json().state, 'new');
    });
  });
}
