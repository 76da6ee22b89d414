import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildAdvisoryIndex } from '../../../src/core/scanner/advisory-index.ts';
import { findVulnerabilities, vulnerabilityMatcher } from '../../../src/core/scanner/find-vulnerabilities.ts';
import type { LockedPackage } from '../../../src/core/scanner/types.ts';
import type { Ecosystem } from '../../../src/core/versions/ecosystems.ts';
import { record } from './osv-fixtures.ts';

const pkg = (ecosystem: Ecosystem, name: string, version: string): LockedPackage => ({ ecosystem, name, version, file: 'lock', line: 1 });

const records = [
  record('PYSEC-2021-76'),
  record('PYSEC-2021-439'),
  record('PYSEC-2022-42969'),
  record('PYSEC-2022-43059'),
  record('RUSTSEC-2019-0036'),
  record('RUSTSEC-2020-0036'),
  record('RUSTSEC-2023-0003'),
  record('RUSTSEC-2024-0445'),
  record('RUSTSEC-2020-0071'),
  record('RUSTSEC-2022-0013'),
  record('GO-2020-0008'),
  record('GO-2026-5024'),
  record('MAL-2024-11183'),
];
const index = buildAdvisoryIndex(records);

const ids = (packages: LockedPackage[]): string[] => findVulnerabilities(packages, index).map((f) => `${f.package}@${f.version} ${f.id}`);

