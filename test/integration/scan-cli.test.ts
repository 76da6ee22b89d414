import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { Command } from 'commander';
import { registerScanCommand, runScan, type ScanFormat } from '../../src/cli/commands/scan.ts';
import { CliError } from '../../src/cli/errors.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scanner');
const RECORDS = join(FIXTURES, 'records');
const work = mkdtempSync(join(tmpdir(), 'embargo-scan-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function scan(paths: string[], format: ScanFormat = 'table', osv = RECORDS) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runScan(paths, { osv, format }, { out: (t) => out.push(t), err: (t) => err.push(t) });
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
    // The fixture folder holds two records that break the schema: reported, and the scan goes on.
    assert.match(err, /skipped 2 OSV record\(s\) that break the OSV schema/);
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
    // 16 fixture records: 2 break the schema, PYSEC-2022-43059 is withdrawn.
    assert.equal(report.osv.records, 13);
    assert.equal(report.osv.rejected.length, 2);
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

  test('registerScanCommand adds `scan` with --osv and a --format restricted to table, json and sarif', () => {
    const program = registerScanCommand(new Command('embargo'));
    const scanCommand = program.commands.find((c) => c.name() === 'scan');
    assert.ok(scanCommand);
    assert.deepEqual(scanCommand.options.map((o) => o.long), ['--osv', '--format']);
    scanCommand.exitOverride().configureOutput({ writeErr: () => {} });
    assert.throws(() => program.exitOverride().parse(['node', 'embargo', 'scan', 'x', '--format', 'xml']), /argument 'xml' is invalid/);
  });
});
