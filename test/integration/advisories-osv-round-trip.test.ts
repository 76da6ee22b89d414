import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { ADV, advisoryContent, api, publishedAdvisory } from '../support/advisory-fixtures.ts';
import { importOsvFiles, recordPagesForPackages } from '../../src/services/scanning/osv-import.ts';

/**
 * The OSV export of a stored advisory goes into the scanner's OSV database through its importer (src/services/
 * osv-import.ts), comes back out with the same ranges, and a lockfile scan through the API finds exactly the
 * versions the backport matrix declares vulnerable, each with its own branch's fix.
 */
const VERSIONS: Record<string, { vulnerable: boolean; fixed: string[] }> = {
  '0.9.0': { vulnerable: true, fixed: [] },
  '0.9.2': { vulnerable: true, fixed: [] },
  '0.9.3': { vulnerable: false, fixed: [] },
  '1.0.0': { vulnerable: true, fixed: ['1.0.4'] },
  '1.0.3': { vulnerable: true, fixed: ['1.0.4'] },
  '1.0.4': { vulnerable: false, fixed: [] },
  '1.0.9': { vulnerable: false, fixed: [] },
};

for (const engine of ENGINES) {
  describe(`OSV round trip through the database on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test('export → OSV import → same ranges → scan finds exactly the declared versions', async () => {
      const a = await publishedAdvisory(rt, world);
      const res = await api(rt, world, 'GET', `${ADV}/${a.advisory.id}?format=osv`);
      assert.equal(res.statusCode, 200, res.body);
      const exported = res.json() as { id: string; affected: { package: { ecosystem: string; name: string }; ranges: { type: string; events: Record<string, string>[] }[] }[] };

      const result = await importOsvFiles(rt.ctx.db, (async function* () {
        yield { source: `${exported.id}.json`, bytes: Buffer.from(res.body) };
      })(), { actor: 'test' });
      assert.deepEqual(result.rejected, []);
      assert.equal(result.imported, 1);

      const read = [];
      for await (const page of recordPagesForPackages(rt.ctx.db, [{ ecosystem: 'PyPI', name: 'PrivaStream' }])) read.push(...page);
      const [record, ...more] = read;
      assert.equal(more.length, 0);
      assert.ok(record);
      assert.equal(record.id, exported.id);
      assert.deepEqual(
        record.affected.map((x) => x.ranges.map((r) => ({ type: r.type, events: r.events }))),
        exported.affected.map((x) => x.ranges.map((r) => ({ type: r.type, events: r.events }))),
        'the stored record has the exported ranges',
      );

      for (const [version, want] of Object.entries(VERSIONS)) {
        const scan = await api(rt, world, 'POST', '/api/v1/projects/privastream/scans', { filename: 'requirements.txt', content: `privastream==${version}\n` }, 'triager');
        assert.equal(scan.statusCode, 201, scan.body);
        const findings = (scan.json() as { findings: { advisory: string; fixed: string[] }[] }).findings.filter((f) => f.advisory === exported.id);
        assert.equal(findings.length, want.vulnerable ? 1 : 0, `privastream ${version}`);
        if (want.vulnerable) assert.deepEqual(findings[0]!.fixed, want.fixed, `fix offered for ${version}`);
      }
    });

    test('an amended advisory re-imports as an update of the same record', async () => {
      const a = await publishedAdvisory(rt, world, advisoryContent({ title: 'Second' }));
      const first = await api(rt, world, 'GET', `${ADV}/${a.advisory.id}?format=osv`);
      const one = async (body: string) => importOsvFiles(rt.ctx.db, (async function* () {
        yield { source: 'x.json', bytes: Buffer.from(body) };
      })());
      assert.equal((await one(first.body)).imported, 1);
      rt.clock.advance(60_000);
      const amended = await api(rt, world, 'PUT', `${ADV}/${a.advisory.id}`, { summary: 'Corrected.', note: 'Corrected the summary' });
      assert.equal(amended.statusCode, 200, amended.body);
      const second = await api(rt, world, 'GET', `${ADV}/${a.advisory.id}?format=osv`);
      const r = await one(second.body);
      assert.deepEqual([r.imported, r.updated], [0, 1], 'modified moved on, so the importer takes the new copy');
    });
  });
}
