import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import { validateSubmission, type SubmissionInput } from '../../../src/core/reports/submission.ts';
import { formatTrackingId, TRACKING_ID_PATTERN } from '../../../src/core/reports/tracking-id.ts';
import { DomainError } from '../../../src/core/errors.ts';
import type { Policy } from '../../../src/core/policy/types.ts';

const policy = (name: string): Policy => {
  const { policy } = parsePolicy(readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'policies', `${name}.yaml`), 'utf8'), { now: new Date('2026-03-01T00:00:00Z') });
  assert.ok(policy);
  return policy;
};
const chatter = policy('personal-chatter');
const base: SubmissionInput = { title: 'XSS in chat view', description: 'Stored XSS via message', steps_to_reproduce: 'send <script>', impact: 'session theft', reporter_email: 'r@example.org', credit_choice: 'anonymous', accept_terms: true };

const problemFields = (input: SubmissionInput, p: Policy = chatter): string[] => {
  try {
    validateSubmission(input, p);
    return [];
  } catch (e) {
    assert.ok(e instanceof DomainError && e.code === 'validation');
    return (e.details.problems as Array<{ field: string }>).map((x) => x.field).sort();
  }
};

const invalid: Array<[string, SubmissionInput, string[]]> = [
  ['blank title and description', { ...base, title: '  ', description: '' }, ['description', 'title']],
  ['bad email', { ...base, reporter_email: 'not-an-email' }, ['reporter_email']],
  ['unknown category', { ...base, category: 'weather' }, ['category']],
  ['credit without a name', { ...base, credit_choice: 'credit' }, ['credit_name']],
  ['malformed CVSS vector', { ...base, cvss_vector: 'AV:N/AC:L' }, ['cvss_vector']],
];
for (const [name, input, fields] of invalid) test(`invalid: ${name}`, () => assert.deepEqual(problemFields(input), fields));

const classified: Array<[string, SubmissionInput, { version: string; scope: string; flagged: boolean }]> = [
  ['supported version, in scope', { ...base, affected_version: '0.2.4', category: base.category ?? null }, { version: 'supported', scope: 'not-given', flagged: false }],
  ['limited version', { ...base, affected_version: 'v0.1.9' }, { version: 'limited', scope: 'not-given', flagged: true }],
  ['unsupported version', { ...base, affected_version: '0.0.3' }, { version: 'unsupported', scope: 'not-given', flagged: true }],
  ['no version given', { ...base }, { version: 'not-given', scope: 'not-given', flagged: false }],
  ['out-of-scope category', { ...base, category: chatter.scope.out_of_scope[0]?.id ?? 'x' }, { version: 'not-given', scope: 'out-of-scope', flagged: true }],
  ['in-scope category', { ...base, category: chatter.scope.in_scope[0]?.id ?? 'x' }, { version: 'not-given', scope: 'in-scope', flagged: false }],
];
for (const [name, input, want] of classified) {
  test(`classified, never dropped: ${name}`, () => {
    const v = validateSubmission(input, chatter);
    assert.equal(v.classification.version_status, want.version);
    assert.equal(v.classification.scope_status, want.scope);
    assert.equal(v.classification.flags.length > 0, want.flagged);
  });
}

test('policy-required fields are enforced', () => {
  const priv = policy('privastream');
  assert.deepEqual(problemFields({ title: 't', description: 'd', accept_terms: true }, priv), [...(priv.intake.required_fields ?? [])].sort());
});

test('tracking IDs: prefix, year, zero-padded sequence that grows past 9999', () => {
  assert.equal(formatTrackingId('PRIV', 2026, 7), 'PRIV-2026-0007');
  assert.equal(formatTrackingId('PC', 2027, 12345), 'PC-2027-12345');
  assert.match(formatTrackingId('PRIV', 2026, 7), TRACKING_ID_PATTERN);
});
