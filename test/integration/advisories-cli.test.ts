import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ENGINES, startTestRuntime, tempDir, type TestServer } from '../support/harness.ts';
import { REPO, seedWorld, type World } from '../support/fixtures.ts';
import { publishedAdvisory } from '../support/advisory-fixtures.ts';
import { validators } from '../unit/formats/schema-validators.ts';
import { runEmbargo, type CliRun } from '../support/cli-process.ts';

type Run = CliRun;

const CNA = '8254265b-2729-46b6-b9e3-3dfca2d5bfca';

const embargo = (args: string[], env: Record<string, string>): Promise<Run> => runEmbargo(args, env);

describe('embargo advisory export, API mode', () => {
  let rt: TestServer;
  let world: World;
  let url: string;
  let id: string;
  before(async () => {
    rt = await startTestRuntime(ENGINES[0]!);
    world = await seedWorld(rt);
    id = (await publishedAdvisory(rt, world)).advisory.id;
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(rt.app.server.address() as AddressInfo).port}`;
  });
  after(() => rt.close());

  test('prints what the API answers for each format; --out writes a file; unknown ids fail', async () => {
    const env = { EMBARGO_URL: url, EMBARGO_TOKEN: world.tokens.viewer, DATA_DIR: rt.env.DATA_DIR ?? '' };
    for (const format of ['osv', 'csaf'] as const) {
      const r = await embargo(['advisory', 'export', '--project', 'privastream', id, '--format', format], env);
      assert.equal(r.code, 0, r.stderr);
      const direct = await rt.app.inject({ url: `/api/v1/projects/privastream/advisories/${id}?format=${format}`, headers: world.as('viewer') });
      assert.deepEqual(JSON.parse(r.stdout), direct.json());
    }
    const file = join(tempDir(), 'cve.json');
    const cve = await embargo(['advisory', 'export', '--project', 'privastream', id, '--format', 'cve', '--cna-org-id', CNA, '--out', file], env);
    assert.equal(cve.code, 0, cve.stderr);
    assert.equal(cve.stdout, '');
    assert.ok(validators.record(JSON.parse(readFileSync(file, 'utf8'))), JSON.stringify(validators.record.errors));

    const missing = await embargo(['advisory', 'export', '--project', 'privastream', 'PRIV-SA-2026-9999', '--format', 'osv'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No advisory PRIV-SA-2026-9999/);
    const badFormat = await embargo(['advisory', 'export', '--project', 'privastream', id, '--format', 'pdf'], env);
    assert.equal(badFormat.code, 2, 'a bad --format is a usage error');
  });
});

for (const engine of ENGINES) {
  describe(`embargo advisory export, database mode on ${engine.name}`, () => {
    let env: Record<string, string>;
    let id: string;
    let expected: unknown;
    before(async () => {
      const rt = await startTestRuntime(engine, { EMBARGO_CVE_ORG_ID: CNA });
      const world = await seedWorld(rt);
      id = (await publishedAdvisory(rt, world)).advisory.id;
      expected = (await rt.app.inject({ url: `/api/v1/projects/privastream/advisories/${id}?format=cve`, headers: world.as('viewer') })).json();
      env = rt.env;
      // The embedded database admits one process: the CLI opens it once the server is gone.
      await rt.close();
    });

    test('reads the database itself (CNA from EMBARGO_CVE_ORG_ID) and writes the same export', async () => {
      const r = await embargo(['advisory', 'export', '--project', 'privastream', id, '--format', 'cve'], env);
      assert.equal(r.code, 0, r.stderr);
      const printed = JSON.parse(r.stdout) as { cveMetadata: { dateUpdated: string } };
      assert.deepEqual(printed, expected);
      assert.ok(validators.record(printed), JSON.stringify(validators.record.errors));
    });
  });
}
