import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { ADV, advisoryContent, api, fixedReport, move, type AdvisoryJson } from '../support/advisory-fixtures.ts';
import { publishAdvisoriesJob } from '../../src/jobs/publish-advisories.ts';

const DAY = 86_400_000;
const REPORTS = '/api/v1/projects/privastream/reports';

/**
 * The agreed embargo lives on the report (PUT …/reports/{id}/embargo) and on its scheduled advisory. Moving the
 * report's date must move the advisory's publication with it: an advisory left on the old date would publish
 * before the date agreed with the reporter.
 */
async function scheduled(rt: TestServer, world: World) {
  const report = await fixedReport(rt, world);
  const embargo = new Date(rt.clock.now.getTime() + 10 * DAY).toISOString();
  const res = await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: report.trackingId, embargo_until: embargo });
  assert.equal(res.statusCode, 201, res.body);
  const a = res.json() as AdvisoryJson;
  await move(rt, world, a.advisory.id, 'in-review');
  await move(rt, world, a.advisory.id, 'scheduled');
  return { ...report, id: a.advisory.id };
}

const advisoryOf = async (rt: TestServer, world: World, id: string) => (await api(rt, world, 'GET', `${ADV}/${id}`)).json() as AdvisoryJson;

for (const engine of ENGINES) {
  describe(`a scheduled advisory follows its report's embargo on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test('a later date postpones publication (audited); the job does not publish on the old date', async () => {
      const s = await scheduled(rt, world);
      const later = new Date(rt.clock.now.getTime() + 30 * DAY).toISOString();
      const res = await rt.app.inject({ method: 'PUT', url: `${REPORTS}/${s.trackingId}/embargo`, headers: world.as('triager'), payload: { until: later } });
      assert.equal(res.statusCode, 200, res.body);
      const a = await advisoryOf(rt, world, s.id);
      assert.equal(a.advisory.state, 'scheduled');
      assert.equal(new Date(a.advisory.embargo_until ?? 0).toISOString(), new Date(later).toISOString());
      const audit = await rt.ctx.db.selectFrom('audit_log').select(['data']).where('action', '=', 'advisory.reschedule').execute();
      assert.ok(audit.some((r) => (r.data as { advisory?: string }).advisory === s.id), 'the advisory move is audited');

      rt.clock.advance(11 * DAY); // past the old date, before the new one
      assert.equal(await publishAdvisoriesJob.tick(rt.ctx), 0, 'nothing publishes on the old date');
      assert.equal((await advisoryOf(rt, world, s.id)).advisory.state, 'scheduled');
      rt.clock.advance(30 * DAY);
      assert.equal(await publishAdvisoriesJob.tick(rt.ctx), 1);
    });

    test('a date-only embargo publishes at the end of that day in the policy time zone, as the SLA clock reads it', async () => {
      const s = await scheduled(rt, world);
      const res = await rt.app.inject({ method: 'PUT', url: `${REPORTS}/${s.trackingId}/embargo`, headers: world.as('triager'), payload: { until: '2027-06-30' } });
      assert.equal(res.statusCode, 200, res.body);
      const due = Date.parse((await advisoryOf(rt, world, s.id)).advisory.embargo_until ?? '');
      const reporter = (await rt.app.inject({ url: `/api/v1/reporter/${s.reporterToken}` })).json() as { deadlines: { clock: string; due_at: string }[] };
      const disclosure = reporter.deadlines.find((d) => d.clock === 'disclosure');
      assert.equal(new Date(due).toISOString(), new Date(disclosure?.due_at ?? 0).toISOString());
      assert.ok(due > Date.parse('2027-06-30T00:00:00Z'), 'not at the start of the day');
    });

    test('clearing the embargo takes the advisory off the schedule (back to review): no agreed date, no automatic publication', async () => {
      const s = await scheduled(rt, world);
      const res = await rt.app.inject({ method: 'PUT', url: `${REPORTS}/${s.trackingId}/embargo`, headers: world.as('triager'), payload: { until: null } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await advisoryOf(rt, world, s.id)).advisory.state, 'in-review');
      rt.clock.advance(365 * DAY);
      assert.equal(await publishAdvisoriesJob.tick(rt.ctx), 0);
    });
  });
}
