import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, submit, type World } from '../support/fixtures.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';

const HOUR = 3_600_000;
const REPORTS = '/api/v1/projects/privastream/reports';

/** privastream's policy with its acknowledgement promise changed (it ships with 48h). */
const withAcknowledge = (within: string) => {
  const yaml = examplePolicy('privastream');
  assert.match(yaml, /acknowledge:\n\s+within: 48h/, 'the acknowledge promise is where this expects it');
  return yaml.replace(/(acknowledge:\n\s+within: )48h/, `$1${within}`);
};

interface DeadlineJson {
  clock: string;
  due_at: string;
  status: string;
}

/**
 * Promises are kept as made (issue 17): a policy edit used to move the deadlines already promised to open reports.
 * A report keeps the promises of the policy it was submitted under; a later policy applies to it only where it is
 * more generous to the reporter (an earlier date), never due before the change was made; the reporter sees it.
 */
for (const engine of ENGINES) {
  describe(`promises kept as made on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    const reporterAck = async (token: string) =>
      ((await rt.app.inject({ url: `/api/v1/reporter/${token}` })).json() as { deadlines: DeadlineJson[] }).deadlines.find((d) => d.clock === 'acknowledge');
    const maintainerAck = async (trackingId: string) =>
      ((await rt.app.inject({ url: `${REPORTS}/${trackingId}`, headers: world.as('viewer') })).json() as { deadlines: DeadlineJson[] }).deadlines.find((d) => d.clock === 'acknowledge');
    const storedAck = async (trackingId: string) =>
      (
        await rt.ctx.db
          .selectFrom('report_deadlines')
          .innerJoin('reports', 'reports.id', 'report_deadlines.report_id')
          .select('report_deadlines.due_at')
          .where('reports.tracking_id', '=', trackingId)
          .where('report_deadlines.clock', '=', 'acknowledge')
          .executeTakeFirst()
      )?.due_at;
    const slaAck = async (trackingId: string) => {
      const body = (await rt.app.inject({ url: '/api/v1/projects/privastream/sla', headers: world.as('viewer') })).json() as { deadlines: { tracking_id: string; clock: string; due_at: string }[] };
      return body.deadlines.find((i) => i.tracking_id === trackingId && i.clock === 'acknowledge');
    };

    test('a less generous policy leaves open reports their promise; a more generous one applies from when it was made; a later step back keeps it', async () => {
      await savePolicy(rt.ctx, withAcknowledge('48h'), 'test');
      const submittedAt = rt.clock.now.getTime();
      const r = await submit(rt, 'privastream');
      const promised = new Date(submittedAt + 48 * HOUR).toISOString();
      assert.equal((await reporterAck(r.reporter_token))?.due_at, promised);

      // 48h → 72h: worse for the reporter; their 48 hours stand, everywhere the deadline shows.
      rt.clock.advance(HOUR);
      await savePolicy(rt.ctx, withAcknowledge('72h'), 'test');
      assert.equal((await reporterAck(r.reporter_token))?.due_at, promised, 'the reporter keeps the promise made to them');
      assert.equal((await maintainerAck(r.tracking_id))?.due_at, promised);
      assert.equal((await storedAck(r.tracking_id))?.toISOString(), promised, 'the queue index agrees');
      assert.equal((await slaAck(r.tracking_id))?.due_at, promised);

      // A report submitted now is promised what the policy now says.
      const later = await submit(rt, 'privastream');
      assert.equal((await reporterAck(later.reporter_token))?.due_at, new Date(rt.clock.now.getTime() + 72 * HOUR).toISOString());

      // 72h → 24h: better for the reporter; it applies, and the reporter sees the new date.
      rt.clock.advance(HOUR);
      await savePolicy(rt.ctx, withAcknowledge('24h'), 'test');
      const sooner = new Date(submittedAt + 24 * HOUR).toISOString();
      assert.equal((await reporterAck(r.reporter_token))?.due_at, sooner);
      assert.equal((await storedAck(r.tracking_id))?.toISOString(), sooner);
      assert.equal((await reporterAck(later.reporter_token))?.due_at, new Date(submittedAt + HOUR + 24 * HOUR).toISOString(), 'the later report too');

      // Back to 48h: the 24 hours promised while the report was open are kept.
      rt.clock.advance(HOUR);
      await savePolicy(rt.ctx, withAcknowledge('48h'), 'test');
      assert.equal((await reporterAck(r.reporter_token))?.due_at, sooner);
      assert.equal((await maintainerAck(r.tracking_id))?.due_at, sooner);
    });

    test('a stricter promise made after its date would have passed is due when it was made, not breached before it existed', async () => {
      await savePolicy(rt.ctx, withAcknowledge('48h'), 'test');
      const r = await submit(rt, 'privastream');
      rt.clock.advance(30 * HOUR);
      const changedAt = rt.clock.now.toISOString();
      await savePolicy(rt.ctx, withAcknowledge('24h'), 'test');
      const ack = await reporterAck(r.reporter_token);
      assert.equal(ack?.due_at, changedAt);
      assert.equal(ack?.status, 'pending');
      // Acknowledged in the same minute: met (the old rule would have called it breached 6 hours ago).
      rt.clock.advance(0);
      const res = await rt.app.inject({ method: 'POST', url: `${REPORTS}/${r.tracking_id}/transitions`, headers: world.as('triager'), payload: { to: 'acknowledged' } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await reporterAck(r.reporter_token))?.status, 'met');
    });
  });
}
