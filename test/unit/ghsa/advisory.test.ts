import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { advisoryPrefillOf, readGhsaExport, reportStateOf, reportTextOf, GHSA_STATES } from '../../../src/core/ghsa/advisory.ts';
import { isDomainError } from '../../../src/core/errors.ts';

const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/ghsa/repository-advisories-example.json'), 'utf8')) as unknown[];

test("GitHub's documented example reads with every field Embargo keeps", () => {
  const [a] = readGhsaExport(example);
  assert.deepEqual(a, {
    ghsa_id: 'GHSA-abcd-1234-efgh',
    cve_id: 'CVE-2050-00000',
    html_url: 'https://github.com/repo/a-package/security/advisories/GHSA-abcd-1234-efgh',
    summary: 'A short summary of the advisory.',
    description: 'A detailed description of what the advisory entails.',
    severity: 'critical',
    state: 'published',
    created_at: '2020-01-01T00:00:00.000Z',
    updated_at: '2020-01-02T00:00:00.000Z',
    published_at: '2020-01-03T00:00:00.000Z',
    cvss_v3: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    cvss_v4: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    cwe_ids: ['CWE-123'],
    credits: [{ login: 'octocat', type: 'analyst' }],
    vulnerabilities: [
      { ecosystem: 'pip', package: 'a-package', vulnerable_version_range: '>= 1.0.0, < 1.0.1', patched_versions: '1.0.1' },
      { ecosystem: 'pip', package: 'another-package', vulnerable_version_range: '>= 1.0.0, < 1.0.2', patched_versions: '1.0.2' },
    ],
  });
  const text = reportTextOf(a!);
  assert.equal(text.title, 'A short summary of the advisory.');
  assert.match(text.description, /Affected: pip\/another-package >= 1\.0\.0, < 1\.0\.2; patched: 1\.0\.2/);
  assert.deepEqual(advisoryPrefillOf(a!).credits, [{ name: 'octocat', type: 'analyst' }]);
});

test('every GitHub state has a report state; unknown ones and missing ids are refused with their index', () => {
  assert.deepEqual(GHSA_STATES.map((s) => reportStateOf(s).state), ['new', 'accepted', 'disclosed', 'rejected', 'closed']);
  try {
    readGhsaExport([{ ...(example[0] as object), state: 'open' }, { summary: 'x' }, 'nope']);
    assert.fail('expected a validation error');
  } catch (e) {
    assert.ok(isDomainError(e));
    assert.deepEqual((e.details as { problems: { field: string }[] }).problems.map((p) => p.field), ['[0].state', '[1].ghsa_id', '[2].']);
  }
});

test('only vectors of the right version are kept; the legacy cvss field fills in', () => {
  const [a] = readGhsaExport([{ ...(example[0] as object), cvss_severities: { cvss_v3: { vector_string: 'CVSS:4.0/AV:N' }, cvss_v4: null }, cvss: { vector_string: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } }]);
  assert.equal(a?.cvss_v3, null, 'a v4 vector in the v3 slot is dropped');
  assert.equal(a?.cvss_v4, null);
  const [b] = readGhsaExport([{ ...(example[0] as object), cvss_severities: undefined }]);
  assert.equal(b?.cvss_v3, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
});
