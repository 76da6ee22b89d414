import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { twoInstancesOnOnePostgres } from '../support/runtime-from-env.ts';
import { ADV, advisoryContent, api, createAdvisory, fixedReport, move, type AdvisoryJson } from '../support/advisory-fixtures.ts';
import { publishAdvisoriesJob } from '../../src/jobs/publish-advisories.ts';
import { JOBS } from '../../src/jobs/index.ts';
import { openJson } from '../../src/adapters/crypto/sealer.ts';
import { outboxAad, type SealedEnvelope } from '../../src/services/mail/outbox.ts';

const DAY = 86_400_000;
const EMBARGO = '2026-03-12T09:00:00Z';

async function counts(rt: TestServer, publicId: string) {
  const row = await rt.ctx.db.selectFrom('advisories').select(['id', 'state', 'revision']).where('public_id', '=', publicId).executeTakeFirstOrThrow();
  const revisions = await rt.ctx.db.selectFrom('advisory_revisions').select('state').where('advisory_id', '=', row.id).execute();
  const audits = (await rt.ctx.db.selectFrom('audit_log').select(['action', 'data', 'actor']).execute()).filter(
    (r) => r.action === 'advisory.publish' && (r.data as { advisory?: string }).advisory === publicId,
  );
  return { state: row.state, revisionRows: revisions.filter((r) => r.state === 'published').length, publishAudits: audits };
}

/** A scheduled advisory drafted from a fixed report, embargoed until EMBARGO. */
async function scheduledFromReport(rt: TestServer, world: World) {
  const report = await fixedReport(rt, world);
  const res = await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: report.trackingId, embargo_until: EMBARGO });
  assert.equal(res.statusCode, 201, res.body);
  const a = res.json() as AdvisoryJson;
  await move(rt, world, a.advisory.id, 'in-review');
  const scheduled = await move(rt, world, a.advisory.id, 'scheduled');
  assert.equal(scheduled.advisory.state, 'scheduled');
  return { ...report, id: a.advisory.id };
}

/** A scheduled advisory from a fixed report, embargoed until `at` (whole seconds). */
async function scheduledAt(rt: TestServer, world: World, at: Date) {
  const embargo = `${at.toISOString().slice(0, 19)}Z`;
  const report = await fixedReport(rt, world);
  const res = await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: report.trackingId, embargo_until: embargo });
  assert.equal(res.statusCode, 201, res.body);
  const a = res.json() as AdvisoryJson;
  await move(rt, world, a.advisory.id, 'in-review');
  await move(rt, world, a.advisory.id, 'scheduled');
  return { ...report, id: a.advisory.id, embargo };
}

async function reporterDisclosure(rt: TestServer, token: string) {
  const body = (await rt.app.inject({ url: `/api/v1/reporter/${token}` })).json() as { deadlines: { clock: string; status: string; met_at?: string }[] };
  return body.deadlines.find((d) => d.clock === 'disclosure');
}

test('the publish job is registered with the background jobs', () => {
  assert.ok(JOBS.includes(publishAdvisoriesJob));
});

