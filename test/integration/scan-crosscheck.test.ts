import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { loadOsvRecords } from '../../src/adapters/osv/load-osv-records.ts';
import { buildAdvisoryIndex, type AdvisoryIndex } from '../../src/core/scanner/advisory-index.ts';
import type { Finding } from '../../src/core/scanner/find-vulnerabilities.ts';
import { parseLockfile } from '../../src/core/scanner/parse-lockfile.ts';
import { scanLockfile, type LockfileScan } from '../../src/core/scanner/scan-lockfile.ts';
import { cycloneDxFor, spdxFor } from '../support/sbom.ts';
import { isEcosystem, normalisePackageName } from '../../src/core/versions/ecosystems.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scanner');

interface PeerFinding {
  ecosystem: string;
  package: string;
  version: string;
  id: string;
  aliases: string[];
}

interface PeerReport {
  lockfile: string;
  packages: number;
  findings: PeerFinding[];
}

/**
 * Where we and osv-detector v0.11.2 disagree, each decided against the peer in docs/scanner.md
 * ("Cross-check against osv-detector"). Anything not listed here must be equal.
 */
interface ExpectedDifference {
  /** Our count of distinct registry packages, when the peer counts something else. */
  packages?: number;
  /** Extra aliases we report for a finding `version id`. */
  extraAliases?: Record<string, string[]>;
}

const DIFFERENCES: Record<string, ExpectedDifference> = {
  // The peer counts the three unpinned requirements as packages; we report them as unpinned.
  'redash-2019-09/requirements.txt': { packages: 57 },
  // The peer counts 15 workspace folders, their 15 node_modules links and 3 npm-alias folders
  // (string-width-cjs, strip-ansi-cjs, wrap-ansi-cjs) as packages of their own.
  'documenso-2023-12/package-lock.json': { packages: 1434 },
  // The peer counts the 36 workspace crates (no `source`); on `failure` it keeps the first of two records
  // sharing aliases and drops the other's id, which we keep as an alias of the merged finding.
  'nushell-2021/Cargo.lock': { packages: 651, extraAliases: { '0.1.8 RUSTSEC-2019-0036': ['RUSTSEC-2020-0036'] } },
};

const peer = (name: string): PeerReport => JSON.parse(readFileSync(join(FIXTURES, 'expected', `${name}.json`), 'utf8')) as PeerReport;

const keyOf = (f: { ecosystem: string; package: string; version: string; id: string }): string =>
  `${f.ecosystem} ${isEcosystem(f.ecosystem) ? normalisePackageName(f.ecosystem, f.package) : f.package} ${f.version} ${f.id}`;

let index: AdvisoryIndex;

function scan(lockfile: string): LockfileScan {
  const file = join(FIXTURES, 'lockfiles', lockfile);
  return scanLockfile(file, readFileSync(file, 'utf8'), index, (p) => readFileSync(p, 'utf8'));
}

/** Our findings equal the peer's: same (ecosystem, package, version, id) set, same aliases but the listed extras. */
function assertSameFindings(ours: Finding[], theirs: PeerFinding[], extraAliases: Record<string, string[]> = {}): void {
  assert.deepEqual(ours.map(keyOf).sort(), theirs.map(keyOf).sort());
  const peerAliases = new Map(theirs.map((f) => [keyOf(f), f.aliases]));
  for (const f of ours) {
    const extra = extraAliases[`${f.version} ${f.id}`] ?? [];
    assert.deepEqual(f.aliases, [...(peerAliases.get(keyOf(f)) ?? []), ...extra].sort(), `aliases of ${f.package} ${f.version} ${f.id}`);
  }
}

describe('cross-check with osv-detector v0.11.2 on the sample lockfiles and OSV data', () => {
  before(async () => {
    const records = [];
    for (const zip of ['Go', 'PyPI', 'crates.io', 'npm-MAL']) {
      const load = await loadOsvRecords(join(FIXTURES, 'osv-sample', `${zip}.zip`));
      records.push(...load.records);
    }
    index = buildAdvisoryIndex(records);
  });

  const compared = ['awx-2021-02/requirements.txt', 'redash-2019-09/requirements.txt', 'documenso-2023-12/package-lock.json', 'outline-2021-04/yarn.lock', 'osvdev-2024-07/poetry.lock', 'nushell-2021/Cargo.lock', 'osv-scanner-2022/go.mod'];
  for (const lockfile of compared) {
    test(lockfile, () => {
      const expected = peer(lockfile.replace('/', '.'));
      const difference = DIFFERENCES[lockfile] ?? {};
      const ours = scan(lockfile);
      assert.equal(ours.packages, difference.packages ?? expected.packages, 'distinct packages');
      if (difference.packages !== undefined) assert.notEqual(difference.packages, expected.packages, 'a listed difference must still differ');
      assertSameFindings(ours.findings, expected.findings, difference.extraAliases);
    });
  }

  test('a CycloneDX BOM (1.5 and 1.6) and an SPDX 2.3 document listing the same packages as each lockfile give the same findings', () => {
    for (const name of [...compared, 'osv-scanner-2022/go.sum', 'kysely-HEAD/pnpm-lock.yaml']) {
      const file = join(FIXTURES, 'lockfiles', name);
      const lock = scanLockfile(file, readFileSync(file, 'utf8'), index, (p) => readFileSync(p, 'utf8'));
      const { packages } = parseLockfile(file, readFileSync(file, 'utf8'), (p) => readFileSync(p, 'utf8'));
      // An SBOM's PyPI names are the purl's (lower case): compare findings by normalised name, ignoring order and lines.
      const withoutFile = (findings: Finding[]) => findings.map((f) => JSON.stringify({ ...f, file: '', line: 0, package: normalisePackageName(f.ecosystem, f.package) })).sort();
      for (const [bomName, bom] of [['bom.json', cycloneDxFor(packages, '1.5')], ['bom.cdx.json', cycloneDxFor(packages, '1.6')], ['sbom.spdx.json', spdxFor(packages)]] as const) {
        const fromBom = scanLockfile(bomName, bom, index);
        assert.equal(fromBom.packages, lock.packages, `${name} as ${bomName}`);
        assert.deepEqual(withoutFile(fromBom.findings), withoutFile(lock.findings), `${name} as ${bomName}`);
      }
    }
  });

  test('osv-scanner-2022/go.sum, which the peer does not read, finds what go.mod finds', () => {
    const ours = scan('osv-scanner-2022/go.sum');
    // go.sum also holds the six modules only tests build (cupaloy, go-spew, go-difflib, testify, check.v1, yaml.v3).
    assert.equal(ours.packages, 24);
    assertSameFindings(ours.findings, peer('osv-scanner-2022.go.mod').findings);
  });

  test('kysely-HEAD/pnpm-lock.yaml, on which the peer stops (lockfile v9): read whole, and clean of the sampled npm malware', () => {
    const ours = scan('kysely-HEAD/pnpm-lock.yaml');
    assert.equal(ours.packages, 1684);
    assert.deepEqual(ours.findings, []);
  });
});
