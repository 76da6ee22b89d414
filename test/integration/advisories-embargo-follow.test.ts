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

  describe(`an advisory not yet scheduled follows its report's embargo unless given its own, on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    const setReportEmbargo = async (trackingId: string, until: string | null) => {
      const res = await rt.app.inject({ method: 'PUT', url: `${REPORTS}/${trackingId}/embargo`, headers: world.as('triager'), payload: { until } });
      assert.equal(res.statusCode, 200, res.body);
    };
    type Followed = AdvisoryJson & { embargo_follows_report: boolean };

    test('cleared on the report, the advisory\'s copied date goes too, and it can be published (was a 409 "under embargo")', async () => {
      const report = await fixedReport(rt, world);
      const date = new Date(rt.clock.now.getTime() + 20 * DAY).toISOString();
      await setReportEmbargo(report.trackingId, date);
      const created = await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: report.trackingId });
      assert.equal(created.statusCode, 201, created.body);
      const a = created.json() as Followed;
      assert.equal(a.embargo_follows_report, true);
      assert.equal(new Date(a.advisory.embargo_until ?? 0).toISOString(), date, 'the report\'s date, visible in the view');
      // A form sends every field back: the same date is not a date of its own.
      const resaved = await api(rt, world, 'PUT', `${ADV}/${a.advisory.id}`, { title: 'Retitled', embargo_until: a.advisory.embargo_until });
      assert.equal((resaved.json() as Followed).embargo_follows_report, true, resaved.body);
      await move(rt, world, a.advisory.id, 'in-review');

      const later = new Date(rt.clock.now.getTime() + 40 * DAY).toISOString();
      await setReportEmbargo(report.trackingId, later);
      assert.equal(new Date((await advisoryOf(rt, world, a.advisory.id)).advisory.embargo_until ?? 0).toISOString(), later, 'moves with the report in review');

      await setReportEmbargo(report.trackingId, null);
      const cleared = await advisoryOf(rt, world, a.advisory.id);
      assert.equal(cleared.advisory.embargo_until, null);
      assert.equal(cleared.advisory.state, 'in-review');
      const published = await api(rt, world, 'POST', `${ADV}/${a.advisory.id}/transitions`, { to: 'published' });
      assert.equal(published.statusCode, 200, published.body);
    });

    test('a date set on the advisory is its own: the report\'s changes leave it; following can be resumed', async () => {
      const report = await fixedReport(rt, world);
      await setReportEmbargo(report.trackingId, new Date(rt.clock.now.getTime() + 20 * DAY).toISOString());
      const a = (await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: report.trackingId })).json() as Followed;
      const own = '2027-01-15T12:00:00Z';
      const edited = await api(rt, world, 'PUT', `${ADV}/${a.advisory.id}`, { embargo_until: own });
      assert.equal(edited.statusCode, 200, edited.body);
      assert.equal((edited.json() as Followed).embargo_follows_report, false);
      await setReportEmbargo(report.trackingId, new Date(rt.clock.now.getTime() + 50 * DAY).toISOString());
      assert.equal((await advisoryOf(rt, world, a.advisory.id)).advisory.embargo_until, own, 'its own date stays');

      const resumed = await api(rt, world, 'PUT', `${ADV}/${a.advisory.id}`, { embargo_follows_report: true });
      assert.equal(resumed.statusCode, 200, resumed.body);
      const view = resumed.json() as Followed;
      assert.equal(view.embargo_follows_report, true);
      assert.equal(new Date(view.advisory.embargo_until ?? 0).toISOString(), new Date(rt.clock.now.getTime() + 50 * DAY).toISOString());
      const audit = await rt.ctx.db.selectFrom('audit_log').select(['data']).where('action', '=', 'advisory.update').execute();
      assert.ok(audit.some((r) => JSON.stringify(r.data).includes('embargo_follows_report')), 'the switch is audited');
    });

    test('an advisory created with its own date does not follow', async () => {
      const report = await fixedReport(rt, world);
      const a = (await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: report.trackingId, embargo_until: '2027-02-01T00:00:00Z' })).json() as Followed;
      assert.equal(a.embargo_follows_report, false);
      await setReportEmbargo(report.trackingId, '2027-03-01');
      assert.equal((await advisoryOf(rt, world, a.advisory.id)).advisory.embargo_until, '2027-02-01T00:00:00Z');
    });
  });
}
