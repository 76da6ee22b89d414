import { test } from 'node:test';
import assert from 'node:assert/strict';
import { branchBounds } from '../../../src/core/advisories/branch-bounds.ts';
import type { AffectedProduct, BranchEntry } from '../../../src/core/advisories/types.ts';
import { osvRanges } from '../../../src/core/formats/osv.ts';
import type { SupportedVersion } from '../../../src/core/policy/types.ts';
import type { Ecosystem } from '../../../src/core/versions/ecosystems.ts';

const BOUNDS: [string, { lower: string; upper: string | null } | null][] = [
  ['1.0.x', { lower: '1.0.0', upper: '1.1.0' }],
  ['1.x.x', { lower: '1.0.0', upper: '2.0.0' }],
  ['v1.x.x', { lower: '1.0.0', upper: '2.0.0' }],
  ['0.3.x', { lower: '0.3.0', upper: '0.4.0' }],
  ['< 1.0', { lower: '0', upper: '1.0.0' }],
  ['>=1.2.0 <1.4.0', { lower: '1.2.0', upper: '1.4.0' }],
  ['*', { lower: '0', upper: null }],
  ['main', null],
  ['1.0.x || 2.0.x', null],
];

for (const [label, expected] of BOUNDS) {
  test(`branch bounds of "${label}"`, () => {
    const row: SupportedVersion = { label, status: 'supported' };
    assert.deepEqual(branchBounds(row), expected);
  });
}

const POLICY = {
  supported_versions: [
    { label: 'main', status: 'supported' },
    { label: '2.x', status: 'supported' },
    { label: '1.4.x', status: 'limited' },
    { label: '< 1.4', status: 'unsupported' },
  ] satisfies SupportedVersion[],
};

const product = (ecosystem: Ecosystem, ...branches: BranchEntry[]): AffectedProduct => ({ ecosystem, package: 'pkg', branches });

// Backport matrix → OSV ranges: one range per vulnerable branch, ordered by where the branch starts.
const RANGES: { name: string; product: AffectedProduct; expected: { type: string; events: object[]; branch: string }[] }[] = [
  {
    name: 'fixed on two branches, won’t-fix below',
    product: product('npm', { branch: '2.x', status: 'fixed', fixed: '2.3.1' }, { branch: '1.4.x', status: 'fixed', fixed: '1.4.9' }, { branch: '< 1.4', status: 'wont-fix', last_affected: '1.3.7' }),
    expected: [
      { type: 'SEMVER', branch: '< 1.4', events: [{ introduced: '0' }, { last_affected: '1.3.7' }] },
      { type: 'SEMVER', branch: '1.4.x', events: [{ introduced: '1.4.0' }, { fixed: '1.4.9' }] },
      { type: 'SEMVER', branch: '2.x', events: [{ introduced: '2.0.0' }, { fixed: '2.3.1' }] },
    ],
  },
  {
    name: 'unfixed branch ends at its branch limit; not-affected branches have no range',
    product: product('PyPI', { branch: '2.x', status: 'not-affected' }, { branch: '1.4.x', status: 'affected', introduced: '1.4.2' }),
    expected: [{ type: 'ECOSYSTEM', branch: '1.4.x', events: [{ introduced: '1.4.2' }, { limit: '1.5.0' }] }],
  },
  {
    name: 'unfixed branch with a known last release uses last_affected',
    product: product('crates.io', { branch: '1.4.x', status: 'affected', last_affected: '1.4.6' }, { branch: '2.x', status: 'not-affected' }),
    expected: [{ type: 'SEMVER', branch: '1.4.x', events: [{ introduced: '1.4.0' }, { last_affected: '1.4.6' }] }],
  },
  {
    name: 'unfixed open-ended top branch stays open',
    product: product('npm', { branch: '1.4.x', status: 'not-affected' }, { branch: 'main', status: 'affected', introduced: '3.0.0-alpha.1' }, { branch: '2.x', status: 'not-affected' }),
    expected: [{ type: 'SEMVER', branch: 'main', events: [{ introduced: '3.0.0-alpha.1' }] }],
  },
  {
    name: 'Go versions lose their v prefix (OSV writes Go versions without it)',
    product: product('Go', { branch: '2.x', status: 'fixed', introduced: 'v2.1.0', fixed: 'v2.1.4' }, { branch: '1.4.x', status: 'not-affected' }),
    expected: [{ type: 'SEMVER', branch: '2.x', events: [{ introduced: '2.1.0' }, { fixed: '2.1.4' }] }],
  },
];

for (const r of RANGES) {
  test(`backport matrix → OSV ranges: ${r.name}`, () => {
    const got = osvRanges(r.product, POLICY).map((x) => ({ type: x.type, branch: x.database_specific.branch, events: x.events }));
    assert.deepEqual(got, r.expected);
  });
}
