import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uncheckedForMissingData } from '../../../src/core/scanner/missing-data.ts';
import type { LockedPackage } from '../../../src/core/scanner/types.ts';

const pkg = (ecosystem: LockedPackage['ecosystem'], name: string, line?: number): LockedPackage => ({ ecosystem, name, version: '1.0.0', file: 'lock', ...(line ? { line } : {}) });

test('packages of an ecosystem with no OSV records are unchecked (no-osv-data); the others are checked; the source is asked once per ecosystem', () => {
  const asked: string[] = [];
  const result = uncheckedForMissingData([pkg('npm', 'a', 3), pkg('PyPI', 'b'), pkg('npm', 'c')], (e) => {
    asked.push(e);
    return e === 'PyPI';
  });
  assert.deepEqual(asked, ['npm', 'PyPI']);
  assert.deepEqual(result.missing, ['npm']);
  assert.deepEqual(result.checked.map((p) => p.name), ['b']);
  assert.deepEqual(result.unchecked, [
    { ecosystem: 'npm', name: 'a', spec: 'a@1.0.0', reason: 'no-osv-data', file: 'lock', line: 3 },
    { ecosystem: 'npm', name: 'c', spec: 'c@1.0.0', reason: 'no-osv-data', file: 'lock' },
  ]);
});

test('with data for every ecosystem nothing changes', () => {
  const all = [pkg('Go', 'x'), pkg('crates.io', 'y')];
  assert.deepEqual(uncheckedForMissingData(all, () => true), { missing: [], checked: all, unchecked: [] });
});
