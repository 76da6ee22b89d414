import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toOsv } from '../../../src/core/formats/osv.ts';
import { readOsvRecord } from '../../../src/core/scanner/osv-record.ts';
import { buildAdvisoryIndex } from '../../../src/core/scanner/advisory-index.ts';
import { findVulnerabilities } from '../../../src/core/scanner/find-vulnerabilities.ts';
import { transitionAdvisory } from '../../../src/core/advisories/states.ts';
import { exampleAdvisories } from '../advisories/example-advisories.ts';

// Our OSV export, read back by the scanner's OSV importer and matched like a lockfile would be: every version
// of the example's table is vulnerable exactly when the backport matrix says so.
for (const { name, policy, advisory, versions } of exampleAdvisories()) {
  test(`${name}: OSV export read back by the scanner matches the declared versions`, () => {
    const reading = readOsvRecord(JSON.parse(JSON.stringify(toOsv(advisory, policy))));
    assert.ok('record' in reading, 'problems' in reading ? reading.problems.join('\n') : '');
    const index = buildAdvisoryIndex([reading.record]);
    const product = advisory.affected[0];
    assert.ok(product);
    for (const [version, affected] of Object.entries(versions)) {
      const findings = findVulnerabilities([{ ecosystem: product.ecosystem, name: product.package, version, file: 'lockfile' }], index);
      assert.equal(findings.length > 0, affected, `${product.package}@${version} should be ${affected ? 'affected' : 'not affected'}`);
      if (affected) {
        assert.equal(findings[0]?.id, `x_${advisory.id}`);
        assert.deepEqual(findings[0]?.aliases, advisory.cve_id ? [advisory.cve_id] : []);
      }
    }
  });
}

test('the fix a scanner reports is the fix of the version’s own branch', () => {
  const e = exampleAdvisories().find((x) => x.name === 'personal-chatter');
  assert.ok(e);
  const reading = readOsvRecord(toOsv(e.advisory, e.policy));
  assert.ok('record' in reading);
  const index = buildAdvisoryIndex([reading.record]);
  const fixedFor = (version: string): string[] =>
    findVulnerabilities([{ ecosystem: 'crates.io', name: 'personal-chatter', version, file: 'Cargo.lock' }], index)[0]?.fixed ?? [];
  assert.deepEqual(fixedFor('0.1.3'), ['0.1.12']);
  assert.deepEqual(fixedFor('0.2.0'), ['0.2.7']);
  assert.deepEqual(fixedFor('0.0.5'), []);
});

test('a withdrawn advisory is read back but no longer matched', () => {
  const e = exampleAdvisories().find((x) => x.name === 'privastream');
  assert.ok(e);
  const withdrawn = transitionAdvisory(e.advisory, { to: 'withdrawn', at: '2026-04-01T00:00:00Z', summary: 'Not a vulnerability.' });
  const reading = readOsvRecord(toOsv(withdrawn, e.policy));
  assert.ok('record' in reading);
  assert.equal(reading.record.withdrawn, '2026-04-01T00:00:00Z');
  assert.equal(buildAdvisoryIndex([reading.record]).records, 0);
});
