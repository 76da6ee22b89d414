import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCsaf } from '../../../src/core/formats/csaf.ts';
import { toCsafVex } from '../../../src/core/formats/csaf-vex.ts';
import type { PartyStatement } from '../../../src/core/formats/openvex.ts';
import { csafUrl, csafFileName } from '../../../src/services/advisories/exports.ts';
import { exampleAdvisories } from '../advisories/example-advisories.ts';
import { bsiValidate, type BsiFinding } from '../../support/csaf-validator.ts';

/**
 * BSI's reference validator (@secvisogram/csaf-validator-lib) over the CSAF exports: the strict schema test, every
 * mandatory test and every optional test (6.2.x). One optional warning does not apply and is allowed: 6.2.3 (a
 * known-affected product without a score) for an advisory with no CVSS v3 vector — CSAF 2.0 carries no CVSS v4.
 */

const NS = 'https://security.example.org';
const notApplicable = (f: BsiFinding, hasV3: boolean) => f.test === 'optionalTest_6_2_3' && !hasV3;

const parties: PartyStatement[] = [
  { partyName: 'Vendor A', vulnerability: 'X', product: 'pkg:npm/vendor-a', versions: null, status: 'not_affected', justification: 'component_not_present', fixedVersions: null, statement: null, changedAt: '2026-03-05T10:00:00.000Z' },
  { partyName: 'Vendor A', vulnerability: 'X', product: 'Vendor A Appliance', versions: '>=3.0 <3.4', status: 'affected', justification: null, fixedVersions: null, statement: 'Patch 3.4 ships in May.', changedAt: '2026-03-05T10:00:00.000Z' },
  { partyName: 'Debian', vulnerability: 'X', product: 'pkg:deb/debian/privastream', versions: null, status: 'fixed', justification: null, fixedVersions: '1.0.4-1', statement: null, changedAt: '2026-03-05T10:00:00.000Z' },
  { partyName: 'Upstream', vulnerability: 'CVE-2026-99999', product: 'pkg:pypi/upstream-lib', versions: null, status: 'under_investigation', justification: null, fixedVersions: null, statement: null, changedAt: '2026-03-05T10:00:00.000Z' },
];

for (const { name, policy, advisory } of exampleAdvisories()) {
  const hasV3 = advisory.cvss.v3 !== null;

  test(`${name}: the CSAF advisory export passes BSI's validator — schema, mandatory and optional tests`, async () => {
    const doc = toCsaf(advisory, policy, { namespace: NS, trackingId: advisory.id, selfUrl: csafUrl(NS, advisory) });
    const { isValid, findings } = await bsiValidate(doc);
    assert.ok(isValid, JSON.stringify(findings, null, 2));
    assert.deepEqual(findings.filter((f) => !notApplicable(f, hasV3)), []);
  });

  test(`${name}: the CSAF VEX export (the project's and the parties' statuses) passes BSI's validator, profile csaf_vex`, async () => {
    const trackingId = `${advisory.id}-VEX`;
    const statements = parties.map((p) => (p.vulnerability === 'X' ? { ...p, vulnerability: advisory.id } : p));
    const doc = toCsafVex(advisory, policy, statements, {
      namespace: NS,
      trackingId,
      selfUrl: `${NS}/projects/${policy.project.slug}/advisories/${advisory.id}/${csafFileName(trackingId)}`,
      advisoryUrl: `${NS}/projects/${policy.project.slug}/advisories/${advisory.id}`,
      reportTrackingId: null,
    });
    assert.equal((doc.document as unknown as { category: string }).category, 'csaf_vex');
    const { isValid, findings } = await bsiValidate(doc);
    assert.ok(isValid, JSON.stringify(findings, null, 2));
    assert.deepEqual(findings.filter((f) => !notApplicable(f, hasV3)), []);
    // One status per product and vulnerability: no product id twice in a vulnerability's product_status.
    for (const v of doc.vulnerabilities as Array<{ product_status: Record<string, string[]> }>) {
      const ids = Object.values(v.product_status).flat();
      assert.equal(new Set(ids).size, ids.length);
    }
    assert.equal(doc.vulnerabilities.length, 2, 'the statement about another CVE is its own vulnerability');
  });
}
