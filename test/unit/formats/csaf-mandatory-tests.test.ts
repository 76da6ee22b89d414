import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMPLEMENTED_MANDATORY_TESTS, runCsafMandatoryTests } from '../../../src/core/formats/csaf-mandatory-tests.ts';
import { toCsaf, type CsafDocument } from '../../../src/core/formats/csaf.ts';
import { exampleAdvisories } from '../advisories/example-advisories.ts';

const DATA = join(import.meta.dirname, '..', '..', 'fixtures', 'schemas', 'csaf', 'testdata');
const read = (name: string): unknown => JSON.parse(readFileSync(join(DATA, name), 'utf8'));

interface OasisCase {
  id: string;
  group: string;
  failures: { name: string }[];
  valid?: { name: string }[];
}
const cases = (read('testcases.json') as { tests: OasisCase[] }).tests.filter((t) => t.group === 'mandatory');

// OASIS's own test documents (csaf_2.0/test/validator/data): each failure document must trip its test, each
// valid document must not.
for (const id of IMPLEMENTED_MANDATORY_TESTS) {
  const c = cases.find((x) => x.id === id);
  test(`CSAF ${id}: the OASIS test documents`, () => {
    assert.ok(c, `no OASIS test case for ${id}`);
    for (const f of c.failures) {
      const found = runCsafMandatoryTests(read(f.name)).filter((x) => x.test === id);
      assert.ok(found.length > 0, `${f.name} should fail ${id}`);
    }
    for (const v of c.valid ?? []) {
      const found = runCsafMandatoryTests(read(v.name)).filter((x) => x.test === id);
      assert.deepEqual(found, [], `${v.name} should pass ${id}`);
    }
  });
}

// Our own export, broken one way at a time: each mutation trips the test it targets.
const personal = exampleAdvisories().find((e) => e.name === 'personal-chatter');
if (!personal) throw new Error('missing example');
const fresh = (): CsafDocument & Record<string, unknown> =>
  JSON.parse(JSON.stringify(toCsaf(personal.advisory, personal.policy, { namespace: 'https://personal-chatter.org' }))) as CsafDocument & Record<string, unknown>;

type Doc = ReturnType<typeof fresh>;
const vuln = (d: Doc): Record<string, any> => d.vulnerabilities[0] as Record<string, any>;
const leaf = (d: Doc, i: number): Record<string, any> => (d.product_tree.branches[0] as any).branches[0].branches[i];
const score = (d: Doc): Record<string, any> => vuln(d).scores[0].cvss_v3;

const VIOLATIONS: { test: string; name: string; mutate: (d: Doc) => void }[] = [
  { test: '6.1.1', name: 'status names an undefined product', mutate: (d) => vuln(d).product_status.known_affected.push('CSAFPID-9999') },
  { test: '6.1.2', name: 'two leaves share a product id', mutate: (d) => (leaf(d, 1).product.product_id = leaf(d, 0).product.product_id) },
  { test: '6.1.6', name: 'a product both fixed and known affected', mutate: (d) => vuln(d).product_status.fixed.push(vuln(d).product_status.known_affected[0]) },
  { test: '6.1.7', name: 'two v3.1 scores for one product', mutate: (d) => vuln(d).scores.push(JSON.parse(JSON.stringify(vuln(d).scores[0]))) },
  { test: '6.1.8', name: 'CVSS object without baseSeverity', mutate: (d) => delete score(d).baseSeverity },
  { test: '6.1.9', name: 'base score that the vector does not compute', mutate: (d) => (score(d).baseScore = 9.9) },
  { test: '6.1.9', name: 'temporal severity that the vector does not compute', mutate: (d) => (score(d).temporalSeverity = 'CRITICAL') },
  { test: '6.1.10', name: 'metric property contradicting the vector', mutate: (d) => (score(d).attackVector = 'LOCAL') },
  { test: '6.1.11', name: 'CWE with the wrong name', mutate: (d) => (vuln(d).cwe.name = 'Improper Input Validation') },
  { test: '6.1.13', name: 'invalid purl', mutate: (d) => (leaf(d, 2).product.product_identification_helper.purl = 'cargo:personal-chatter') },
  {
    test: '6.1.14',
    name: 'revision history numbers out of date order',
    mutate: (d) => d.document.tracking.revision_history.push({ number: '0', date: '2030-01-01T00:00:00Z', summary: 'x' }),
  },
  { test: '6.1.16', name: 'version not the latest revision', mutate: (d) => (d.document.tracking.version = '2') },
  { test: '6.1.17', name: 'version 0 in a final document', mutate: (d) => ((d.document.tracking.version = '0'), (d.document.tracking.revision_history[0]!.number = '0')) },
  {
    test: '6.1.21',
    name: 'a revision number skipped',
    mutate: (d) => (d.document.tracking.revision_history.push({ number: '3', date: '2030-01-01T00:00:00Z', summary: 'x' }), (d.document.tracking.version = '3')),
  },
  { test: '6.1.22', name: 'a revision number twice', mutate: (d) => d.document.tracking.revision_history.push({ ...d.document.tracking.revision_history[0]! }) },
  { test: '6.1.23', name: 'one CVE in two vulnerabilities', mutate: (d) => d.vulnerabilities.push({ cve: vuln(d).cve, notes: vuln(d).notes, product_status: {} }) },
  { test: '6.1.27.5', name: 'vulnerability without notes', mutate: (d) => delete vuln(d).notes },
  { test: '6.1.27.6', name: 'vulnerability without product_status', mutate: (d) => delete vuln(d).product_status },
  { test: '6.1.27.4', name: 'no product tree', mutate: (d) => delete (d as Record<string, unknown>).product_tree },
  { test: '6.1.29', name: 'remediation without products', mutate: (d) => delete vuln(d).remediations[0].product_ids },
  { test: '6.1.30', name: 'integer and semantic versions mixed', mutate: (d) => (d.document.tracking.version = '1.0.0') },
  { test: '6.1.31', name: 'a range in product_version', mutate: (d) => (leaf(d, 2).name = '<= 0.1.12') },
];

test('our CSAF export passes the implemented mandatory tests untouched', () => {
  assert.deepEqual(runCsafMandatoryTests(fresh()), []);
});

for (const v of VIOLATIONS) {
  test(`CSAF ${v.test} catches: ${v.name}`, () => {
    const d = fresh();
    v.mutate(d);
    const tests = runCsafMandatoryTests(d).map((f) => f.test);
    assert.ok(tests.includes(v.test), `expected ${v.test}, got ${JSON.stringify(tests)}`);
  });
}
