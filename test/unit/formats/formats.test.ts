import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toOsv } from '../../../src/core/formats/osv.ts';
import { toCveCnaContainer, toCveRecord } from '../../../src/core/formats/cve5.ts';
import { toCsaf } from '../../../src/core/formats/csaf.ts';
import { cvss3Json, cvss4Json } from '../../../src/core/formats/cvss-json.ts';
import { purlFor } from '../../../src/core/advisories/purl.ts';
import { DomainError } from '../../../src/core/errors.ts';
import { exampleAdvisories } from '../advisories/example-advisories.ts';

const get = (name: string) => {
  const e = exampleAdvisories().find((x) => x.name === name);
  if (!e) throw new Error(name);
  return e;
};
const CNA = { orgId: '8254265b-2729-46b6-b9e3-3dfca2d5bfca' };

test('anonymous credits: left out of OSV, "Anonymous" in CVE, unnamed in CSAF', () => {
  const { advisory, policy } = get('blayzen');
  assert.deepEqual(advisory.credits, [{ name: null, type: 'finder' }]);
  assert.equal(toOsv(advisory, policy).credits, undefined);
  assert.deepEqual(toCveCnaContainer(advisory, policy, CNA).credits, [{ lang: 'en', value: 'Anonymous', type: 'finder' }]);
  const ack = (toCsaf(advisory, policy, { namespace: 'https://blayzen.dev' }).vulnerabilities[0] as { acknowledgments: unknown[] }).acknowledgments;
  assert.deepEqual(ack, [{ summary: 'An anonymous finder' }]);
  assert.ok(!JSON.stringify([toOsv(advisory, policy), toCveCnaContainer(advisory, policy, CNA)]).includes('Should Not Appear'));
});

test('OSV: CVE id as alias, both CVSS vectors, credit types upper-case', () => {
  const { advisory, policy } = get('personal-chatter');
  const osv = toOsv(advisory, policy);
  assert.deepEqual(osv.aliases, ['CVE-2026-20002']);
  assert.deepEqual(osv.severity, [{ type: 'CVSS_V3', score: advisory.cvss.v3 }]);
  assert.deepEqual(osv.credits?.map((c) => c.type), ['FINDER', 'REMEDIATION_DEVELOPER']);
  assert.equal(osv.id, 'x_PCHAT-SA-2026-002');
  assert.equal(toOsv(advisory, policy, { id: 'PCHAT-1' }).id, 'PCHAT-1');
});

test('CVE: metrics for v3.1 and v4.0, CWE problem types, a withdrawn advisory is REJECTED', () => {
  const { advisory, policy } = get('taehv');
  const cna = toCveCnaContainer(advisory, policy, CNA) as unknown as { metrics: Record<string, unknown>[]; problemTypes: unknown[] };
  assert.deepEqual(cna.metrics.map((m) => Object.keys(m).find((k) => k.startsWith('cvss'))), ['cvssV4_0', 'cvssV3_1']);
  assert.deepEqual(cna.problemTypes, [{ descriptions: [{ lang: 'en', type: 'CWE', cweId: 'CWE-918', description: 'CWE-918: Server-Side Request Forgery (SSRF)' }] }]);
  assert.throws(() => toCveRecord({ ...advisory, cve_id: null }, policy, CNA), (e: unknown) => e instanceof DomainError && e.code === 'validation');
});

test('CSAF: product status and remediations follow the backport matrix', () => {
  const { advisory, policy } = get('mini-biai-1');
  const csaf = toCsaf(advisory, policy, { namespace: 'https://mini-biai-1.org' });
  const v = csaf.vulnerabilities[0] as { product_status: Record<string, string[]>; remediations: { category: string; product_ids: string[] }[] };
  assert.deepEqual(Object.keys(v.product_status), ['known_affected']);
  assert.deepEqual(v.remediations.map((r) => r.category), ['no_fix_planned', 'none_available']);
  // Scheduled, not yet public: a draft with revision 0.
  assert.equal(csaf.document.tracking.status, 'draft');
  assert.equal(csaf.document.tracking.version, '0');
  const fixedDoc = toCsaf(get('personal-chatter').advisory, get('personal-chatter').policy, { namespace: 'https://personal-chatter.org' });
  const fv = fixedDoc.vulnerabilities[0] as { product_status: Record<string, string[]>; remediations: { category: string }[] };
  assert.equal(fv.product_status.fixed?.length, 2);
  assert.deepEqual(fv.remediations.map((r) => r.category), ['no_fix_planned', 'vendor_fix', 'vendor_fix']);
});

test('FIRST CVSS JSON: metrics spelled as the schemas spell them, scores from scoreCvss', () => {
  const j = cvss3Json('CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:N/E:P/RL:O/RC:C');
  assert.equal(j.attackVector, 'NETWORK');
  assert.equal(j.exploitCodeMaturity, 'PROOF_OF_CONCEPT');
  assert.equal(j.baseScore, 6.8);
  assert.equal(j.baseSeverity, 'MEDIUM');
  assert.equal(j.temporalScore, 6.1);
  assert.equal(j.environmentalScore, undefined);
  assert.deepEqual(cvss4Json('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), {
    version: '4.0',
    vectorString: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    baseScore: 9.3,
    baseSeverity: 'CRITICAL',
  });
});

const PURLS: [Parameters<typeof purlFor>, string][] = [
  [['npm', '@blayzen/core'], 'pkg:npm/%40blayzen/core'],
  [['npm', 'left-pad', '1.3.0'], 'pkg:npm/left-pad@1.3.0'],
  [['PyPI', 'Mini_BIAI.1'], 'pkg:pypi/mini-biai-1'],
  [['Go', 'github.com/taehv/taehv', '1.3.1'], 'pkg:golang/github.com/taehv/taehv@1.3.1'],
  [['crates.io', 'personal-chatter'], 'pkg:cargo/personal-chatter'],
];
for (const [args, expected] of PURLS) {
  test(`purl of ${args.join(' ')}`, () => assert.equal(purlFor(...args), expected));
}

test('CVE versions: a branch is stated for its whole range, releases before the bug unaffected', () => {
  const { advisory, policy } = get('blayzen');
  const cna = toCveCnaContainer(advisory, policy, CNA) as unknown as { affected: { versions: unknown[] }[] };
  assert.deepEqual(cna.affected[0]?.versions, [
    { version: '0', status: 'unaffected', versionType: 'semver', lessThan: '1.0.0' },
    { version: '1.0.0', status: 'unaffected', versionType: 'semver', lessThan: '1.2.0' },
    { version: '1.2.0', status: 'affected', versionType: 'semver', lessThan: '1.4.2' },
    { version: '1.4.2', status: 'unaffected', versionType: 'semver', lessThan: '2.0.0' },
  ]);
});
