import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, validReport, type World } from '../support/fixtures.ts';
import { ADV, advisoryContent, api, createAdvisory, fixedReport, move, publishedAdvisory, type AdvisoryJson } from '../support/advisory-fixtures.ts';
import { validators } from '../unit/formats/schema-validators.ts';
import { runCsafMandatoryTests } from '../../src/core/formats/csaf-mandatory-tests.ts';

const CNA = '8254265b-2729-46b6-b9e3-3dfca2d5bfca';

const auditActions = async (rt: TestServer, advisory: string) =>
  (await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).orderBy('seq').execute())
    .filter((r) => (r.data as { advisory?: string }).advisory === advisory)
    .map((r) => r.action);

for (const engine of ENGINES) {
  describe(`advisories API on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine, { EMBARGO_CVE_ORG_ID: CNA, EMBARGO_CVE_SHORT_NAME: 'embargo-test' });
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test('from a report: title, CVSS, credit and the supported branches are pre-filled; sealed at rest until published', async () => {
      const { trackingId } = await fixedReport(rt, world, validReport({ title: 'Zebra-unique path traversal title', cvss_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }));
      const res = await api(rt, world, 'POST', ADV, { report: trackingId, ecosystem: 'PyPI', package: 'privastream' });
      assert.equal(res.statusCode, 201, res.body);
      const view = res.json() as AdvisoryJson;
      assert.match(view.advisory.id, /^PRIV-SA-2026-\d{4}$/);
      assert.equal(view.advisory.title, 'Zebra-unique path traversal title');
      assert.equal(view.advisory.state, 'draft');
      assert.equal(view.report_tracking_id, trackingId);
      assert.deepEqual(view.advisory.credits, [{ name: 'Ada R.', type: 'finder' }]);
      assert.deepEqual((view.advisory.cvss as { v3: string }).v3, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N');
      assert.deepEqual((view.advisory.affected as unknown[])[0], { ecosystem: 'PyPI', package: 'privastream', branches: [{ branch: '1.0.x', status: 'affected' }] });
      assert.ok(view.problems.some((p) => p.field === 'details'), 'an incomplete draft is saved and says what is missing');

      const row = await rt.ctx.db.selectFrom('advisories').selectAll().where('public_id', '=', view.advisory.id).executeTakeFirstOrThrow();
      assert.equal(row.document, null);
      assert.equal(row.title, null);
      assert.equal(row.credits, null);
      assert.ok(row.document_sealed);
      assert.ok(!Buffer.from(row.document_sealed).toString('latin1').includes('Zebra-unique'), 'the title is not in the clear');
      const revs = await rt.ctx.db.selectFrom('advisory_revisions').selectAll().where('advisory_id', '=', row.id).execute();
      assert.equal(revs.length, 1);
      assert.ok(!Buffer.from(revs[0]!.document_sealed).toString('latin1').includes('Zebra-unique'));

      const again = await api(rt, world, 'POST', ADV, { report: trackingId });
      assert.equal(again.statusCode, 409, 'one advisory per report');
    });

    test('an anonymous reporter is credited without a name', async () => {
      const { trackingId } = await fixedReport(rt, world, validReport({ credit_choice: 'anonymous', credit_name: null }));
      const res = await api(rt, world, 'POST', ADV, { report: trackingId });
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual((res.json() as AdvisoryJson).advisory.credits, [{ name: null, type: 'finder' }]);
    });

    test('workflow: draft → in-review needs a valid advisory; edits are revisions; publish, amend, withdraw; all audited', async () => {
      const draft = await createAdvisory(rt, world, { title: 'Incomplete' });
      const id = draft.advisory.id;
      const refused = await api(rt, world, 'POST', `${ADV}/${id}/transitions`, { to: 'in-review' });
      assert.equal(refused.statusCode, 400, refused.body);
      const filled = await api(rt, world, 'PUT', `${ADV}/${id}`, advisoryContent(), 'triager');
      assert.equal(filled.statusCode, 200, filled.body);
      assert.deepEqual((filled.json() as AdvisoryJson).problems, []);
      assert.equal((filled.json() as AdvisoryJson).revision, 2);
      await move(rt, world, id, 'in-review');
      const invalid = await api(rt, world, 'PUT', `${ADV}/${id}`, { cwe_ids: ['CWE-99999'] });
      assert.equal(invalid.statusCode, 400, 'in review, every save must be valid');

      const triagerPublish = await api(rt, world, 'POST', `${ADV}/${id}/transitions`, { to: 'published' }, 'triager');
      assert.equal(triagerPublish.statusCode, 403);
      const published = await move(rt, world, id, 'published');
      assert.equal(published.advisory.state, 'published');
      assert.deepEqual(published.advisory.revisions.map((r) => r.number), [1]);
      const row = await rt.ctx.db.selectFrom('advisories').selectAll().where('public_id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.document_sealed, null);
      assert.equal(row.title, advisoryContent().title);
      assert.deepEqual(row.credits, [{ name: 'Ada R.', type: 'finder', report: null }]);
      assert.ok(row.published_at);

      const noNote = await api(rt, world, 'PUT', `${ADV}/${id}`, { summary: 'Corrected summary.' });
      assert.equal(noNote.statusCode, 400, 'an amendment must say what changed');
      const amended = await api(rt, world, 'PUT', `${ADV}/${id}`, { summary: 'Corrected summary.', note: 'Corrected the summary' });
      assert.equal(amended.statusCode, 200, amended.body);
      assert.equal((amended.json() as AdvisoryJson).advisory.state, 'amended');
      assert.deepEqual((amended.json() as AdvisoryJson).advisory.revisions.map((r) => r.summary), ['Initial public release', 'Corrected the summary']);
      const withdrawn = await move(rt, world, id, 'withdrawn', 'Not a vulnerability after all');
      assert.equal(withdrawn.advisory.state, 'withdrawn');
      assert.equal(withdrawn.advisory.revisions.length, 3);

      const revisions = await api(rt, world, 'GET', `${ADV}/${id}/revisions`, undefined, 'viewer');
      assert.equal(revisions.statusCode, 200);
      assert.deepEqual(
        (revisions.json() as { revisions: { number: number; state: string }[] }).revisions.map((r) => [r.number, r.state]),
        [[1, 'draft'], [2, 'draft'], [3, 'in-review'], [4, 'published'], [5, 'amended'], [6, 'withdrawn']],
      );
      assert.deepEqual(
        (await auditActions(rt, id)).filter((a) => a !== 'advisory.read'),
        ['advisory.create', 'advisory.update', 'advisory.transition', 'advisory.publish', 'advisory.amend', 'advisory.withdraw'],
      );
    });

    test('reading an unpublished advisory (view, export, revisions) is audited; reading a public one is not', async () => {
      const a = await createAdvisory(rt, world);
      const id = a.advisory.id;
      await api(rt, world, 'GET', `${ADV}/${id}`, undefined, 'viewer');
      await api(rt, world, 'GET', `${ADV}/${id}?format=csaf`, undefined, 'viewer');
      await api(rt, world, 'GET', `${ADV}/${id}/revisions`, undefined, 'viewer');
      const reads = async () =>
        (await rt.ctx.db.selectFrom('audit_log').select(['action', 'data', 'actor']).where('action', '=', 'advisory.read').execute())
          .filter((r) => (r.data as { advisory?: string }).advisory === id)
          .map((r) => [(r.data as { what: string }).what, r.actor.startsWith('user:')]);
      assert.deepEqual(await reads(), [['view', true], ['export:csaf', true], ['revisions', true]]);
      await move(rt, world, id, 'in-review');
      await move(rt, world, id, 'published');
      await api(rt, world, 'GET', `${ADV}/${id}`, undefined, 'viewer');
      await api(rt, world, 'GET', `${ADV}/${id}?format=osv`, undefined, 'viewer');
      assert.equal((await reads()).length, 3, 'public content is not embargoed');
    });

    test('viewers read, cannot edit; unknown ids are 404; the list shows every state to members', async () => {
      const a = await createAdvisory(rt, world);
      assert.equal((await api(rt, world, 'GET', `${ADV}/${a.advisory.id}`, undefined, 'viewer')).statusCode, 200);
      assert.equal((await api(rt, world, 'PUT', `${ADV}/${a.advisory.id}`, { title: 'x' }, 'viewer')).statusCode, 403);
      assert.equal((await api(rt, world, 'GET', `${ADV}/PRIV-SA-2026-9999`)).statusCode, 404);
      assert.equal((await api(rt, world, 'GET', `${ADV}/PRIV-SA-2026-9999?format=osv`)).statusCode, 404);
      const list = await api(rt, world, 'GET', ADV, undefined, 'viewer');
      assert.equal(list.statusCode, 200);
      assert.ok((list.json() as { advisories: { id: string; title: string }[] }).advisories.some((x) => x.id === a.advisory.id && x.title === a.advisory.title));
    });

    test('exports: OSV, CVE and CSAF with JSON content types, each valid against its schema', async () => {
      const a = await publishedAdvisory(rt, world);
      const v = validators;
      for (const format of ['osv', 'cve', 'csaf'] as const) {
        const res = await api(rt, world, 'GET', `${ADV}/${a.advisory.id}?format=${format}`, undefined, 'viewer');
        assert.equal(res.statusCode, 200, res.body);
        assert.match(res.headers['content-type'] as string, /^application\/json/);
        const doc = res.json();
        const validate = format === 'osv' ? v.osv : format === 'cve' ? v.record : v.csaf;
        assert.ok(validate(doc), `${format}: ${JSON.stringify(validate.errors)}`);
        if (format === 'csaf') assert.deepEqual(runCsafMandatoryTests(doc), []);
      }
      const draft = await createAdvisory(rt, world);
      const csafDraft = await api(rt, world, 'GET', `${ADV}/${draft.advisory.id}?format=csaf`);
      assert.equal((csafDraft.json() as { document: { tracking: { status: string } } }).document.tracking.status, 'draft');
    });

    test('changelog entry text', async () => {
      const a = await publishedAdvisory(rt, world);
      const res = await api(rt, world, 'GET', `${ADV}/${a.advisory.id}/changelog`, undefined, 'viewer');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/markdown/);
      assert.match(res.body, /^### Security\n/);
      assert.match(res.body, new RegExp(`${a.advisory.id} / CVE-2026-12345\\*\\*: Path traversal`));
      assert.match(res.body, /1\.0\.x: fixed in 1\.0\.4/);
      assert.match(res.body, /Thanks to Ada R\./);
      assert.match(res.body, new RegExp(`https://embargo.test/projects/privastream/advisories/${a.advisory.id}`));
    });
  });
}