describe('matching packages against the advisory index', () => {
  test('PyPI names are compared after PEP 503 normalisation; versions by PEP 440', () => {
    assert.deepEqual(ids([pkg('PyPI', 'AioHTTP', '3.6.2'), pkg('PyPI', 'Django', '2.2.16'), pkg('PyPI', 'django', '2.2.25')]), [
      'AioHTTP@3.6.2 PYSEC-2021-76',
      'Django@2.2.16 PYSEC-2021-439',
    ]);
  });

  test('withdrawn records are ignored', () => {
    // PYSEC-2022-43059 (aiohttp, every version) was withdrawn upstream.
    assert.ok(!ids([pkg('PyPI', 'aiohttp', '3.9.0')]).some((id) => id.endsWith('PYSEC-2022-43059')));
    const withdrawn = buildAdvisoryIndex([record('PYSEC-2021-439', (r) => (r.withdrawn = '2022-01-01T00:00:00Z'))]);
    assert.deepEqual(findVulnerabilities([pkg('PyPI', 'django', '2.2.16')], withdrawn), []);
    assert.equal(withdrawn.records, 0);
  });

  test('the later `modified` of two copies of a record wins', () => {
    const older = record('PYSEC-2021-439');
    const newer = record('PYSEC-2021-439', (r) => {
      r.modified = '2030-01-01T00:00:00Z';
      r.withdrawn = '2030-01-01T00:00:00Z';
    });
    assert.equal(buildAdvisoryIndex([newer, older]).records, 0);
    assert.equal(buildAdvisoryIndex([older, { ...newer, modified: '2000-01-01T00:00:00Z' }]).records, 1);
  });

  test('a finding carries summary, severity from the CVSS vector, aliases and the fix of its release line', () => {
    const [django] = findVulnerabilities([pkg('PyPI', 'django', '3.1.2')], index);
    assert.ok(django?.summary.startsWith('In Django 2.2 before 2.2.25, 3.1 before 3.1.14'));
    assert.deepEqual({ ...django, summary: '' }, {
      ecosystem: 'PyPI',
      package: 'django',
      version: '3.1.2',
      file: 'lock',
      line: 1,
      id: 'PYSEC-2021-439',
      aliases: ['CVE-2021-44420', 'GHSA-v6rh-hp5x-86rv'],
      summary: '',
      severity: null,
      cvssScore: null,
      fixed: ['3.1.14'],
    });
    const [regex] = findVulnerabilities([pkg('crates.io', 'regex', '1.5.3')], index);
    assert.deepEqual([regex?.id, regex?.severity, regex?.cvssScore, regex?.fixed], ['RUSTSEC-2022-0013', 'high', 7.5, ['1.5.5']]);
  });

  test('last_affected: affected up to and including it', () => {
    assert.deepEqual(ids([pkg('PyPI', 'py', '1.11.0'), pkg('PyPI', 'py', '1.11.1')]), ['py@1.11.0 PYSEC-2022-42969']);
  });

  test('records sharing aliases become one finding named by the home database, with every other id as an alias', () => {
    const [failure, ...rest] = findVulnerabilities([pkg('crates.io', 'failure', '0.1.8')], index);
    assert.equal(rest.length, 0);
    assert.equal(failure?.id, 'RUSTSEC-2019-0036');
    assert.deepEqual(failure?.aliases, ['CVE-2019-25010', 'CVE-2020-25575', 'GHSA-jq66-xh47-j9f3', 'GHSA-r98r-j25q-rmpr', 'RUSTSEC-2020-0036']);
  });

  test('crates.io: build metadata does not move a version out of a range; CVSS v4 scores', () => {
    assert.deepEqual(ids([pkg('crates.io', 'libgit2-sys', '0.12.19+1.1.0'), pkg('crates.io', 'libgit2-sys', '0.14.2+1.5.1')]), ['libgit2-sys@0.12.19+1.1.0 RUSTSEC-2023-0003']);
    const v4 = record('RUSTSEC-2024-0445');
    const name = v4.affected[0]?.package?.name ?? '';
    const [finding] = findVulnerabilities([pkg('crates.io', name, '0.0.1')], index);
    assert.equal(finding?.id, 'RUSTSEC-2024-0445');
    assert.ok(finding?.severity !== null && finding?.cvssScore !== null);
  });

  test('crates.io: many one-version intervals opened at `x.y.z-0`', () => {
    assert.deepEqual(
      findVulnerabilities(['0.1.44', '0.2.0', '0.2.1-alpha', '0.2.1', '0.2.7', '0.2.23'].map((v) => pkg('crates.io', 'time', v)), index).map((f) => [f.version, f.fixed]),
      [['0.1.44', ['0.2.0']], ['0.2.1-alpha', ['0.2.1']], ['0.2.7', ['0.2.23']]],
    );
  });

  test('Go: module versions without the v, pseudo-versions ordered against a pseudo-version fix', () => {
    assert.deepEqual(ids([pkg('Go', 'github.com/miekg/dns', '1.1.25-0.20191211073108-0123456789ab'), pkg('Go', 'github.com/miekg/dns', '1.1.25-0.20191211073109-8ebf2e419df7'), pkg('Go', 'golang.org/x/sys', '0.3.0')]), [
      'github.com/miekg/dns@1.1.25-0.20191211073108-0123456789ab GO-2020-0008',
      'golang.org/x/sys@0.3.0 GO-2026-5024',
    ]);
  });

  test('npm: prerelease ordering decides a SEMVER range edge', () => {
    assert.deepEqual(ids([pkg('npm', '@solana/web3.js', '1.95.6'), pkg('npm', '@solana/web3.js', '1.95.8-beta.1'), pkg('npm', '@solana/web3.js', '1.95.8')]), [
      '@solana/web3.js@1.95.6 MAL-2024-11183',
      '@solana/web3.js@1.95.8-beta.1 MAL-2024-11183',
    ]);
  });

  test('a lookup touches only the package asked for', () => {
    assert.equal(index.lookup('PyPI', 'Django').length, 1);
    assert.equal(index.lookup('PyPI', 'flask').length, 0);
    assert.equal(index.lookup('npm', 'django').length, 0);
  });

  test('records matched in parts (a database read a page at a time) give the findings of one index over them all', () => {
    const packages = [
      pkg('PyPI', 'Django', '3.1.2'),
      pkg('PyPI', 'py', '1.11.0'),
      pkg('PyPI', 'aiohttp', '3.6.2'),
      pkg('crates.io', 'failure', '0.1.8'),
      pkg('crates.io', 'regex', '1.5.3'),
      pkg('crates.io', 'time', '0.1.44'),
      pkg('crates.io', 'time', '0.2.7'),
      pkg('Go', 'golang.org/x/sys', '0.3.0'),
      pkg('npm', '@solana/web3.js', '1.95.6'),
    ];
    const expected = findVulnerabilities(packages, index);
    assert.ok(expected.length >= 8);
    for (const size of [1, 2, 5, records.length]) {
      const matcher = vulnerabilityMatcher(packages);
      for (let i = 0; i < records.length; i += size) matcher.add(records.slice(i, i + size));
      assert.deepEqual(matcher.findings(), expected, `parts of ${size}`);
    }
    // Withdrawn records are ignored, as by the index.
    const withdrawn = vulnerabilityMatcher([pkg('PyPI', 'django', '2.2.16')]);
    withdrawn.add([record('PYSEC-2021-439', (r) => (r.withdrawn = '2022-01-01T00:00:00Z'))]);
    assert.deepEqual(withdrawn.findings(), []);
  });
});
