import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { Command } from 'commander';
import { defaultCacheFile } from '../../src/adapters/osv/osv-cache.ts';
import { registerScanCommand, runScan, type ScanFormat } from '../../src/cli/commands/scan.ts';
import { CliError } from '../../src/cli/errors.ts';
import { cycloneDxFor } from '../support/sbom.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scanner');
const RECORDS = join(FIXTURES, 'records');
const work = mkdtempSync(join(tmpdir(), 'embargo-scan-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function scan(paths: string[], format: ScanFormat = 'table', osv = RECORDS, cache?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runScan(paths, { osv, format, ...(cache ? { cache } : {}) }, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const pipfile = join(FIXTURES, 'synthetic', 'pipfile', 'Pipfile.lock');
const clean = join(FIXTURES, 'synthetic', 'pnpm-v6', 'pnpm-lock.yaml');

describe('embargo scan', () => {
  test('exit 1 with findings: a table of package, version, advisory, severity and fixed-in, unchecked dependencies listed', async () => {
    const { code, out, err } = await scan([pipfile]);
    assert.equal(code, 1);
    assert.match(out, /Pipfile\.lock \(Pipfile\.lock, 3 packages\): 2 finding\(s\)/);
    assert.match(out, /PACKAGE +VERSION +ADVISORY +SEVERITY +FIXED IN/);
    assert.match(out, /django +2\.2\.16 +PYSEC-2021-439 CVE-2021-44420 +- +2\.2\.25/);
    assert.match(out, /py +1\.11\.0 +PYSEC-2022-42969 CVE-2022-42969 +- +-/);
    assert.match(out, /not checked \(non-registry\): https:\/\/github.com\/someone\/forked-lib.git/);
    // The fixture folder holds two records that break the schema, for packages this lockfile does not have:
    // only the records a scan looks at are checked against the schema.
    assert.doesNotMatch(err, /skipped/);
  });

  test('records that break the schema are reported when the scan looks at them, and skipped; the scan goes on', async () => {
    const requirements = join(work, 'broken-records', 'requirements.txt');
    mkdirSync(dirname(requirements), { recursive: true });
    // PYSEC-2017-27 (python-fedora) has an abbreviated commit hash, PYSEC-2019-125 (steam) a date as version.
    writeFileSync(requirements, 'python-fedora==0.3.0\nsteam==0.9.0\ndjango==2.2.16\n');
    const { code, out, err } = await scan([requirements], 'json');
    assert.equal(code, 1);
    assert.match(err, /skipped 2 OSV record\(s\) that break the OSV schema/);
    assert.match(err, /PYSEC-2017-27\.json: .*is not a full commit hash/);
    const report = JSON.parse(out) as { osv: { rejected: { source: string }[] }; lockfiles: { findings: { id: string }[] }[] };
    assert.deepEqual(report.osv.rejected.map((r) => r.source.split('/').pop()), ['PYSEC-2017-27.json', 'PYSEC-2019-125.json']);
    assert.deepEqual(report.lockfiles[0]?.findings.map((f) => f.id), ['PYSEC-2021-439']);
  });

  test('exit 0 when clean', async () => {
    const { code, out } = await scan([clean]);
    assert.equal(code, 0);
    assert.match(out, /no known vulnerabilities/);
  });

  test('exit 2 on a malformed lockfile, with file and line; the other lockfiles are still reported', async () => {
    const broken = join(work, 'requirements.txt');
    writeFileSync(broken, 'flask==1.0\ndjango=2.0\n');
    const { code, out, err } = await scan([broken, pipfile]);
    assert.equal(code, 2);
    assert.match(err, new RegExp(`${broken.replace(/[.\\]/g, '\\$&')}:2: cannot read version specifier`));
    assert.match(out, /Pipfile\.lock/);
  });

  test('exit 2 on a missing path or missing OSV data', async () => {
    assert.equal((await scan([join(work, 'missing.lock')])).code, 2);
    await assert.rejects(scan([pipfile], 'table', join(work, 'no-osv')), (e: unknown) => e instanceof CliError && e.exitCode === 2);
    await assert.rejects(scan([pipfile], 'table', ''), (e: unknown) => e instanceof CliError && e.exitCode === 2 && /--osv/.test(e.message));
  });

  test('folders are searched for lockfiles by their standard names (base/common.txt only comes in through -r)', async () => {
    const { code, out } = await scan([join(FIXTURES, 'synthetic')], 'json');
    assert.equal(code, 1);
    const report = JSON.parse(out) as { lockfiles: { file: string }[] };
    assert.deepEqual(report.lockfiles.map((l) => relative(join(FIXTURES, 'synthetic'), l.file)).sort(), [
      'cargo-v1/Cargo.lock', 'go-replace/go.mod', 'package-lock-v1/package-lock.json', 'package-lock-v2/package-lock.json', 'pipfile/Pipfile.lock',
      'pnpm-v5/pnpm-lock.yaml', 'pnpm-v6/pnpm-lock.yaml', 'poetry-sources/poetry.lock', 'requirements-includes/requirements.txt', 'yarn-berry/yarn.lock',
    ].sort());
  });

  test('JSON for machines: lockfiles with packages, unchecked dependencies and findings; OSV import summary', async () => {
    const { out } = await scan([pipfile], 'json');
    const report = JSON.parse(out);
    // 16 fixture records, PYSEC-2022-43059 withdrawn; the 2 that break the schema name packages this lockfile
    // does not have, so they are never checked (and counted: their id and modified time are fine).
    assert.equal(report.osv.records, 15);
    assert.equal(report.osv.rejected.length, 0);
    assert.deepEqual(report.errors, []);
    const [lock] = report.lockfiles;
    assert.equal(lock.format, 'Pipfile.lock');
    assert.equal(lock.packages, 3);
    assert.deepEqual(lock.findings.map((f: { id: string }) => f.id), ['PYSEC-2021-439', 'PYSEC-2022-42969']);
    assert.deepEqual(Object.keys(lock.findings[0]).sort(), ['aliases', 'cvssScore', 'ecosystem', 'file', 'fixed', 'id', 'line', 'package', 'severity', 'summary', 'version']);
  });

  test('SARIF 2.1.0: one rule per advisory, results at the lockfile line, notes for unchecked dependencies', async () => {
    const cargo = join(FIXTURES, 'synthetic', 'cargo-v1', 'Cargo.lock');
    const { out } = await scan([cargo, pipfile], 'sarif');
    const sarif = JSON.parse(out);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    const [run] = sarif.runs;
    assert.equal(run.tool.driver.name, 'Embargo');
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    assert.deepEqual(ruleIds, ['RUSTSEC-2023-0003', 'PYSEC-2021-439', 'PYSEC-2022-42969', 'embargo/unchecked-dependency']);
    const libgit2 = run.results[0];
    assert.equal(libgit2.ruleId, 'RUSTSEC-2023-0003');
    assert.equal(run.tool.driver.rules[libgit2.ruleIndex].id, libgit2.ruleId);
    assert.equal(libgit2.locations[0].physicalLocation.artifactLocation.uri, `file://${cargo}`);
    assert.equal(libgit2.locations[0].physicalLocation.region.startLine, 11);
    assert.match(libgit2.message.text, /libgit2-sys 0\.12\.19\+1\.1\.0 \(crates\.io\) is affected by RUSTSEC-2023-0003.*Fixed in 0\.13\.5\./);
    assert.deepEqual(run.results.filter((r: { level: string }) => r.level === 'note').length, 3);
  });

  test('SBOMs: components found and unchecked ones reported in the table, JSON and SARIF', async () => {
    const bom = join(work, 'sbom', 'bom.json');
    mkdirSync(dirname(bom), { recursive: true });
    writeFileSync(
      bom,
      cycloneDxFor([{ ecosystem: 'PyPI', name: 'django', version: '2.2.16' }], '1.6', [
        { type: 'library', 'bom-ref': 'zlib', name: 'zlib', version: '1.2.11' },
        { type: 'library', name: 'jackson-databind', purl: 'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4' },
      ]),
    );
    const table = await scan([bom]);
    assert.equal(table.code, 1);
    assert.match(table.out, /bom\.json \(CycloneDX, 1 packages\): 1 finding\(s\)/);
    assert.match(table.out, /django +2\.2\.16 +PYSEC-2021-439/);
    assert.match(table.out, /not checked \(no-purl\): zlib@1\.2\.11 +\[.*bom\.json:\d+\]/);
    assert.match(table.out, /not checked \(unsupported-type\): pkg:maven\/com\.fasterxml\.jackson\.core\/jackson-databind@2\.9\.4/);
    const json = JSON.parse((await scan([bom], 'json')).out) as { lockfiles: { format: string; unchecked: { reason: string; ref?: string; ecosystem: string }[] }[] };
    assert.equal(json.lockfiles[0]?.format, 'CycloneDX');
    assert.deepEqual(json.lockfiles[0]?.unchecked.map((u) => [u.reason, u.ref ?? null, u.ecosystem]), [['no-purl', 'zlib', ''], ['unsupported-type', null, 'Maven']]);
    const sarif = JSON.parse((await scan([bom], 'sarif')).out) as { runs: { results: { ruleId: string; message: { text: string } }[] }[] };
    const notes = sarif.runs[0]?.results.filter((r) => r.ruleId === 'embargo/unchecked-dependency').map((r) => r.message.text);
    assert.deepEqual(notes, ['zlib was not checked: the SBOM gives it no package URL (zlib@1.2.11).', 'com.fasterxml.jackson.core:jackson-databind was not checked: Embargo does not check Maven packages (pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4).']);
  });

  describe('the local OSV cache', () => {
    const sample = join(FIXTURES, 'osv-sample');
    const lockfiles = join(FIXTURES, 'lockfiles');

    test('a warm scan (from the cache) reports exactly what a cold scan (from the OSV files) reports, in every format', async () => {
      const cache = join(work, 'sample.cache');
      for (const format of ['json', 'table', 'sarif'] as const) {
        const uncached = await scan([lockfiles], format, sample);
        assert.equal(uncached.code, 1);
        if (format === 'json') assert.deepEqual(await scan([lockfiles], format, sample, cache), uncached, 'cold');
        assert.deepEqual(await scan([lockfiles], format, sample, cache), uncached, format);
      }
      const report = JSON.parse((await scan([lockfiles], 'json', sample, cache)).out) as { osv: { records: number; rejected: unknown[] }; lockfiles: { findings: unknown[] }[] };
      // 10,158 records, 40 of them withdrawn; the 8 that break the schema name no package of these lockfiles.
      assert.equal(report.osv.records, 10118);
      assert.equal(report.osv.rejected.length, 0);
      assert.equal(report.lockfiles.reduce((n, l) => n + l.findings.length, 0), 214);
    });

    test('a record the scan reads is checked against the length and CRC-32 it had: an edit in place is seen, even keeping size and time', async () => {
      const dir = join(work, 'cache-source');
      mkdirSync(dir, { recursive: true });
      for (const id of ['PYSEC-2021-439', 'PYSEC-2022-42969']) copyFileSync(join(RECORDS, `${id}.json`), join(dir, `${id}.json`));
      const cache = join(work, 'source.cache');
      const file = join(dir, 'PYSEC-2021-439.json');
      const time = new Date('2024-01-01T00:00:00Z');
      utimesSync(file, time, time);
      const cold = await scan([pipfile], 'json', dir, cache);
      assert.equal(cold.code, 1);
      // Same size and modification time, the folder untouched: no stamp changes, the record's CRC-32 does.
      writeFileSync(file, ' '.repeat(statSync(file).size));
      utimesSync(file, time, time);
      const warm = await scan([pipfile], 'json', dir, cache);
      assert.deepEqual(warm, await scan([pipfile], 'json', dir));
      assert.match(warm.err, /PYSEC-2021-439\.json: invalid JSON/);
    });

    test('a changed source invalidates the cache', async () => {
      const dir = join(work, 'changing-source');
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(RECORDS, 'PYSEC-2022-42969.json'), join(dir, 'PYSEC-2022-42969.json'));
      const cache = join(work, 'changing.cache');
      const ids = (r: { out: string }) => (JSON.parse(r.out) as { lockfiles: { findings: { id: string }[] }[] }).lockfiles[0]?.findings.map((f) => f.id);
      assert.deepEqual(ids(await scan([pipfile], 'json', dir, cache)), ['PYSEC-2022-42969']);
      copyFileSync(join(RECORDS, 'PYSEC-2021-439.json'), join(dir, 'PYSEC-2021-439.json'));
      assert.deepEqual(ids(await scan([pipfile], 'json', dir, cache)), ['PYSEC-2021-439', 'PYSEC-2022-42969']);
      // An edit in place that keeps the size: the modification time changes.
      const file = join(dir, 'PYSEC-2021-439.json');
      const withdrawn = readFileSync(file, 'utf8').replace('"modified": "2021-12-08T02:30:49.294438Z"', '"modified": "2021-12-08T02:30:49.294438Z", "withdrawn": "2021-12-09T00:00:00Z"');
      writeFileSync(file, withdrawn);
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      assert.deepEqual(ids(await scan([pipfile], 'json', dir, cache)), ['PYSEC-2022-42969']);
    });

    test('a damaged cache is rebuilt with a warning, never trusted', async () => {
      const cache = join(work, 'damaged.cache');
      const cold = await scan([pipfile], 'json', RECORDS, cache);
      const bytes = readFileSync(cache);
      const flip = (at: number) => {
        assert.ok(at > 8);
        const copy = Buffer.from(bytes);
        copy[at] = (copy[at] as number) ^ 1;
        return copy;
      };
      const damages: [string, Buffer][] = [
        ['truncated', bytes.subarray(0, bytes.length - 10)],
        ['a flipped byte in the index of the records', flip(bytes.indexOf('"PYSEC-2021-439"') + 8)],
        ['a flipped byte in the header', flip(bytes.lastIndexOf('"salt"') + 3)],
        ['appended to', Buffer.concat([bytes, Buffer.from('{}')])],
        ['not a cache', Buffer.from('hello')],
        ['empty', Buffer.alloc(0)],
      ];
      for (const [what, damaged] of damages) {
        writeFileSync(cache, damaged);
        const again = await scan([pipfile], 'json', RECORDS, cache);
        assert.equal(again.out, cold.out, what);
        assert.match(again.err, /OSV cache .* is damaged \(.+\); rebuilding it/, what);
        // Rebuilt: the next scan is a clean hit.
        assert.deepEqual(await scan([pipfile], 'json', RECORDS, cache), cold, what);
      }
    });

    test('a cache that cannot be written is a warning; the scan goes on', async () => {
      const blocker = join(work, 'not-a-folder');
      writeFileSync(blocker, 'x');
      const r = await scan([pipfile], 'json', RECORDS, join(blocker, 'osv.cache'));
      assert.equal(r.code, 1);
      assert.match(r.err, /cannot write the OSV cache .*not-a-folder\/osv\.cache/);
    });

    test('the default cache file: one per source under $EMBARGO_CACHE_DIR, else XDG_CACHE_HOME or ~/.cache', () => {
      assert.equal(dirname(defaultCacheFile(RECORDS, { EMBARGO_CACHE_DIR: '/c' })), '/c');
      assert.equal(dirname(defaultCacheFile(RECORDS, { XDG_CACHE_HOME: '/x' })), '/x/embargo');
      assert.notEqual(defaultCacheFile(RECORDS, {}), defaultCacheFile(join(RECORDS, '..'), {}));
      assert.match(defaultCacheFile(RECORDS, {}), /\/\.cache\/embargo\/osv-[0-9a-f]{16}\.cache$/);
    });
  });

  test('registerScanCommand adds `scan` with --osv and a --format restricted to table, json and sarif', () => {
    const program = registerScanCommand(new Command('embargo'));
    const scanCommand = program.commands.find((c) => c.name() === 'scan');
    assert.ok(scanCommand);
    assert.deepEqual(scanCommand.options.map((o) => o.long), ['--osv', '--format', '--cache', '--no-cache', '--allow-missing']);
    scanCommand.exitOverride().configureOutput({ writeErr: () => {} });
    assert.throws(() => program.exitOverride().parse(['node', 'embargo', 'scan', 'x', '--format', 'xml']), /argument 'xml' is invalid/);
  });

  test('an ecosystem the OSV data holds no records of is reported unchecked, not clean: exit 2 unless --allow-missing', async () => {
    // OSV data of PyPI only (osv.dev's per-ecosystem export), and an npm lockfile.
    const pypiOnly = join(work, 'pypi-only');
    mkdirSync(pypiOnly, { recursive: true });
    for (const f of ['PYSEC-2021-439.json', 'PYSEC-2022-42969.json']) copyFileSync(join(RECORDS, f), join(pypiOnly, f));
    const missing = await scan([clean], 'table', pypiOnly);
    assert.equal(missing.code, 2, missing.out + missing.err);
    assert.doesNotMatch(missing.out, /no known vulnerabilities/);
    assert.match(missing.out, /not checked \(no-osv-data\): \d+ npm packages?/);
    assert.match(missing.err, /the OSV data at .*pypi-only holds no npm records/);
    assert.match(missing.err, /osv\.dev.*npm\/all\.zip/s, 'says where the data comes from');
    assert.match(missing.err, /--allow-missing/);

    const json = await scan([clean], 'json', pypiOnly);
    const report = JSON.parse(json.out) as { lockfiles: { unchecked: { reason: string; ecosystem: string }[] }[]; missing_ecosystems: string[] };
    assert.deepEqual(report.missing_ecosystems, ['npm']);
    assert.ok(report.lockfiles[0]?.unchecked.some((u) => u.reason === 'no-osv-data' && u.ecosystem === 'npm'));

    const allowed = await runScanWith([clean], { osv: pypiOnly, format: 'table', allowMissing: true });
    assert.equal(allowed.code, 0, 'accepted as a known gap');
    assert.match(allowed.out, /not checked \(no-osv-data\)/);

    // With npm records present (even none for these packages) the lockfile was checked: clean, exit 0.
    assert.equal((await scan([clean])).code, 0);
  });

  test('--help says where OSV data comes from and how to refresh it', () => {
    const program = registerScanCommand(new Command('embargo'));
    const help = program.commands.find((c) => c.name() === 'scan')?.helpInformation() ?? '';
    assert.match(help, /osv\.dev/);
    assert.match(help, /all\.zip/);
    assert.match(help, /--allow-missing/);
  });
});

async function runScanWith(paths: string[], options: Parameters<typeof runScan>[1]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runScan(paths, options, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