for (const engine of ENGINES) {
  describe(`scheduled publication on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test('scheduling syncs the report embargo (audited, the reporter sees it); the job publishes at the date, once', async () => {
      const s = await scheduledFromReport(rt, world);
      const report = await rt.ctx.db.selectFrom('reports').select(['id', 'embargo_until', 'state']).where('tracking_id', '=', s.trackingId).executeTakeFirstOrThrow();
      assert.equal(report.embargo_until?.toISOString(), new Date(EMBARGO).toISOString());
      const embargoAudit = await rt.ctx.db.selectFrom('audit_log').select(['data']).where('action', '=', 'report.embargo').where('report_id', '=', report.id).execute();
      assert.equal(embargoAudit.length, 1);
      assert.equal((embargoAudit[0]!.data as { to: string }).to, EMBARGO);
      const reporterView = await rt.app.inject({ url: `/api/v1/reporter/${s.reporterToken}` });
      const body = reporterView.json() as { deadlines: { clock: string; due_at: string; promise: string }[] };
      const disclosure = body.deadlines.find((d) => d.clock === 'disclosure');
      assert.match(disclosure?.promise ?? '', /agreed embargo/, JSON.stringify(body.deadlines));
      assert.equal(new Date(disclosure?.due_at ?? 0).toISOString(), new Date(EMBARGO).toISOString(), 'the disclosure clock counts to the advisory date');

      const edit = await api(rt, world, 'PUT', `${ADV}/${s.id}`, { title: 'changed' });
      assert.equal(edit.statusCode, 409, 'a scheduled advisory is frozen');
      const early = await api(rt, world, 'POST', `${ADV}/${s.id}/transitions`, { to: 'published' });
      assert.equal(early.statusCode, 409, 'no manual publication before the embargo date');

      assert.equal(await publishAdvisoriesJob.tick(rt.ctx), 0, 'nothing is due before the date');
      assert.equal((await rt.app.inject({ url: `/projects/privastream/advisories/${s.id}` })).statusCode, 404);

      rt.clock.advance(10 * DAY);
      const ran = await rt.jobs.runAllOnce();
      assert.equal(ran['publish-advisories'], 1);
      assert.equal(await publishAdvisoriesJob.tick(rt.ctx), 0, 'a second tick finds nothing');

      const c = await counts(rt, s.id);
      assert.equal(c.state, 'published');
      assert.equal(c.revisionRows, 1);
      assert.equal(c.publishAudits.length, 1);
      assert.equal(c.publishAudits[0]!.actor, 'job:publish-advisories');
      const after = await rt.ctx.db.selectFrom('reports').select('state').where('id', '=', report.id).executeTakeFirstOrThrow();
      assert.equal(after.state, 'disclosed', 'publication discloses the fixed report');
      const mails = await rt.ctx.db.selectFrom('outbox').select(['id', 'envelope_sealed', 'key_id']).where('report_id', '=', report.id).where('kind', '=', 'advisory-published').execute();
      assert.equal(mails.length, 1, 'the reporter is told, in the publish transaction');
      const envelope = openJson<SealedEnvelope>(rt.ctx.sealer, mails[0]!.key_id, mails[0]!.envelope_sealed, outboxAad(mails[0]!.id));
      assert.equal(envelope.to, 'ada@example.org');
      assert.match(envelope.subject, new RegExp(`Advisory published: ${s.id}`));
      assert.match(envelope.text, new RegExp(`https://embargo.test/projects/privastream/advisories/${s.id}`));
      assert.match(envelope.text, /credited as: Ada R\./);
      assert.equal((await rt.app.inject({ url: `/projects/privastream/advisories/${s.id}` })).statusCode, 200);

      const view = await api(rt, world, 'GET', `${ADV}/${s.id}`);
      const doc = (view.json() as AdvisoryJson).advisory;
      assert.equal(doc.state, 'published');
      assert.equal(doc.published_at, '2026-03-12T09:00:00Z');
      assert.deepEqual(doc.credits, [{ name: 'Ada R.', type: 'finder' }]);
    });

    test('an advisory that cannot be published does not hold back the ones due after it', async () => {
      const base = rt.clock.now.getTime();
      const make = async (offsetMs: number) => {
        const a = await createAdvisory(rt, world, advisoryContent({ embargo_until: new Date(base + offsetMs).toISOString() }));
        await move(rt, world, a.advisory.id, 'in-review');
        await move(rt, world, a.advisory.id, 'scheduled');
        return a.advisory.id;
      };
      const broken = await make(DAY);
      const fine = await make(2 * DAY);
      // Its sealed document no longer opens (as after losing the key it was sealed with).
      await rt.ctx.db.updateTable('advisories').set({ key_id: 'lost-key' }).where('public_id', '=', broken).execute();
      rt.clock.advance(3 * DAY);
      await assert.rejects(publishAdvisoriesJob.tick(rt.ctx), /published 1, 1 failed/);
      assert.equal((await counts(rt, fine)).state, 'published');
      assert.equal((await counts(rt, broken)).state, 'scheduled', 'the failed claim rolled back');
    });

    test('unscheduling returns to review; scheduling needs a future date', async () => {
      const a = await createAdvisory(rt, world, advisoryContent({ embargo_until: '2026-01-01T00:00:00Z' }));
      await move(rt, world, a.advisory.id, 'in-review');
      const past = await api(rt, world, 'POST', `${ADV}/${a.advisory.id}/transitions`, { to: 'scheduled' });
      assert.equal(past.statusCode, 400, past.body);
      await api(rt, world, 'PUT', `${ADV}/${a.advisory.id}`, { embargo_until: new Date(rt.clock.now.getTime() + DAY).toISOString() });
      await move(rt, world, a.advisory.id, 'scheduled');
      const triager = await api(rt, world, 'POST', `${ADV}/${a.advisory.id}/transitions`, { to: 'in-review' }, 'triager');
      assert.equal(triager.statusCode, 403, 'unscheduling is a publisher decision');
      assert.equal((await move(rt, world, a.advisory.id, 'in-review')).advisory.state, 'in-review');
    });
  });
}

