import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importOsvPath } from '../../src/services/scanning/osv-import.ts';
import { osvFolderJob } from '../../src/jobs/osv-folder.ts';
import { JOBS } from '../../src/jobs/index.ts';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scanner');
const SAMPLE = join(FIXTURES, 'osv-sample');
const P = '/api/v1/projects/privastream';
const npmLockfile = { filename: 'package-lock.json', content: readFileSync(join(FIXTURES, 'lockfiles', 'documenso-2023-12', 'package-lock.json'), 'utf8') };

interface ScanJson {
  id: string;
  findings: unknown[];
  unchecked: { reason: string; ecosystem: string; name: string }[];
  missing_ecosystems: string[];
  osv_data_help: string | null;
}

test('the OSV folder job is registered with the background jobs', () => {
  assert.ok(JOBS.includes(osvFolderJob));
});

/**
 * A server scan against a database holding no records of the lockfile's ecosystem used to answer "no findings":
 * it now says which ecosystems were not checked and where OSV data comes from, like `embargo scan`. And the
 * embedded database, which only the server may open while it runs, takes OSV data from a configured folder.
 */
for (const engine of ENGINES) {
  describe(`OSV data missing for an ecosystem, and imported while the server runs, on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    const folder = mkdtempSync(join(tmpdir(), 'embargo-osv-folder-'));
    before(async () => {
      rt = await startTestRuntime(engine, { EMBARGO_OSV_DIR: folder });
      world = await seedWorld(rt);
      // PyPI only: an npm lockfile has nothing to be checked against.
      await importOsvPath(rt.ctx.db, join(SAMPLE, 'PyPI.zip'));
    });
    after(async () => {
      await rt?.close();
      rmSync(folder, { recursive: true, force: true });
    });

    const scan = async () => {
      const res = await rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as('triager'), payload: npmLockfile });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as ScanJson;
    };

    test('an ecosystem with no records is reported unchecked, with where OSV data comes from; reading the scan again says the same', async () => {
      const s = await scan();
      assert.deepEqual(s.missing_ecosystems, ['npm']);
      assert.deepEqual(s.findings, []);
      assert.ok(s.unchecked.length > 100 && s.unchecked.every((u) => u.reason === 'no-osv-data' && u.ecosystem === 'npm'), `${s.unchecked.length} unchecked`);
      assert.match(s.osv_data_help ?? '', /osv\.dev.*all\.zip/s);
      const again = (await rt.app.inject({ url: `${P}/scans/${s.id}`, headers: world.as('viewer') })).json() as ScanJson;
      assert.deepEqual(again.missing_ecosystems, ['npm']);
    });

    test('the configured folder is imported by a job while the server runs (once per change); the npm lockfile is then checked', async () => {
      assert.equal(await osvFolderJob.tick(rt.ctx), 0, 'an empty folder imports nothing');
      copyFileSync(join(SAMPLE, 'npm-MAL.zip'), join(folder, 'npm.zip'));
      const imported = await osvFolderJob.tick(rt.ctx);
      assert.ok(imported > 0, `imported ${imported}`);
      assert.equal(await osvFolderJob.tick(rt.ctx), 0, 'unchanged: not read again');
      const audit = await rt.ctx.db.selectFrom('audit_log').select(['actor', 'action']).where('actor', '=', 'job:import-osv').execute();
      assert.ok(audit.length > 0, 'the import is audited');
      const s = await scan();
      assert.deepEqual(s.missing_ecosystems, []);
      assert.equal(s.osv_data_help, null);
      assert.ok(!s.unchecked.some((u) => u.reason === 'no-osv-data'));
    });
  });
}
