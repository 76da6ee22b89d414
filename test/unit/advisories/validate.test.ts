import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advisoryProblems, assertValidAdvisory } from '../../../src/core/advisories/validate.ts';
import { creditFromReport } from '../../../src/core/advisories/credits.ts';
import type { Advisory } from '../../../src/core/advisories/types.ts';
import { DomainError } from '../../../src/core/errors.ts';
import { exampleAdvisories } from './example-advisories.ts';

const example = exampleAdvisories().find((e) => e.name === 'personal-chatter');
if (!example) throw new Error('missing example');
const { policy, advisory } = example;
const product = advisory.affected[0];
if (!product) throw new Error('missing product');

const withBranches = (branches: typeof product.branches): Advisory => ({ ...advisory, affected: [{ ...product, branches }] });
const FULL = product.branches;

// Each broken advisory names the field that is wrong.
const CASES: { name: string; advisory: Advisory; field: string }[] = [
  { name: 'empty title', advisory: { ...advisory, title: ' ' }, field: 'title' },
  { name: 'two-line summary', advisory: { ...advisory, summary: 'a\nb' }, field: 'summary' },
  { name: 'another project', advisory: { ...advisory, project: 'blayzen' }, field: 'project' },
  { name: 'malformed CWE', advisory: { ...advisory, cwe_ids: ['CWE79'] }, field: 'cwe_ids.0' },
  { name: 'CWE outside the catalogue', advisory: { ...advisory, cwe_ids: ['CWE-99999'] }, field: 'cwe_ids.0' },
  { name: 'bad CVSS v3 vector', advisory: { ...advisory, cvss: { v3: 'CVSS:3.1/AV:Q', v4: null } }, field: 'cvss.v3' },
  { name: 'v4 vector in the v3 slot', advisory: { ...advisory, cvss: { v3: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', v4: null } }, field: 'cvss.v3' },
  { name: 'bad CVE id', advisory: { ...advisory, cve_id: 'CVE-26-1' }, field: 'cve_id' },
  { name: 'non-UTC embargo date', advisory: { ...advisory, embargo_until: '2026-03-09 08:00' }, field: 'embargo_until' },
  { name: 'reference without http(s)', advisory: { ...advisory, references: [{ type: 'web', url: 'ftp://x' }] }, field: 'references.0.url' },
  { name: 'empty credit name', advisory: { ...advisory, credits: [{ name: '', type: 'finder' }] }, field: 'credits.0.name' },
  { name: 'no products', advisory: { ...advisory, affected: [] }, field: 'affected' },
  { name: 'purl of another ecosystem', advisory: { ...advisory, affected: [{ ...product, purl: 'pkg:npm/personal-chatter' }] }, field: 'affected.0.purl' },
  { name: 'unknown branch', advisory: withBranches([...FULL, { branch: '3.x', status: 'not-affected' }]), field: 'affected.0.branches.3.branch' },
  { name: 'supported branch missing', advisory: withBranches(FULL.filter((b) => b.branch !== '0.2.x')), field: 'affected.0.branches' },
  { name: 'fixed without a version', advisory: withBranches(FULL.map((b) => (b.branch === '0.2.x' ? { branch: '0.2.x', status: 'fixed' as const } : b))), field: 'affected.0.branches.0.fixed' },
  { name: 'fix outside its branch', advisory: withBranches(FULL.map((b) => (b.branch === '0.2.x' ? { ...b, fixed: '0.3.0' } : b))), field: 'affected.0.branches.0.fixed' },
  { name: 'fix that is not a version', advisory: withBranches(FULL.map((b) => (b.branch === '0.2.x' ? { ...b, fixed: 'soon' } : b))), field: 'affected.0.branches.0.fixed' },
  { name: 'won’t-fix without its last release', advisory: withBranches(FULL.map((b) => (b.branch === '< 0.1' ? { branch: '< 0.1', status: 'wont-fix' as const } : b))), field: 'affected.0.branches.2.last_affected' },
  { name: 'not-affected with a fix', advisory: withBranches(FULL.map((b) => (b.branch === '0.1.x' ? { branch: '0.1.x', status: 'not-affected' as const, fixed: '0.1.3' } : b))), field: 'affected.0.branches.1.fixed' },
  { name: 'introduced outside its branch', advisory: withBranches(FULL.map((b) => (b.branch === '0.2.x' ? { ...b, introduced: '0.1.5' } : b))), field: 'affected.0.branches.0.introduced' },
  {
    name: 'nothing affected',
    advisory: withBranches(FULL.map((b) => ({ branch: b.branch, status: 'not-affected' as const }))),
    field: 'affected',
  },
  { name: 'published without revisions', advisory: { ...advisory, revisions: [] }, field: 'revisions' },
  { name: 'revision numbers with a gap', advisory: { ...advisory, revisions: [{ number: 2, date: '2026-03-09T08:00:00Z', summary: 'x' }] }, field: 'revisions.0.number' },
];

test('the example advisory is valid', () => {
  assert.deepEqual(advisoryProblems(advisory, policy), []);
});

for (const c of CASES) {
  test(`validation: ${c.name} → ${c.field}`, () => {
    const fields = advisoryProblems(c.advisory, policy).map((p) => p.field);
    assert.ok(fields.includes(c.field), `expected a problem on ${c.field}, got ${JSON.stringify(fields)}`);
  });
}

test('assertValidAdvisory throws a validation DomainError with every problem', () => {
  assert.throws(
    () => assertValidAdvisory({ ...advisory, title: '', cve_id: 'nope' }, policy),
    (e: unknown) => e instanceof DomainError && e.code === 'validation' && (e.details.problems as unknown[]).length === 2,
  );
});

test('a literal branch (main) needs an explicit first version unless it is not affected', () => {
  const taehv = exampleAdvisories().find((e) => e.name === 'taehv');
  assert.ok(taehv);
  const p = taehv.advisory.affected[0];
  assert.ok(p);
  const broken: Advisory = { ...taehv.advisory, affected: [{ ...p, branches: p.branches.map((b) => (b.branch === 'main' ? { branch: 'main', status: 'fixed' as const, fixed: '2.0.1' } : b)) }] };
  assert.ok(advisoryProblems(broken, taehv.policy).some((x) => x.field === 'affected.0.branches.0.introduced'));
});

const CREDITS = [
  { name: 'credited under the chosen name', report: { credit_choice: 'credit' as const, credit_name: 'Ada', reporter_name: 'A. L.' }, expected: { name: 'Ada', type: 'finder' } },
  { name: 'credited under the reporter name when no credit name', report: { credit_choice: 'credit' as const, credit_name: null, reporter_name: 'A. L.' }, expected: { name: 'A. L.', type: 'finder' } },
  { name: 'anonymous: counted, not named', report: { credit_choice: 'anonymous' as const, credit_name: 'Ada', reporter_name: 'A. L.' }, expected: { name: null, type: 'finder' } },
  { name: 'credit without any name is anonymous', report: { credit_choice: 'credit' as const, credit_name: ' ', reporter_name: null }, expected: { name: null, type: 'finder' } },
];

for (const c of CREDITS) {
  test(`credit from a report: ${c.name}`, () => {
    assert.deepEqual(creditFromReport(c.report, policy), c.expected);
  });
}

test('no credit when the policy does not credit reporters', () => {
  const noCredit = { recognition: { ...policy.recognition, credit_in_advisory: false } };
  assert.equal(creditFromReport({ credit_choice: 'credit', credit_name: 'Ada', reporter_name: null }, noCredit), null);
});