for (const engine of ENGINES) {
  describe(`scheduled publication meets the agreed disclosure date on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test('a publication the job makes within its grace after the embargo instant is dated at that instant and meets the disclosure deadline', async () => {
      const s = await scheduledAt(rt, world, new Date(rt.clock.now.getTime() + 10 * DAY));
      rt.clock.advance(10 * DAY + 45_000); // the job ticks once a minute: it runs up to a minute after the instant
      assert.equal(await publishAdvisoriesJob.tick(rt.ctx), 1);
      const doc = (await api(rt, world, 'GET', `${ADV}/${s.id}`)).json() as AdvisoryJson;
      assert.equal(doc.advisory.published_at, s.embargo, 'dated at the scheduled instant');
      const disclosure = await reporterDisclosure(rt, s.reporterToken);
      assert.equal(disclosure?.status, 'met', JSON.stringify(disclosure));
      assert.equal(disclosure?.met_at && new Date(disclosure.met_at).toISOString(), new Date(s.embargo).toISOString());
    });

    test('a publication long after the instant (the server was down) is dated when it happened and stays a missed deadline', async () => {
      const s = await scheduledAt(rt, world, new Date(rt.clock.now.getTime() + 10 * DAY));
      rt.clock.advance(10 * DAY + 3 * 3_600_000);
      assert.equal(await publishAdvisoriesJob.tick(rt.ctx), 1);
      const doc = (await api(rt, world, 'GET', `${ADV}/${s.id}`)).json() as AdvisoryJson;
      assert.equal(doc.advisory.published_at, `${rt.clock.now.toISOString().slice(0, 19)}Z`);
      const disclosure = await reporterDisclosure(rt, s.reporterToken);
      assert.equal(disclosure?.status, 'breached', JSON.stringify(disclosure));
    });
  });
}

const postgres = ENGINES.find((e) => e.name === 'postgres');
if (postgres) {
  describe('two servers on one PostgreSQL database', () => {
    const servers = twoInstancesOnOnePostgres(postgres);

    test('both tick concurrently at the embargo date: each advisory is published exactly once', async () => {
      const { first, second, world } = servers;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await scheduledFromReport(first, world)).id);
      first.clock.advance(10 * DAY);
      second.clock.advance(10 * DAY);
      const results = await Promise.all([
        publishAdvisoriesJob.tick(first.ctx),
        publishAdvisoriesJob.tick(second.ctx),
        publishAdvisoriesJob.tick(first.ctx),
        publishAdvisoriesJob.tick(second.ctx),
      ]);
      assert.equal(results.reduce((x, y) => x + y, 0), ids.length, `ticks published ${results.join('+')}`);
      for (const id of ids) {
        const c = await counts(second, id);
        assert.equal(c.state, 'published');
        assert.equal(c.revisionRows, 1, `${id}: one publication revision`);
        assert.equal(c.publishAudits.length, 1, `${id}: one audit entry`);
      }
      const mails = await second.ctx.db.selectFrom('outbox').select('id').where('kind', '=', 'advisory-published').execute();
      assert.equal(mails.length, ids.length, 'one mail per publication');
      const verify = await second.app.inject({ url: '/api/v1/audit/verify', headers: world.as('siteAdmin') });
      assert.equal((verify.json() as { ok: boolean }).ok, true, verify.body);
    });
  });
}
