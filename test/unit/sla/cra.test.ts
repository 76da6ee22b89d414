import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDeadlines } from '../../../src/core/sla/clock.ts';
import { craDeadlines, oneMonthAfter } from '../../../src/core/sla/cra.ts';
import type { SlaEvent } from '../../../src/core/sla/types.ts';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const AWARE = '2026-09-14T10:00:00.000Z';
const base: SlaEvent[] = [
  { kind: 'submitted', at: '2026-09-14T09:00:00.000Z' },
  { kind: 'exploitation', at: '2026-09-14T11:00:00.000Z', actively_exploited: true, severe_incident: false, aware_at: AWARE },
];
const at = (iso: string): number => Date.parse(iso);
const byClock = (events: SlaEvent[], now: string) => Object.fromEntries(craDeadlines(events, at(now)).map((d) => [d.clock, d]));

test('no marking, no CRA clock; a marking seen later than now is ignored (replay)', () => {
  assert.deepEqual(craDeadlines([base[0]!], at('2026-09-20T00:00:00Z')), []);
  assert.deepEqual(craDeadlines(base, at('2026-09-14T10:30:00Z')), []);
});

test('24 h and 72 h from awareness; the final report waits for a fix, then 14 days', () => {
  const d = byClock(base, '2026-09-15T09:00:00Z');
  assert.equal(d['cra-early-warning']?.dueAt, '2026-09-15T10:00:00.000Z');
  assert.equal(d['cra-early-warning']?.status, 'pending');
  assert.equal(d['cra-notification']?.dueAt, '2026-09-17T10:00:00.000Z');
  assert.equal(d['cra-final-report'], undefined);
  const fixed = [...base, { kind: 'state', at: '2026-09-20T08:00:00.000Z', to: 'fixed' } as SlaEvent];
  assert.equal(byClock(fixed, '2026-09-21T00:00:00Z')['cra-final-report']?.dueAt, '2026-10-04T08:00:00.000Z');
  const viaAdvisory = [...base, { kind: 'fix-available', at: '2026-09-18T08:00:00.000Z', source: 'advisory-fixed-version' } as SlaEvent];
  assert.equal(byClock(viaAdvisory, '2026-09-21T00:00:00Z')['cra-final-report']?.dueAt, '2026-10-02T08:00:00.000Z');
});

test('a filing meets its stage, late filing is a breach fulfilled late; unfiled past due is breached', () => {
  const events: SlaEvent[] = [
    ...base,
    { kind: 'cra-filed', at: '2026-09-15T12:00:00.000Z', stage: 'early-warning', filed_at: '2026-09-15T09:59:00.000Z', reference: 'EW-1' },
    { kind: 'cra-filed', at: '2026-09-18T12:00:00.000Z', stage: 'notification', filed_at: '2026-09-18T11:00:00.000Z', reference: 'N-1' },
  ];
  const d = byClock(events, '2026-09-19T00:00:00Z');
  assert.equal(d['cra-early-warning']?.status, 'met');
  assert.equal(d['cra-notification']?.status, 'breached');
  assert.equal(d['cra-notification']?.metAt, '2026-09-18T11:00:00.000Z');
  assert.equal(byClock(base, '2026-09-18T00:00:00Z')['cra-notification']?.status, 'breached');
});

test('the CRA clocks survive closing the report and never show to the reporter; internal reports owe them too', () => {
  const closed: SlaEvent[] = [{ kind: 'submitted', at: '2026-09-14T09:00:00.000Z', internal: true }, base[1]!, { kind: 'state', at: '2026-09-14T12:00:00.000Z', to: 'closed' }];
  const policy = { response: { timezone: 'UTC' }, disclosure: {} } as Parameters<typeof computeDeadlines>[1];
  const all = computeDeadlines(closed, policy, new Date('2026-09-15T00:00:00Z'));
  assert.deepEqual(all.map((d) => d.clock), ['cra-early-warning', 'cra-notification']);
  assert.ok(all.every((d) => !d.reporterVisible));
});

test('severe incident: one calendar month after the notification (filed, else its due time); month ends clamp', () => {
  const incident: SlaEvent[] = [base[0]!, { kind: 'exploitation', at: '2026-09-14T11:00:00.000Z', actively_exploited: false, severe_incident: true, aware_at: AWARE }];
  assert.equal(byClock(incident, '2026-09-15T00:00:00Z')['cra-final-report']?.dueAt, '2026-10-17T10:00:00.000Z');
  assert.equal(new Date(oneMonthAfter(at('2026-01-31T10:00:00Z'))).toISOString(), '2026-02-28T10:00:00.000Z');
  assert.equal(new Date(oneMonthAfter(at('2026-12-15T00:00:00Z'))).toISOString(), '2027-01-15T00:00:00.000Z');
});

test('policy: cra section parsed; applies needs a manufacturer and CSIRT; member states are EU codes', () => {
  const yaml = readFileSync(join(import.meta.dirname, '../../../examples/policies/privastream.yaml'), 'utf8');
  const ok = parsePolicy(`${yaml}\ncra:\n  applies: true\n  manufacturer: { name: ACME }\n  member_state_csirt: CERT-FR\n  member_states: [fr, DE]\n`);
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.policy?.cra, { applies: true, manufacturer: { name: 'ACME' }, member_state_csirt: 'CERT-FR', member_states: ['FR', 'DE'] });
  assert.deepEqual(parsePolicy(yaml).policy?.cra, { applies: false, member_states: [] });
  const bad = parsePolicy(`${yaml}\ncra:\n  applies: true\n  member_states: [EL, US]\n`);
  assert.deepEqual(bad.problems.map((p) => p.field).sort(), ['cra.manufacturer', 'cra.member_state_csirt', 'cra.member_states']);
});
