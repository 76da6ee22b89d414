import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { importOsvFiles, importOsvPath } from '../../src/services/scanning/osv-import.ts';
import { findKnownAdvisories } from '../../src/services/triage/known-advisories.ts';
import { signText } from '../../src/core/triage/signature.ts';

const RECORDS = join(import.meta.dirname, '..', 'fixtures', 'scanner', 'records');

/** What already-public advisory a report repeats (issue 18), against the OSV records of test/fixtures/scanner. */
for (const engine of ENGINES) {
  describe(`known advisories on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    const view = async (id: string, slug = 'privastream') => {
      const res = await rt.app.inject({ url: `/api/v1/projects/${slug}/reports/${id}`, headers: world.as(slug === 'privastream' ? 'triager' : 'outsider') });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { known_advisories: { id: string; score: number; reasons: string[] }[] };
    };
    const report = async (r: Record<string, unknown>, slug = 'privastream') => {
      const s = await submit(rt, slug, validReport({ steps_to_reproduce: 'As described above.', impact: 'As described above.', ...r }));
      await rt.jobs.runAllOnce();
      return s;
    };

    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      await importOsvPath(rt.ctx.db, RECORDS);
    });
    after(() => rt.close());

    test('a report naming a CVE id that is an alias of an imported record: "already public as …", score 1', async () => {
      const { tracking_id } = await report({ title: 'Open redirect (CVE-2021-21330)', description: 'I think CVE-2021-21330 affects you too: the path normalisation redirects to other sites.' });
      const found = (await view(tracking_id)).known_advisories;
      assert.deepEqual(found[0], { id: 'PYSEC-2021-76', score: 1, reasons: ['names CVE-2021-21330, an alias of PYSEC-2021-76'] });
    });

    test('a report naming the package and describing the advisory in other words finds it, not the package\'s other advisory', async () => {
      // In a project of its own: the first report above, about the same bug, makes its words commoner in privastream.
      const { tracking_id, reporter_token } = await report({
        title: 'Open redirect in aiohttp path normalisation',
        description:
          'Hello, our service runs on aiohttp 3.7.3. With normalize_path_middleware enabled a crafted link like //evil.example/ makes the web server redirect the browser to another website. Upgrading to 3.7.4 fixes it.',
      }, 'personal-chatter');
      const found = (await view(tracking_id, 'personal-chatter')).known_advisories;
      assert.equal(found[0]?.id, 'PYSEC-2021-76', JSON.stringify(found));
      assert.ok((found[0]?.score ?? 0) < 1 && (found[0]?.score ?? 0) >= 0.45, JSON.stringify(found));
      assert.ok(found[0]?.reasons.includes('names its package `aiohttp`'), JSON.stringify(found[0]?.reasons));
      assert.ok(found[0]?.reasons.includes('same function name `normalize_path_middleware`'), JSON.stringify(found[0]?.reasons));
      assert.ok(!found.some((a) => a.id === 'PYSEC-2022-43059'), 'the IPv6 URL advisory of aiohttp is another bug');
      const reporter = await rt.app.inject({ url: `/api/v1/reporter/${reporter_token}` });
      assert.equal(reporter.json().known_advisories, undefined, 'the reporter is not told');
    });

    test('common words that happen to be package names ("time", "regex", "py") bring no advisory of theirs', async () => {
      const { tracking_id } = await report({
        title: 'Login takes a long time',
        description: 'Each time I log in, the regex that checks the user name takes several seconds, and the py script we use to test it times out.',
      });
      assert.deepEqual((await view(tracking_id)).known_advisories, []);
    });

    test('records imported later are found by their aliases too; a withdrawn record no longer is', async () => {
      const record = (withdrawn: boolean) => ({
        schema_version: '1.7.0',
        id: 'GHSA-aaaa-bbbb-cccc',
        modified: withdrawn ? '2026-02-02T00:00:00Z' : '2026-01-01T00:00:00Z',
        ...(withdrawn ? { withdrawn: '2026-02-02T00:00:00Z' } : {}),
        aliases: ['CVE-2026-99999'],
        summary: 'Example',
        details: 'Example advisory.',
        affected: [{ package: { ecosystem: 'npm', name: 'example-pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }] }],
      });
      const files = (r: object) => [{ source: 'GHSA-aaaa-bbbb-cccc.json', bytes: Buffer.from(JSON.stringify(r)) }];
      await importOsvFiles(rt.ctx.db, files(record(false)));
      const first = await report({ title: 'cve-2026-99999 again', description: 'Same as cve-2026-99999.' });
      assert.deepEqual((await view(first.tracking_id)).known_advisories.map((a) => a.id), ['GHSA-aaaa-bbbb-cccc']);
      await importOsvFiles(rt.ctx.db, files(record(true)));
      const second = await report({ title: 'CVE-2026-99999 again', description: 'Same as CVE-2026-99999.' });
      assert.deepEqual((await view(second.tracking_id)).known_advisories, []);
    });

    test('a package named by a thousand records: at most 300 are read and scored, a page at a time', async () => {
      // The Linux kernel has thousands of records; reading them all used to happen inside triage.
      const records = Array.from({ length: 1000 }, (_, i) => ({
        schema_version: '1.7.0',
        id: `PYSEC-2099-${String(i).padStart(4, '0')}`,
        modified: '2026-01-01T00:00:00Z',
        summary: `Flaw number ${i} in hugelib`,
        details: `Advisory ${i} of hugelib.`,
        affected: [{ package: { ecosystem: 'PyPI', name: 'hugelib' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${i + 1}.0` }] }] }],
      }));
      await importOsvFiles(rt.ctx.db, records.map((r) => ({ source: `${r.id}.json`, bytes: Buffer.from(JSON.stringify(r)) })));
      // Counts every row any statement of the lookup returns that carries a record.
      let recordRows = 0;
      const counter: KyselyPlugin = {
        transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => args.node,
        transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => {
          recordRows += args.result.rows.filter((row) => 'record' in row).length;
          return args.result;
        },
      };
      const text = 'hugelib crashes when parsing a long header: a denial of service in hugelib 3.0.';
      const found = await rt.ctx.db.transaction().execute((tx) =>
        findKnownAdvisories(tx.withPlugin(counter), signText(text, rt.ctx.triageIndex.hash), text, { reports: 0, df: () => 0 }, rt.ctx.triageIndex.hash),
      );
      assert.ok(recordRows > 0, 'the package was looked up');
      assert.ok(recordRows <= 400, `${recordRows} records read for one package; 300 are scored, in pages of 200`);
      assert.ok(found.every((a) => a.id.startsWith('PYSEC-2099-')), JSON.stringify(found.slice(0, 3)));
    });

    test('what was found is sealed at rest', async () => {
      const rows = await rt.ctx.db.selectFrom('report_known_advisories').select('found_sealed').execute();
      assert.ok(rows.length >= 3);
      for (const r of rows) assert.ok(!Buffer.from(r.found_sealed).toString('latin1').includes('PYSEC'), 'no advisory id in clear');
    });
  });
}
