import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport, type World } from '../support/fixtures.ts';

/**
 * Assignees, the queue's new filters and its bulk actions (issue 17): only members who can triage are assigned,
 * every change is audited in its transaction, filters by assignee, flag, source and age keep the queue order, and
 * a bulk action changes each report as the single action would, reporting the ones it could not change.
 */
const P = '/api/v1/projects/privastream';
const DAY = 86_400_000;
type Queue = { reports: { tracking_id: string; assignee: { id: string; name: string } | null; source: string; classification: { flags: string[] } }[] };

for (const engine of ENGINES) {
  describe(`assignees, filters and bulk actions on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    const ids: Record<string, string> = {};
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      for (const role of ['admin', 'triager', 'viewer']) {
        ids[role] = (await rt.ctx.db.selectFrom('users').select('id').where('email', '=', `${role}@example.org`).executeTakeFirstOrThrow()).id;
      }
    });
    after(() => rt?.close());

    const queue = async (qs: string, who: Parameters<World['as']>[0] = 'triager') => {
      const res = await rt.app.inject({ url: `${P}/reports?${qs}`, headers: world.as(who) });
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as Queue).reports;
    };
    const assign = (id: string, userId: string | null, who: Parameters<World['as']>[0] = 'triager') =>
      rt.app.inject({ method: 'PUT', url: `${P}/reports/${id}/assignee`, headers: world.as(who), payload: { user_id: userId } });

    test('assignees are members who can triage; assigning is audited with names; the queue filters by assignee', async () => {
      const list = await rt.app.inject({ url: `${P}/assignees`, headers: world.as('viewer') });
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual((list.json() as { assignees: { name: string }[] }).assignees.map((a) => a.name), ['admin', 'triager']);

      const a = (await submit(rt)).tracking_id;
      const b = (await submit(rt)).tracking_id;
      const toViewer = await assign(a, ids.viewer!);
      assert.equal(toViewer.statusCode, 400, toViewer.body);
      assert.match(toViewer.body, /user_id/);
      const outsider = (await rt.ctx.db.selectFrom('users').select('id').where('email', '=', 'outsider@example.org').executeTakeFirstOrThrow()).id;
      assert.equal((await assign(a, outsider)).statusCode, 400, 'an admin of another project is not a member here');

      const ok = await assign(a, ids.triager!);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), { assignee: { id: ids.triager, name: 'triager' } });
      const audit = await rt.app.inject({ url: `${P}/reports/${a}/audit`, headers: world.as('admin') });
      const entry = (audit.json() as { entries: { action: string; data: Record<string, unknown> }[] }).entries.find((e) => e.action === 'report.assigned');
      assert.deepEqual(entry?.data, { assignee: ids.triager, assignee_name: 'triager', previous: null, previous_name: null });

      assert.deepEqual((await queue(`assignee=${ids.triager}`)).map((r) => r.tracking_id), [a]);
      assert.deepEqual((await queue('assignee=me')).map((r) => r.tracking_id), [a], 'me is the caller');
      assert.ok((await queue('assignee=none')).some((r) => r.tracking_id === b));
      assert.ok(!(await queue('assignee=none')).some((r) => r.tracking_id === a));
      const detail = await rt.app.inject({ url: `${P}/reports/${a}`, headers: world.as('viewer') });
      assert.deepEqual((detail.json() as { assignee: unknown }).assignee, { id: ids.triager, name: 'triager' });
      // A malformed id is the client's mistake (400), never a database error.
      for (const bad of ['------------------------------------', 'nobody']) {
        const res = await rt.app.inject({ url: `${P}/reports?assignee=${bad}`, headers: world.as('triager') });
        assert.equal(res.statusCode, 400, res.body);
      }
      // Viewers cannot assign.
      assert.equal((await assign(b, ids.triager!, 'viewer')).statusCode, 403);
      // Unassigning is audited too; assigning again to the same person records nothing.
      assert.equal((await assign(a, null)).statusCode, 200);
      assert.equal((await assign(a, null)).statusCode, 200);
      const after = await rt.app.inject({ url: `${P}/reports/${a}/audit`, headers: world.as('admin') });
      assert.equal((after.json() as { entries: { action: string }[] }).entries.filter((e) => e.action === 'report.assigned').length, 2);
    });

    test('filters by flag, source and age', async () => {
      const unsupported = (await submit(rt, 'privastream', validReport({ affected_version: '0.9.0' }))).tracking_id;
      const supported = (await submit(rt, 'privastream', validReport({ affected_version: '1.0.3' }))).tracking_id;
      const flaggedVersion = await queue('flag=version&limit=200');
      assert.ok(flaggedVersion.some((r) => r.tracking_id === unsupported), JSON.stringify(flaggedVersion.map((r) => r.classification.flags)));
      assert.ok(!flaggedVersion.some((r) => r.tracking_id === supported));
      assert.ok(flaggedVersion.every((r) => r.classification.flags.some((f) => /^Version /.test(f))));
      const unflagged = await queue('flag=none&limit=200');
      assert.ok(unflagged.some((r) => r.tracking_id === supported) && unflagged.every((r) => r.classification.flags.length === 0));

      assert.ok((await queue('source=api&limit=200')).every((r) => r.source === 'api'));
      assert.deepEqual(await queue('source=email'), []);

      rt.clock.advance(10 * DAY);
      const fresh = (await submit(rt)).tracking_id;
      const recent = await queue('max_age_days=1&limit=200');
      assert.deepEqual(recent.map((r) => r.tracking_id), [fresh]);
      const old = await queue('min_age_days=5&limit=200');
      assert.ok(old.length >= 2 && !old.some((r) => r.tracking_id === fresh));
    });

    test('bulk: assign several, reject several with a reason; what cannot change is reported, the rest changes', async () => {
      const a = (await submit(rt)).tracking_id;
      const b = (await submit(rt)).tracking_id;
      const bulk = (payload: Record<string, unknown>, who: Parameters<World['as']>[0] = 'triager') => rt.app.inject({ method: 'POST', url: `${P}/reports/bulk`, headers: world.as(who), payload });
      const assigned = await bulk({ tracking_ids: [a, b], action: 'assign', user_id: ids.admin });
      assert.equal(assigned.statusCode, 200, assigned.body);
      assert.deepEqual((await queue(`assignee=${ids.admin}`)).map((r) => r.tracking_id).sort(), [a, b].sort());
      assert.equal((await bulk({ tracking_ids: [a], action: 'assign', user_id: ids.viewer })).statusCode, 400, 'a viewer cannot be assigned, in bulk either');
      assert.equal((await bulk({ tracking_ids: [a], action: 'reject' })).statusCode, 400, 'reject needs a reason');
      assert.equal((await bulk({ tracking_ids: [a], action: 'reject', reason: 'invalid' }, 'viewer')).statusCode, 403);

      // b is closed first: rejecting it is not a transition its state allows.
      for (const to of ['acknowledged', 'triaged', 'accepted', 'fixing', 'fixed', 'closed']) {
        const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/${b}/transitions`, headers: world.as('triager'), payload: { to } });
        if (res.statusCode !== 200) break;
      }
      const rejected = await bulk({ tracking_ids: [a, b], action: 'reject', reason: 'informative' });
      assert.equal(rejected.statusCode, 200, rejected.body);
      const results = (rejected.json() as { results: { tracking_id: string; ok: boolean; error: string | null }[] }).results;
      assert.deepEqual(results.find((r) => r.tracking_id === a), { tracking_id: a, ok: true, error: null });
      const failed = results.find((r) => r.tracking_id === b);
      assert.equal(failed?.ok, false);
      assert.ok(failed?.error);
      const detail = (await rt.app.inject({ url: `${P}/reports/${a}`, headers: world.as('triager') })).json() as { state: string; rejection_reason: string };
      assert.deepEqual([detail.state, detail.rejection_reason], ['rejected', 'informative']);
      const audit = (await rt.app.inject({ url: `${P}/reports/${a}/audit`, headers: world.as('admin') })).json() as { entries: { action: string; data: Record<string, unknown> }[] };
      assert.ok(audit.entries.some((e) => e.action === 'report.transition' && e.data.to === 'rejected' && e.data.reason === 'informative'));
    });
  });
}
