import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, validReport, type World } from '../support/fixtures.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';

for (const engine of ENGINES) {
  describe(`embargo date on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      await savePolicy(rt.ctx, examplePolicy('taehv'), 'test');
    });
    after(() => rt.close());

    test('the disclosure clock counts down to the agreed date; moves are audited; the reporter sees the new date', async () => {
      const created = await rt.app.inject({ method: 'POST', url: '/api/v1/projects/taehv/reports', payload: validReport({ affected_version: '1.2.0' }) });
      assert.equal(created.statusCode, 201, created.body);
      const { tracking_id: id, reporter_token: token } = created.json() as { tracking_id: string; reporter_token: string };
      const url = `/api/v1/projects/taehv/reports/${id}/embargo`;
      const disclosure = async () =>
        ((await rt.app.inject({ url: `/api/v1/reporter/${token}` })).json().deadlines as Array<{ clock: string; due_at: string; promise: string }>).find((d) => d.clock === 'disclosure');

      const policyDefault = await disclosure();
      assert.ok(policyDefault, 'taehv promises disclosure within 90 days of the report');
      assert.equal(Date.parse(policyDefault.due_at) - rt.clock.now.getTime(), 90 * 86_400_000);

      const set = await rt.app.inject({ method: 'PUT', url, headers: world.as('siteAdmin'), payload: { until: '2026-04-15T12:00:00Z' } });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal((await disclosure())?.due_at, '2026-04-15T12:00:00.000Z');

      const moved = await rt.app.inject({ method: 'PUT', url, headers: world.as('siteAdmin'), payload: { until: '2026-05-01T00:00:00Z' } });
      assert.equal(moved.statusCode, 200);
      assert.equal((await disclosure())?.due_at, '2026-05-01T00:00:00.000Z');

      const past = await rt.app.inject({ method: 'PUT', url, headers: world.as('siteAdmin'), payload: { until: '2020-01-01' } });
      assert.equal(past.statusCode, 400);
      assert.equal(past.json().problems[0].field, 'until');

      const cleared = await rt.app.inject({ method: 'PUT', url, headers: world.as('siteAdmin'), payload: { until: null } });
      assert.equal(cleared.statusCode, 200);
      assert.equal((await disclosure())?.due_at, policyDefault.due_at);

      const audit = await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', 'report.embargo').orderBy('seq').execute();
      assert.deepEqual(
        audit.map((a) => (a.data as { to: string | null }).to),
        ['2026-04-15T12:00:00Z', '2026-05-01T00:00:00Z', null],
      );
      assert.equal((audit[1]?.data as { from: string }).from, '2026-04-15T12:00:00.000Z');
    });
  });
}
