import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVISORY_TRANSITIONS, checkAdvisoryTransition, transitionAdvisory } from '../../../src/core/advisories/states.ts';
import { ADVISORY_STATES, type Advisory, type AdvisoryState } from '../../../src/core/advisories/types.ts';
import { DomainError } from '../../../src/core/errors.ts';

const ALLOWED: [AdvisoryState, AdvisoryState][] = [
  ['draft', 'in-review'],
  ['in-review', 'draft'],
  ['in-review', 'scheduled'],
  ['in-review', 'published'],
  ['scheduled', 'in-review'],
  ['scheduled', 'published'],
  ['published', 'amended'],
  ['published', 'withdrawn'],
  ['amended', 'amended'],
  ['amended', 'withdrawn'],
];

test('the transition table is exactly the documented workflow', () => {
  const all = ADVISORY_STATES.flatMap((from) => ADVISORY_TRANSITIONS[from].map((to) => [from, to] as [AdvisoryState, AdvisoryState]));
  assert.deepEqual(all.sort(), [...ALLOWED].sort());
});

for (const from of ADVISORY_STATES) {
  for (const to of ADVISORY_STATES) {
    const ok = ALLOWED.some(([f, t]) => f === from && t === to);
    test(`${from} → ${to} is ${ok ? 'allowed' : 'refused'}`, () => {
      if (ok) checkAdvisoryTransition(from, to);
      else assert.throws(() => checkAdvisoryTransition(from, to), (e: unknown) => e instanceof DomainError && e.code === 'invalid_transition' && Array.isArray(e.details.allowed));
    });
  }
}

const base: Advisory = {
  id: 'X-SA-1', project: 'x', report_id: null, title: 't', summary: 's', details: 'd', cwe_ids: [], cvss: { v3: null, v4: null },
  affected: [], references: [], credits: [], cve_id: null, embargo_until: null, state: 'draft',
  created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', published_at: null, withdrawn_at: null, revisions: [],
};

const run = (a: Advisory, steps: { to: AdvisoryState; at: string; summary?: string }[]): Advisory => steps.reduce((x, s) => transitionAdvisory(x, s), a);

test('publishing, amending and withdrawing number the revisions 1, 2, 3 and stamp the dates', () => {
  const a = run(base, [
    { to: 'in-review', at: '2026-01-02T00:00:00Z' },
    { to: 'published', at: '2026-01-03T00:00:00Z' },
    { to: 'amended', at: '2026-01-04T00:00:00Z', summary: 'Add the 0.9 branch' },
    { to: 'withdrawn', at: '2026-01-05T00:00:00Z', summary: 'Duplicate of X-SA-0' },
  ]);
  assert.deepEqual(a.revisions, [
    { number: 1, date: '2026-01-03T00:00:00Z', summary: 'Initial public release' },
    { number: 2, date: '2026-01-04T00:00:00Z', summary: 'Add the 0.9 branch' },
    { number: 3, date: '2026-01-05T00:00:00Z', summary: 'Duplicate of X-SA-0' },
  ]);
  assert.equal(a.published_at, '2026-01-03T00:00:00Z');
  assert.equal(a.withdrawn_at, '2026-01-05T00:00:00Z');
  assert.equal(a.updated_at, '2026-01-05T00:00:00Z');
  assert.equal(base.state, 'draft', 'the input is not changed');
});

const REFUSALS: { name: string; advisory: Advisory; step: { to: AdvisoryState; at: string; summary?: string }; code: string; field?: string }[] = [
  { name: 'scheduling without an embargo date', advisory: { ...base, state: 'in-review' }, step: { to: 'scheduled', at: '2026-01-02T00:00:00Z' }, code: 'validation', field: 'embargo_until' },
  {
    name: 'publishing a scheduled advisory before its embargo date',
    advisory: { ...base, state: 'scheduled', embargo_until: '2026-02-01T00:00:00Z' },
    step: { to: 'published', at: '2026-01-31T23:59:59Z' },
    code: 'conflict',
  },
  { name: 'amending without saying what changed', advisory: { ...base, state: 'published' }, step: { to: 'amended', at: '2026-01-02T00:00:00Z' }, code: 'validation', field: 'summary' },
  { name: 'withdrawing without a reason', advisory: { ...base, state: 'published' }, step: { to: 'withdrawn', at: '2026-01-02T00:00:00Z', summary: '  ' }, code: 'validation', field: 'summary' },
  { name: 'publishing a draft without review', advisory: base, step: { to: 'published', at: '2026-01-02T00:00:00Z' }, code: 'invalid_transition' },
];

for (const r of REFUSALS) {
  test(`refused: ${r.name}`, () => {
    assert.throws(
      () => transitionAdvisory(r.advisory, r.step),
      (e: unknown) =>
        e instanceof DomainError && e.code === r.code && (!r.field || (e.details.problems as { field: string }[]).some((p) => p.field === r.field)),
    );
  });
}

test('a scheduled advisory publishes at its embargo date', () => {
  const a = transitionAdvisory({ ...base, state: 'scheduled', embargo_until: '2026-02-01T00:00:00Z' }, { to: 'published', at: '2026-02-01T00:00:00Z' });
  assert.equal(a.state, 'published');
  assert.equal(a.revisions.length, 1);
});
