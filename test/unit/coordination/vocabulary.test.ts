import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStatus, VEX_JUSTIFICATIONS } from '../../../src/core/coordination/vocabulary.ts';
import { DomainError } from '../../../src/core/errors.ts';
import { productIri, projectStatus } from '../../../src/core/formats/openvex.ts';
import { versOf } from '../../../src/core/formats/csaf-vex.ts';

const base = { vulnerability: 'CVE-2026-1', product: 'pkg:npm/x' };
const fields = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DomainError && e.code === 'validation', String(e));
    return (e.details.problems as Array<{ field: string }>).map((p) => p.field);
  }
  return [];
};

test('checkStatus: the VEX rules, table-driven', () => {
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ status: 'under_investigation' }, []],
    [{ status: 'affected', statement: 'Patch in May.' }, []],
    [{ status: 'not_affected', justification: 'component_not_present' }, []],
    [{ status: 'not_affected' }, ['justification']],
    [{ status: 'not_affected', justification: 'not_a_vex_word' }, ['justification']],
    [{ status: 'affected', justification: 'component_not_present' }, ['justification']],
    [{ status: 'fixed' }, ['fixed_versions']],
    [{ status: 'fixed', fixed_versions: '2.0.1' }, []],
    // Silence is "unknown": it is never set, only shown.
    [{ status: 'unknown' }, ['status']],
    [{ status: 'maybe' }, ['status']],
    [{ status: 'affected', product: ' ' }, ['product']],
  ];
  for (const [input, expected] of cases) {
    assert.deepEqual(fields(() => checkStatus({ ...base, ...input } as Parameters<typeof checkStatus>[0])), expected, JSON.stringify(input));
  }
  assert.equal(VEX_JUSTIFICATIONS.length, 5);
});

test('checkStatus keeps fixed versions only for fixed, and blanks as null', () => {
  const s = checkStatus({ ...base, status: 'affected', fixed_versions: '2.0', versions: '  ', statement: '' });
  assert.deepEqual([s.fixedVersions, s.versions, s.statement], [null, null, null]);
});

test('versOf: constraint lists become vers, free text does not', () => {
  assert.equal(versOf('>=3.0 <3.4'), 'vers:generic/>=3.0|<3.4');
  assert.equal(versOf('>=3.0, <3.4'), 'vers:generic/>=3.0|<3.4');
  assert.equal(versOf('vers:npm/>=1.0.0|<2.0.0'), 'vers:npm/>=1.0.0|<2.0.0');
  assert.equal(versOf('all releases before the spring one'), null);
});

test('productIri: a purl as it is, a name as a urn under its party', () => {
  assert.equal(productIri('pkg:npm/x', 'Vendor A'), 'pkg:npm/x');
  assert.equal(productIri('Appliance 3', 'Vendor A'), 'urn:embargo:product:Vendor%20A:Appliance%203');
});

test("projectStatus folds the branches: affected (or won't fix) wins, then fixed, then not affected", () => {
  const p = (statuses: Array<'affected' | 'fixed' | 'not-affected' | 'wont-fix'>) =>
    projectStatus({ ecosystem: 'npm', package: 'x', branches: statuses.map((status, i) => ({ branch: `${i}.x`, status, ...(status === 'fixed' ? { fixed: `${i}.1` } : {}) })) }).status;
  assert.equal(p(['fixed', 'affected']), 'affected');
  assert.equal(p(['fixed', 'wont-fix']), 'affected');
  assert.equal(p(['fixed', 'not-affected']), 'fixed');
  assert.equal(p(['not-affected']), 'not_affected');
});
