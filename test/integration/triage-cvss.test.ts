import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, validReport, type World } from '../support/fixtures.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';

const V31_CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const V40_HIGH = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N';
const DAY = 86_400_000;

for (const engine of ENGINES) {
  describe(`triage with CVSS on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    const url = (id: string) => `/api/v1/projects/personal-chatter/reports/${id}`;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    async function acceptedReport(extra: Record<string, unknown> = {}): Promise<string> {
      const res = await rt.app.inject({ method: 'POST', url: '/api/v1/projects/personal-chatter/reports', payload: validReport({ affected_version: '0.2.1', ...extra }) });
      assert.equal(res.statusCode, 201, res.body);
      const id = res.json().tracking_id as string;
      for (const to of ['triaged', 'accepted']) {
        const t = await rt.app.inject({ method: 'POST', url: `${url(id)}/transitions`, headers: world.as('siteAdmin'), payload: { to } });
        assert.equal(t.statusCode, 200, t.body);
      }
      return id;
    }

    test('the reporter vector is validated at intake, field by field', async () => {
      const res = await rt.app.inject({ method: 'POST', url: '/api/v1/projects/personal-chatter/reports', payload: validReport({ cvss_vector: 'CVSS:3.1/AV:N/AC:Z' }) });
      assert.equal(res.statusCode, 400);
      const problems = res.json().problems as Array<{ field: string; message: string }>;
      assert.ok(problems.every((p) => p.field === 'cvss_vector'));
      assert.ok(problems.some((p) => /AC/.test(p.message) && /L, H/.test(p.message)), JSON.stringify(problems));
    });

    test('both vectors are kept; the policy default (4.0) drives severity, and the fix clock follows it', async () => {
      const id = await acceptedReport({ cvss_vector: V31_CRITICAL });
      const before = (await rt.app.inject({ url: url(id), headers: world.as('siteAdmin') })).json();
      assert.equal(before.severity, null, 'a reporter vector suggests, it does not triage');
      assert.equal(before.cvss.v3.score, 9.8);

      const set = await rt.app.inject({ method: 'PUT', url: `${url(id)}/severity`, headers: world.as('siteAdmin'), payload: { cvss_v4_vector: V40_HIGH } });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().severity, 'high');
      assert.equal(set.json().cvss.driven_by, '4.0');
      const after = (await rt.app.inject({ url: url(id), headers: world.as('siteAdmin') })).json();
      assert.equal(after.cvss.v3.vector, V31_CRITICAL);
      assert.equal(after.cvss.v4.vector, V40_HIGH);
      const fix = after.deadlines.find((d: { clock: string }) => d.clock === 'fix');
      assert.ok(fix, 'a high-severity report has a fix deadline under this policy');
      assert.equal(Date.parse(fix.due_at) - rt.clock.now.getTime(), 14 * DAY);

      const conflicting = await rt.app.inject({ method: 'PUT', url: `${url(id)}/severity`, headers: world.as('siteAdmin'), payload: { severity: 'low' } });
      assert.equal(conflicting.statusCode, 400);
      assert.equal(conflicting.json().problems[0].field, 'severity');

      const dropV4 = await rt.app.inject({ method: 'PUT', url: `${url(id)}/severity`, headers: world.as('siteAdmin'), payload: { cvss_v4_vector: null } });
      assert.equal(dropV4.json().severity, 'critical');
      assert.equal(dropV4.json().cvss.driven_by, '3.x');
    });

    test('an invalid triage vector is 400 and changes nothing', async () => {
      const id = await acceptedReport();
      const bad = await rt.app.inject({ method: 'PUT', url: `${url(id)}/severity`, headers: world.as('siteAdmin'), payload: { cvss_vector: 'CVSS:4.0/AV:N' } });
      assert.equal(bad.statusCode, 400);
      const detail = (await rt.app.inject({ url: url(id), headers: world.as('siteAdmin') })).json();
      assert.equal(detail.severity, null);
      assert.equal(detail.cvss.v4, null);
    });

    test('with triage.severity_source: manual, vectors are informational and severity is set by hand', async () => {
      await savePolicy(rt.ctx, `${examplePolicy('personal-chatter')}\ntriage:\n  severity_source: manual\n`, 'test');
      const id = await acceptedReport();
      const res = await rt.app.inject({ method: 'PUT', url: `${url(id)}/severity`, headers: world.as('siteAdmin'), payload: { cvss_vector: V31_CRITICAL, severity: 'medium' } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().severity, 'medium');
      assert.equal(res.json().cvss.driven_by, null);
    });
  });
}
