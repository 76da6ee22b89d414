import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, validReport } from '../support/fixtures.ts';
import type { PreparedReport } from '../../src/services/reports/intake-writer.ts';
import { getProject, savePolicy } from '../../src/services/projects/projects.ts';
import { verifyAudit } from '../../src/services/audit/audit-log.ts';

for (const engine of ENGINES) {
  describe(`group commit of intake on ${engine.name}`, () => {
    let rt: TestServer;
    before(async () => {
      rt = await startTestRuntime(engine);
      await seedWorld(rt);
    });
    after(() => rt.close());

    const prepared = (projectId: string, prefix: string): PreparedReport => {
      const id = randomUUID();
      return {
        projectId,
        trackingPrefix: prefix,
        report: {
          id,
          project_id: projectId,
          state: 'new',
          rejection_reason: null,
          duplicate_of: null,
          severity: null,
          cvss_v3_vector: null,
          cvss_v4_vector: null,
          category: null,
          affected_version: null,
          version_status: 'not-given',
          version_matched: null,
          scope_status: 'not-given',
          credit_choice: 'anonymous',
          terms_accepted: true,
          source: 'api',
          reporter_token_hash: `hash-${id}`,
          title_sealed: Buffer.from('sealed'),
          body_sealed: Buffer.from('sealed'),
          key_id: 'test1',
          embargo_until: null,
          created_at: rt.clock.now,
          updated_at: rt.clock.now,
        },
        attachments: [],
        audit: { actor: 'reporter', action: 'report.submitted', projectId, reportId: id, data: {} },
      };
    };

    test('reports queued during a commit share the next one; a report that cannot be written fails alone', async () => {
      const project = await getProject(rt.ctx.db, 'privastream');
      const writer = rt.ctx.intakeWriter;
      const settle = (p: Promise<string>) => p.then((id) => id, () => 'rejected');
      // The first write starts a commit; everything written before it finishes is queued into one batch.
      const first = settle(writer.write(prepared(project.id, 'PRIV')));
      const queued = [
        settle(writer.write(prepared(project.id, 'PRIV'))),
        settle(writer.write(prepared(randomUUID(), 'NOPE'))), // no such project: violates a foreign key
        settle(writer.write(prepared(project.id, 'PRIV'))),
        settle(writer.write(prepared(project.id, 'PRIV'))),
      ];
      const results = await Promise.all([first, ...queued]);
      assert.equal(results[2], 'rejected');
      assert.deepEqual(results.filter((r) => r !== 'rejected').sort(), ['PRIV-2026-0001', 'PRIV-2026-0002', 'PRIV-2026-0003', 'PRIV-2026-0004']);
      assert.equal((await rt.ctx.db.selectFrom('reports').select('id').execute()).length, 4);
      assert.deepEqual((await verifyAudit(rt.ctx.db)).problems, []);
    });

    test('the HTTP route goes through the same writer: concurrent submissions all commit', async () => {
      const stats = { ...rt.ctx.intakeWriter.stats };
      const res = await Promise.all(Array.from({ length: 12 }, () => rt.app.inject({ method: 'POST', url: '/api/v1/projects/privastream/reports', payload: validReport() })));
      assert.deepEqual(res.map((r) => r.statusCode), Array(12).fill(201));
      assert.equal(new Set(res.map((r) => r.json().tracking_id)).size, 12);
      const after = rt.ctx.intakeWriter.stats;
      assert.equal(after.reports - stats.reports, 12);
      assert.ok(after.commits - stats.commits < 12, `12 concurrent reports took ${after.commits - stats.commits} commits: no grouping`);
    });

    test('policy saves racing a burst of submissions: no deadlock, and each report is indexed under the policy it holds', async () => {
      // The batch's first statement locks the project (key share) and then the audit head, in the order a policy
      // save takes them; the other order would deadlock against a save on PostgreSQL.
      const yaml = examplePolicy('privastream');
      const acknowledgeIn = (within: string) => yaml.replace(/(acknowledge:\n\s+within: )48h/, `$1${within}`);
      assert.notEqual(acknowledgeIn('24h'), yaml, 'the acknowledge promise is where this test expects it');
      const saves = ['24h', '72h', '48h', '12h', '48h'].map((w) => savePolicy(rt.ctx, acknowledgeIn(w), 'test'));
      const posts = Array.from({ length: 30 }, () => rt.app.inject({ method: 'POST', url: '/api/v1/projects/privastream/reports', payload: validReport() }));
      const [saved, res] = await Promise.all([Promise.allSettled(saves), Promise.all(posts)]);
      assert.deepEqual(saved.map((s) => s.status), Array(5).fill('fulfilled'));
      assert.deepEqual(res.map((r) => r.statusCode), Array(30).fill(201));
      // Every report's stored acknowledge deadline is the one its own view computes from its events and promises.
      const stored = await rt.ctx.db
        .selectFrom('report_deadlines')
        .innerJoin('reports', 'reports.id', 'report_deadlines.report_id')
        .select(['reports.tracking_id', 'report_deadlines.due_at'])
        .where('report_deadlines.clock', '=', 'acknowledge')
        .where('reports.tracking_id', 'in', res.map((r) => r.json().tracking_id as string))
        .execute();
      assert.equal(stored.length, 30);
      for (const r of res) {
        const view = await rt.app.inject({ url: `/api/v1/reporter/${r.json().reporter_token as string}` });
        const ack = (view.json() as { deadlines: { clock: string; due_at: string }[] }).deadlines.find((d) => d.clock === 'acknowledge');
        const row = stored.find((s) => s.tracking_id === r.json().tracking_id);
        assert.equal(row?.due_at.toISOString(), ack?.due_at, `stored and computed acknowledge deadline of ${r.json().tracking_id as string}`);
      }
      assert.deepEqual((await verifyAudit(rt.ctx.db)).problems, []);
    });
  });
}
