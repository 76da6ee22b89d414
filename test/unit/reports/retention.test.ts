import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSED_STATES, erasedReporterBody, sameAddress } from '../../../src/core/reports/retention.ts';
import type { ReportBody } from '../../../src/core/reports/submission.ts';

const body: ReportBody = {
  description: 'd',
  steps_to_reproduce: 's',
  impact: null,
  environment: null,
  proof_of_concept: null,
  suggested_fix: null,
  reporter_name: 'Ada Researcher',
  reporter_email: 'ada@example.org',
  credit_name: 'Ada R.',
};

test('closed states are those no longer open towards the reporter', () => {
  assert.deepEqual([...CLOSED_STATES].sort(), ['closed', 'disclosed', 'rejected']);
});

test('erasure keeps the name a credited reporter asked to be printed, and never the address', () => {
  assert.deepEqual(erasedReporterBody(body, 'credit'), { ...body, reporter_email: null });
  assert.deepEqual(erasedReporterBody(body, 'anonymous'), { ...body, reporter_email: null, reporter_name: null, credit_name: null });
  assert.equal(erasedReporterBody(body, 'anonymous').description, 'd');
});

test('addresses compare trimmed and case-insensitively', () => {
  assert.equal(sameAddress(' Ada@Example.org', 'ada@example.org'), true);
  assert.equal(sameAddress(null, 'ada@example.org'), false);
  assert.equal(sameAddress('bob@example.org', 'ada@example.org'), false);
});
