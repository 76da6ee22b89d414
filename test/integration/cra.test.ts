import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, type World } from '../support/fixtures.ts';
import { ADV, api } from '../support/advisory-fixtures.ts';
import { enableCra } from '../support/cra.ts';
import { sendDueReminders } from '../../src/services/mail/reminders.ts';
import { dispatchEvents } from '../../src/services/events/dispatch.ts';
import type { CraViewJson } from '../../src/api/schemas/cra.ts';

/** CRA Article 14 reporting (docs/cra.md): marking, the three clocks in the SLA view and reminders, drafts, filings. */
const P = '/api/v1/projects/privastream';
const HOUR = 3_600_000;

for (const engine of ENGINES) {
  describe(`CRA Article 14 (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    const cra = async (trackingId: string): Promise<CraViewJson> => {
      const res = await rt.app.inject({ method: 'GET', url: `${P}/reports/${trackingId}/cra`, headers: world.as('viewer') });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as CraViewJson;
    };
    const mark = (trackingId: string, payload: Record<string, unknown>, persona: 'triager' | 'viewer' = 'triager') =>
      rt.app.inject({ method: 'PUT', url: `${P}/reports/${trackingId}/exploitation`, headers: world.as(persona), payload });
    const file = (trackingId: string, payload: Record<string, unknown>) => rt.app.inject({ method: 'POST', url: `${P}/reports/${trackingId}/cra/filings`, headers: world.as('triager'), payload });

    test('a project whose policy does not declare CRA reporting cannot mark a report (409)', async () => {
      const { tracking_id } = await submit(rt);
      const res = await mark(tracking_id, { actively_exploited: true, aware_at: rt.clock.now.toISOString() });
      assert.equal(res.statusCode, 409, res.body);
      assert.equal((await cra(tracking_id)).applies, false);
    });

    test('marking starts 24 h / 72 h clocks from awareness; they join the SLA view, reminders and the audit log; filing meets them', async () => {
      await enableCra(rt);
      const { tracking_id, reporter_token } = await submit(rt);
      assert.equal((await mark(tracking_id, { actively_exploited: true })).statusCode, 400, 'aware_at is required');
      assert.equal((await mark(tracking_id, { actively_exploited: true, aware_at: new Date(rt.clock.now.getTime() + HOUR).toISOString() })).statusCode, 400, 'not in the future');
      assert.equal((await mark(tracking_id, { actively_exploited: true, aware_at: rt.clock.now.toISOString() }, 'viewer')).statusCode, 403);
      const awareAt = new Date(rt.clock.now.getTime() - 2 * HOUR).toISOString();
      const marked = await mark(tracking_id, { actively_exploited: true, aware_at: awareAt });
      assert.equal(marked.statusCode, 200, marked.body);
      const view = marked.json() as CraViewJson;
      assert.equal(view.applies, true);
      assert.equal(view.aware_at, awareAt);
      const due = Object.fromEntries(view.deadlines.map((d) => [d.clock, d.due_at]));
      assert.deepEqual(due, { 'cra-early-warning': new Date(Date.parse(awareAt) + 24 * HOUR).toISOString(), 'cra-notification': new Date(Date.parse(awareAt) + 72 * HOUR).toISOString() });
      assert.equal(view.drafts.find((d) => d.stage === 'final-report')?.due_at, null, 'no final report is due before a fix exists');

      // The maintainers hear of it at the next reminders tick (24 h "due soon" by default): the events seam mails them.
      assert.ok((await sendDueReminders(rt.ctx, 24 * HOUR)) >= 1);
      const raised = await rt.ctx.db.selectFrom('project_events').select(['id', 'data']).where('type', '=', 'report.deadline_due').execute();
      assert.ok(raised.some((e) => JSON.stringify(e.data).includes('"deadline":"cra-early-warning"') && JSON.stringify(e.data).includes(tracking_id)));
      await dispatchEvents(rt.ctx);
      const mails = await rt.ctx.db.selectFrom('outbox').select(['id', 'kind', 'key_id', 'envelope_sealed']).where('kind', '=', 'reminder-due-soon').execute();
      assert.ok(mails.length >= 1, 'a due-soon mail to the maintainers');
      const sla = await rt.app.inject({ method: 'GET', url: `${P}/sla`, headers: world.as('viewer') });
      const entries = (sla.json() as { deadlines: { tracking_id: string; clock: string }[] }).deadlines.filter((e) => e.tracking_id === tracking_id).map((e) => e.clock);
      assert.ok(entries.includes('cra-early-warning') && entries.includes('cra-notification'), JSON.stringify(entries));

      // The maintainers' report page lists them; the statutory clocks are never shown to the reporter (REPORTER_VISIBLE).
      const detail = await rt.app.inject({ method: 'GET', url: `${P}/reports/${tracking_id}`, headers: world.as('triager') });
      assert.ok((detail.json() as { deadlines: { clock: string }[] }).deadlines.some((d) => d.clock === 'cra-early-warning'));
      const reporter = await rt.app.inject({ method: 'GET', url: `/api/v1/reporter/${reporter_token}` });
      assert.equal(reporter.statusCode, 200, reporter.body);
      assert.ok(!reporter.body.includes('cra-'), 'the reporter sees no CRA clock');
      assert.ok(reporter.body.includes('acknowledge'), 'but still the promises made to them');

      const text = await rt.app.inject({ method: 'GET', url: `${P}/reports/${tracking_id}/cra/drafts/early-warning?format=text`, headers: world.as('viewer') });
      assert.equal(text.statusCode, 200, text.body);
      assert.match(text.headers['content-type'] as string, /^text\/plain/);
      assert.match(text.body, /member_states\[1\]: DE/);
      assert.match(text.body, /manufacturer\.name: Privastream GmbH/);
      assert.match(text.body, /actively_exploited: true/);
      const json = await rt.app.inject({ method: 'GET', url: `${P}/reports/${tracking_id}/cra/drafts/notification`, headers: world.as('viewer') });
      assert.equal(json.statusCode, 200, json.body);
      assert.deepEqual((json.json() as { content: { member_states: string[] } }).content.member_states, ['DE', 'FR', 'NL']);

      const filed = await file(tracking_id, { stage: 'early-warning', filed_at: rt.clock.now.toISOString(), reference: 'EUVD-EW-2026-0001' });
      assert.equal(filed.statusCode, 200, filed.body);
      const afterFiling = filed.json() as CraViewJson;
      assert.equal(afterFiling.deadlines.find((d) => d.clock === 'cra-early-warning')?.status, 'met');
      assert.deepEqual(afterFiling.drafts.find((d) => d.stage === 'early-warning')?.filed, { filed_at: rt.clock.now.toISOString(), reference: 'EUVD-EW-2026-0001' });

      rt.clock.advance(80 * HOUR);
      assert.ok((await sendDueReminders(rt.ctx, 24 * HOUR)) >= 1);
      const events = await rt.ctx.db.selectFrom('project_events').select(['type', 'data']).where('type', '=', 'report.deadline_missed').execute();
      assert.ok(events.some((e) => JSON.stringify(e.data).includes('cra-notification') && JSON.stringify(e.data).includes(tracking_id)), 'the missed notification is raised to the maintainers');
      assert.equal((await cra(tracking_id)).deadlines.find((d) => d.clock === 'cra-notification')?.status, 'breached');

      const audit = await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', 'in', ['report.exploitation', 'report.cra_filed']).execute();
      assert.ok(audit.some((a) => a.action === 'report.exploitation'));
      assert.ok(audit.some((a) => a.action === 'report.cra_filed' && JSON.stringify(a.data).includes('EUVD-EW-2026-0001')));
    });

    test("the final report's 14 days start when the report's advisory names a fixed version, and stay owed after the report closes", async () => {
      await enableCra(rt);
      const { tracking_id } = await submit(rt);
      assert.equal((await mark(tracking_id, { actively_exploited: true, aware_at: rt.clock.now.toISOString() })).statusCode, 200);
      const made = await api(rt, world, 'POST', ADV, { report: tracking_id, ecosystem: 'PyPI', package: 'privastream' });
      assert.equal(made.statusCode, 201, made.body);
      const id = (made.json() as { advisory: { id: string } }).advisory.id;
      rt.clock.advance(HOUR);
      const fixedAt = rt.clock.now.toISOString();
      const edited = await api(rt, world, 'PUT', `${ADV}/${id}`, { affected: [{ ecosystem: 'PyPI', package: 'privastream', branches: [{ branch: '1.0.x', status: 'fixed', fixed: '1.0.4' }] }] });
      assert.equal(edited.statusCode, 200, edited.body);
      const view = await cra(tracking_id);
      assert.equal(view.fix_available_at, fixedAt);
      const final = view.drafts.find((d) => d.stage === 'final-report');
      assert.equal(final?.due_at, new Date(Date.parse(fixedAt) + 14 * 24 * HOUR).toISOString());
      assert.deepEqual((final?.content as { security_update: string[] }).security_update, ['privastream 1.0.4']);

      const rejected = await rt.app.inject({ method: 'POST', url: `${P}/reports/${tracking_id}/transitions`, headers: world.as('triager'), payload: { to: 'rejected', reason: 'out-of-scope' } });
      assert.equal(rejected.statusCode, 200, rejected.body);
      const indexed = await rt.ctx.db.selectFrom('report_deadlines as d').innerJoin('reports as r', 'r.id', 'd.report_id').select('d.clock').where('r.tracking_id', '=', tracking_id).execute();
      assert.deepEqual(indexed.map((d) => d.clock).sort(), ['cra-early-warning', 'cra-final-report', 'cra-notification']);
      const queue = await rt.app.inject({ method: 'GET', url: `${P}/reports?state=rejected`, headers: world.as('viewer') });
      assert.equal(queue.statusCode, 200, queue.body);
      const row = (queue.json() as { reports: { tracking_id: string; next_deadline: { clock: string } | null }[] }).reports.find((r) => r.tracking_id === tracking_id);
      assert.match(row?.next_deadline?.clock ?? '', /^cra-/, 'the queue names what a rejected report still owes');
    });

    test('a severe incident owes its final report one month after the notification was filed', async () => {
      await enableCra(rt);
      const { tracking_id } = await submit(rt);
      const aware = rt.clock.now.toISOString();
      assert.equal((await mark(tracking_id, { actively_exploited: false, severe_incident: true, aware_at: aware })).statusCode, 200);
      assert.equal((await file(tracking_id, { stage: 'notification', filed_at: aware, reference: 'INC-7' })).statusCode, 200);
      const final = (await cra(tracking_id)).deadlines.find((d) => d.clock === 'cra-final-report');
      const d = new Date(aware);
      assert.equal(final?.due_at, new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds())).toISOString());
      const unmarked = await mark(tracking_id, { actively_exploited: false, severe_incident: false });
      assert.equal(unmarked.statusCode, 200, unmarked.body);
      assert.deepEqual((unmarked.json() as CraViewJson).deadlines, []);
    });
  });
}
