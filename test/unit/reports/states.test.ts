import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedTransitions, checkTransition, REPORT_STATES, TRANSITIONS, type ReportState } from '../../../src/core/reports/states.ts';
import { DomainError } from '../../../src/core/errors.ts';

const allowed: Array<[ReportState, ReportState]> = [
  ['new', 'acknowledged'],
  ['acknowledged', 'needs-info'],
  ['needs-info', 'triaged'],
  ['triaged', 'needs-info'],
  ['triaged', 'accepted'],
  ['accepted', 'fixing'],
  ['fixing', 'fixed'],
  ['fixed', 'disclosed'],
  ['disclosed', 'closed'],
  ['rejected', 'closed'],
];

for (const [from, to] of allowed) {
  test(`${from} → ${to} is allowed`, () => assert.doesNotThrow(() => checkTransition({ from, to })));
}

const forbidden: Array<[ReportState, ReportState]> = [
  ['new', 'fixed'],
  ['acknowledged', 'disclosed'],
  ['closed', 'new'],
  ['disclosed', 'fixing'],
  ['needs-info', 'accepted'],
  ['fixing', 'accepted'],
];

for (const [from, to] of forbidden) {
  test(`${from} → ${to} is refused with the allowed targets`, () => {
    assert.throws(
      () => checkTransition({ from, to }),
      (e: unknown) => e instanceof DomainError && e.code === 'invalid_transition' && JSON.stringify(e.details.allowed) === JSON.stringify(TRANSITIONS[from]),
    );
  });
}

test('rejecting needs a reason, and a duplicate needs the original', () => {
  assert.throws(() => checkTransition({ from: 'triaged', to: 'rejected' }), (e: unknown) => e instanceof DomainError && e.code === 'validation');
  assert.throws(
    () => checkTransition({ from: 'triaged', to: 'rejected', rejectionReason: 'duplicate' }),
    (e: unknown) => e instanceof DomainError && JSON.stringify(e.details).includes('duplicate_of'),
  );
  assert.doesNotThrow(() => checkTransition({ from: 'triaged', to: 'rejected', rejectionReason: 'duplicate', duplicateOf: 'PRIV-2026-0001' }));
  assert.doesNotThrow(() => checkTransition({ from: 'new', to: 'rejected', rejectionReason: 'out-of-scope' }));
});

test('every state is reachable from new, and closed is terminal', () => {
  const seen = new Set<ReportState>(['new']);
  const queue: ReportState[] = ['new'];
  while (queue.length) for (const next of TRANSITIONS[queue.shift() as ReportState]) if (!seen.has(next)) seen.add(next), queue.push(next);
  assert.deepEqual([...seen].sort(), [...REPORT_STATES].sort());
  assert.deepEqual(TRANSITIONS.closed, []);
});

describe("won't fix", () => {
  test('is a rejection reason allowed from fixing, where no other reason is', () => {
    assert.doesNotThrow(() => checkTransition({ from: 'fixing', to: 'rejected', rejectionReason: 'wont-fix' }));
    assert.throws(() => checkTransition({ from: 'fixing', to: 'rejected', rejectionReason: 'invalid' }), /can only be rejected as won't fix/);
    assert.doesNotThrow(() => checkTransition({ from: 'triaged', to: 'rejected', rejectionReason: 'wont-fix' }));
  });

  test('only a won\'t-fix report may be disclosed once rejected; allowedTransitions says so', () => {
    assert.doesNotThrow(() => checkTransition({ from: 'rejected', to: 'disclosed', currentReason: 'wont-fix' }));
    assert.throws(() => checkTransition({ from: 'rejected', to: 'disclosed', currentReason: 'duplicate' }), /Only a won't-fix report/);
    assert.deepEqual(allowedTransitions('rejected', 'wont-fix'), ['triaged', 'disclosed', 'closed']);
    assert.deepEqual(allowedTransitions('rejected', 'invalid'), ['triaged', 'closed']);
  });
});
