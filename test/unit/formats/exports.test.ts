import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advisoryProblems } from '../../../src/core/advisories/validate.ts';
import { transitionAdvisory } from '../../../src/core/advisories/states.ts';
import { toOsv } from '../../../src/core/formats/osv.ts';
import { toCveCnaContainer, toCveRecord } from '../../../src/core/formats/cve5.ts';
import { toCsaf } from '../../../src/core/formats/csaf.ts';
import { runCsafMandatoryTests } from '../../../src/core/formats/csaf-mandatory-tests.ts';
import { exampleAdvisories } from '../advisories/example-advisories.ts';
import { describeErrors, validators } from './schema-validators.ts';

const CNA = { orgId: '8254265b-2729-46b6-b9e3-3dfca2d5bfca', shortName: 'embargo-test' };
const csafOptions = (slug: string) => ({ namespace: `https://${slug}.example.org`, selfUrl: `https://${slug}.example.org/.well-known/csaf/white/2026/${slug}.json`, generatedAt: '2026-03-10T00:00:00Z' });

const withdraw = exampleAdvisories().map((e) => ({
  ...e,
  name: `${e.name} (withdrawn)`,
  advisory: e.advisory.state === 'published' || e.advisory.state === 'amended' ? transitionAdvisory(e.advisory, { to: 'withdrawn', at: '2026-04-01T12:00:00Z', summary: 'Withdrawn: the report was a duplicate of an earlier advisory.' }) : null,
}));

const cases = [...exampleAdvisories(), ...withdraw.flatMap((w) => (w.advisory ? [{ ...w, advisory: w.advisory }] : []))];

for (const { name, policy, advisory } of cases) {
  test(`${name}: the advisory is valid for its policy`, () => {
    assert.deepEqual(advisoryProblems(advisory, policy), []);
  });

  test(`${name}: OSV export validates against OSV schema 1.7`, () => {
    const osv = toOsv(advisory, policy);
    assert.ok(validators.osv(osv), describeErrors(validators.osv.errors));
  });

  test(`${name}: CVE 5.1.1 CNA container${advisory.cve_id ? ' and full record' : ''} validate`, () => {
    if (advisory.state !== 'withdrawn') {
      const cna = toCveCnaContainer(advisory, policy, CNA);
      assert.ok(validators.cna(cna), describeErrors(validators.cna.errors));
    }
    if (advisory.cve_id) {
      const record = toCveRecord(advisory, policy, { ...CNA, dateReserved: '2026-03-01T00:00:00Z' });
      assert.ok(validators.record(record), describeErrors(validators.record.errors));
      assert.equal((record.cveMetadata as { state: string }).state, advisory.state === 'withdrawn' ? 'REJECTED' : 'PUBLISHED');
    }
  });

  test(`${name}: CSAF 2.0 export validates and passes the mandatory tests`, () => {
    const csaf = toCsaf(advisory, policy, csafOptions(policy.project.slug));
    assert.ok(validators.csaf(csaf), describeErrors(validators.csaf.errors));
    assert.deepEqual(runCsafMandatoryTests(csaf), []);
  });
}
