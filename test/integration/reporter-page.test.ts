import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, validReport, type World } from '../support/fixtures.ts';
import { ADV, advisoryContent, api, fixedReport, move, type AdvisoryJson } from '../support/advisory-fixtures.ts';

interface ReporterJson {
  state: string;
  affected_version: string | null;
  cvss: { v3: { vector: string } | null; v4: { vector: string } | null };
  advisory: { id: string; title: string; url: string } | null;
}

/** The reporter's page shows what they gave, and after disclosure links the advisory that came of it. */
for (const engine of ENGINES) {
  describe(`the reporter's view on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    const view = async (token: string) => (await rt.app.inject({ url: `/api/v1/reporter/${token}` })).json() as ReporterJson;

    test('what the reporter gave (affected version, CVSS) is shown back; the published advisory is linked once public, not before', async () => {
      const vector = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N';
      const r = await fixedReport(rt, world, validReport({ affected_version: '1.0.3', cvss_vector: vector }));
      const before = await view(r.reporterToken);
      assert.equal(before.affected_version, '1.0.3');
      assert.equal(before.cvss.v3?.vector, vector);
      assert.equal(before.advisory, null);

      const created = await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: r.trackingId });
      assert.equal(created.statusCode, 201, created.body);
      const a = created.json() as AdvisoryJson;
      await move(rt, world, a.advisory.id, 'in-review');
      assert.equal((await view(r.reporterToken)).advisory, null, 'a draft or review stays private');
      await move(rt, world, a.advisory.id, 'published');
      const after = await view(r.reporterToken);
      assert.equal(after.state, 'disclosed');
      assert.deepEqual(after.advisory, { id: a.advisory.id, title: a.advisory.title, url: `https://embargo.test/projects/privastream/advisories/${a.advisory.id}` });
      // After disclosure the reporter may still write (a follow-up, a bypass of the fix): the page keeps offering it.
      const followUp = await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${r.reporterToken}/messages`, payload: { body: 'The fix can be bypassed with %2e%2e.' } });
      assert.equal(followUp.statusCode, 201, followUp.body);
    });
  });
}
