import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../src/core/errors.ts';
import { formatMinor, parseAmount } from '../../../src/core/bounty/currency.ts';
import { proposeBounty, rangeFor, type BountyRangeSnapshot } from '../../../src/core/bounty/proposal.ts';
import { decideAward, describeRange, isWithinRange, type RewardInput } from '../../../src/core/bounty/award.ts';
import { BOUNTY_STATES, BOUNTY_TRANSITIONS, checkBountyTransition, type BountyState } from '../../../src/core/bounty/states.ts';
import { totalsByReporter, totalsByYear, yearOf, type LedgerLine } from '../../../src/core/bounty/totals.ts';
import { reporterIdentity } from '../../../src/core/bounty/reporter.ts';
import type { Severity } from '../../../src/core/severity.ts';
import { loadExample } from '../policy/examples.ts';

const chatter = loadExample('personal-chatter');
const privastream = loadExample('privastream');

const isCode = (code: string, field?: string) => (e: unknown) =>
  e instanceof DomainError && e.code === code && (field === undefined || JSON.stringify(e.details).includes(`"field":"${field}"`));

// ── Range per severity (personal-chatter: critical 500–2000, high 200–500, medium 50–200, low Recognition + Swag).
const RANGES: Array<[Severity | null, { min: number | null; max: number | null; rewards: string[] } | null, string]> = [
  ['critical', { min: 50000, max: 200000, rewards: [] }, '500.00–2000.00 USD'],
  ['high', { min: 20000, max: 50000, rewards: [] }, '200.00–500.00 USD'],
  ['medium', { min: 5000, max: 20000, rewards: [] }, '50.00–200.00 USD'],
  ['low', { min: null, max: null, rewards: ['Recognition', 'Swag'] }, 'Recognition + Swag'],
  ['none', null, 'no range'],
  [null, null, 'no range'],
];
for (const [severity, expected, text] of RANGES) {
  test(`personal-chatter proposes for severity ${severity}: ${text}`, () => {
    const proposal = proposeBounty(chatter.bounty, severity);
    assert.ok(proposal, 'a policy with a bounty program always proposes');
    if (expected === null) assert.equal(proposal.range, null);
    else assert.deepEqual(proposal.range, { severity, currency: 'USD', minMinor: expected.min, maxMinor: expected.max, rewards: expected.rewards });
    assert.equal(describeRange(proposal.range), text);
  });
}

test('a policy without a bounty program proposes nothing, for any severity', () => {
  for (const s of ['critical', 'high', 'medium', 'low', 'none', null] as const) assert.equal(proposeBounty(privastream.bounty, s), null);
});

test('a one-sided range: from / up to', () => {
  const bounty = { currency: 'EUR', ranges: { high: { min: 100 }, low: { max: 50, rewards: ['Swag'] } } };
  assert.equal(describeRange(rangeFor(bounty, 'high')), 'from 100.00 EUR');
  assert.equal(describeRange(rangeFor(bounty, 'low')), 'up to 50.00 EUR + Swag');
  assert.equal(rangeFor(bounty, 'critical'), null, 'a severity the policy does not list has no range');
});

// ── Amounts.
const AMOUNTS: Array<[string | number, string, number | null]> = [
  ['1500', 'USD', 150000],
  ['1500.5', 'USD', 150050],
  [1500.5, 'USD', 150050],
  ['0.01', 'USD', 1],
  ['1500.00', 'JPY', 1500],
  ['10.5', 'JPY', null],
  ['1.125', 'KWD', 1125],
  ['0.001', 'USD', null],
  ['0', 'USD', null],
  ['-5', 'USD', null],
  ['1e3', 'USD', null],
  ['12,50', 'EUR', null],
  [Number.NaN, 'USD', null],
];
for (const [input, currency, minor] of AMOUNTS) {
  test(`amount ${String(input)} ${currency} → ${minor ?? 'refused'}`, () => {
    const r = parseAmount(input, currency);
    if (minor === null) assert.ok('problem' in r, JSON.stringify(r));
    else assert.deepEqual(r, { minor });
  });
}

test('formatting minor units', () => {
  assert.equal(formatMinor(150050, 'USD'), '1500.50');
  assert.equal(formatMinor(5, 'USD'), '0.05');
  assert.equal(formatMinor(1500, 'JPY'), '1500');
  assert.equal(formatMinor(1125, 'KWD'), '1.125');
  assert.equal(formatMinor(0, 'EUR'), '0.00');
});

// ── Awards against the range.
const high = rangeFor(chatter.bounty, 'high');
const low = rangeFor(chatter.bounty, 'low');
const AWARDS: Array<[string, RewardInput, BountyRangeSnapshot | null, boolean]> = [
  ['money inside the range', { kind: 'money', amount: 300, currency: 'USD' }, high, false],
  ['money at the lower bound', { kind: 'money', amount: '200', currency: 'usd' }, high, false],
  ['money at the upper bound', { kind: 'money', amount: '500.00', currency: 'USD' }, high, false],
  ['money above the range', { kind: 'money', amount: '500.01', currency: 'USD' }, high, true],
  ['money below the range', { kind: 'money', amount: 150, currency: 'USD' }, high, true],
  ['money in another currency', { kind: 'money', amount: 300, currency: 'EUR' }, high, true],
  ['money where the range offers rewards only', { kind: 'money', amount: 50, currency: 'USD' }, low, true],
  ['money with no range at all', { kind: 'money', amount: 50, currency: 'USD' }, null, true],
  ['swag instead of a promised minimum', { kind: 'non-money', items: ['Swag'] }, high, true],
  ['swag where swag is promised', { kind: 'non-money', items: ['Swag', ' Recognition '] }, low, false],
  ['credit only where nothing was promised', { kind: 'credit-only' }, null, false],
  ['credit only instead of a promised minimum', { kind: 'credit-only' }, high, true],
];
for (const [name, input, range, outside] of AWARDS) {
  test(`award: ${name} is ${outside ? 'outside (reason required)' : 'inside'}`, () => {
    if (outside) {
      assert.throws(() => decideAward(input, range, null), isCode('validation', 'reason'));
      assert.throws(() => decideAward(input, range, '   '), isCode('validation', 'reason'));
      const award = decideAward(input, range, 'Exceptional write-up');
      assert.equal(award.outsideRange, true);
      assert.equal(award.reason, 'Exceptional write-up');
    } else {
      const award = decideAward(input, range, null);
      assert.equal(award.outsideRange, false);
      assert.equal(isWithinRange(award, range), true);
    }
  });
}

test('an award normalises currency and items', () => {
  assert.deepEqual(decideAward({ kind: 'money', amount: '250.5', currency: 'usd' }, high, null), {
    kind: 'money', amountMinor: 25050, currency: 'USD', items: [], outsideRange: false, reason: null,
  });
  assert.deepEqual(decideAward({ kind: 'non-money', items: ['Swag', 'Swag ', 'Recognition'] }, low, null).items, ['Swag', 'Recognition']);
});

test('an invalid award reports every problem at once', () => {
  assert.throws(
    () => decideAward({ kind: 'money', amount: 'lots', currency: 'dollars' }, high, null),
    (e: unknown) => e instanceof DomainError && (e.details.problems as Array<{ field: string }>).map((p) => p.field).join() === 'currency,amount',
  );
  assert.throws(() => decideAward({ kind: 'non-money', items: [' '] }, low, null), isCode('validation', 'items'));
});

// ── State machine.
const ALLOWED: Array<[BountyState, BountyState]> = [
  ['proposed', 'awarded'],
  ['proposed', 'declined'],
  ['proposed', 'cancelled'],
  ['awarded', 'awarded'],
  ['awarded', 'approved'],
  ['awarded', 'declined'],
  ['awarded', 'cancelled'],
  ['approved', 'paid'],
  ['approved', 'cancelled'],
];
for (const from of BOUNTY_STATES) {
  for (const to of BOUNTY_STATES) {
    const ok = ALLOWED.some(([f, t]) => f === from && t === to);
    test(`bounty ${from} → ${to} is ${ok ? 'allowed' : 'refused'}`, () => {
      const req = { from, to, reason: 'because' };
      if (ok) assert.doesNotThrow(() => checkBountyTransition(req));
      else
        assert.throws(
          () => checkBountyTransition(req),
          (e: unknown) => e instanceof DomainError && e.code === 'invalid_transition' && JSON.stringify(e.details.allowed) === JSON.stringify(BOUNTY_TRANSITIONS[from]),
        );
    });
  }
}

test('declining and cancelling need a reason; approving and paying do not', () => {
  assert.throws(() => checkBountyTransition({ from: 'proposed', to: 'declined' }), isCode('validation', 'reason'));
  assert.throws(() => checkBountyTransition({ from: 'approved', to: 'cancelled', reason: ' ' }), isCode('validation', 'reason'));
  assert.doesNotThrow(() => checkBountyTransition({ from: 'awarded', to: 'approved' }));
  assert.doesNotThrow(() => checkBountyTransition({ from: 'approved', to: 'paid' }));
});

// ── Reporter identity.
test('reporters are grouped by address, else by credited name, else per report', () => {
  const base = { trackingId: 'PCHAT-2026-0001', creditChoice: 'credit', creditName: 'Ada R.', reporterName: 'Ada Researcher', reporterEmail: 'Ada@Example.org ' };
  assert.deepEqual(reporterIdentity(base), { key: 'email:ada@example.org', label: 'Ada R. <ada@example.org>' });
  assert.deepEqual(reporterIdentity({ ...base, reporterEmail: null }), { key: 'name:ada r.', label: 'Ada R.' });
  assert.deepEqual(reporterIdentity({ ...base, reporterEmail: null, creditChoice: 'anonymous' }), { key: 'name:ada researcher', label: 'Ada Researcher' });
  assert.deepEqual(reporterIdentity({ ...base, reporterEmail: null, creditChoice: 'anonymous', creditName: null, reporterName: null }), {
    key: 'report:PCHAT-2026-0001',
    label: 'Anonymous reporter of PCHAT-2026-0001',
  });
});

// ── Totals with mixed currencies.
const line = (over: Partial<LedgerLine>): LedgerLine => ({
  state: 'awarded',
  kind: 'money',
  amountMinor: 10000,
  currency: 'USD',
  awardedAt: '2026-03-02T09:00:00.000Z',
  paidAt: null,
  reporterKey: 'email:ada@example.org',
  reporterLabel: 'Ada',
  ...over,
});
const LEDGER: LedgerLine[] = [
  line({ amountMinor: 50000, state: 'paid', awardedAt: '2025-12-20T10:00:00.000Z', paidAt: '2026-01-05T10:00:00.000Z' }),
  line({ amountMinor: 20000, state: 'approved' }),
  line({ amountMinor: 30000, currency: 'EUR', state: 'awarded' }),
  line({ kind: 'non-money', amountMinor: null, currency: null, state: 'paid', paidAt: '2026-03-03T00:00:00.000Z' }),
  line({ amountMinor: 150000, state: 'paid', awardedAt: '2025-06-01T00:00:00.000Z', paidAt: '2025-07-01T00:00:00.000Z', reporterKey: 'name:bob', reporterLabel: 'Bob' }),
  line({ amountMinor: 500, currency: 'JPY', state: 'awarded', awardedAt: '2025-02-01T00:00:00.000Z', reporterKey: 'name:bob', reporterLabel: 'Bob' }),
  // Never counted:
  line({ amountMinor: 99999, state: 'proposed', awardedAt: null }),
  line({ amountMinor: 99999, state: 'declined' }),
  line({ amountMinor: 99999, state: 'cancelled', reporterKey: 'name:carol', reporterLabel: 'Carol' }),
];

test('totals per reporter keep currencies apart and skip proposed, declined and cancelled entries', () => {
  assert.deepEqual(totalsByReporter(LEDGER), [
    {
      reporterKey: 'email:ada@example.org',
      reporterLabel: 'Ada',
      nonMoney: 1,
      currencies: [
        { currency: 'EUR', awardedMinor: 30000, approvedMinor: 0, paidMinor: 0, totalMinor: 30000, entries: 1 },
        { currency: 'USD', awardedMinor: 0, approvedMinor: 20000, paidMinor: 50000, totalMinor: 70000, entries: 2 },
      ],
    },
    {
      reporterKey: 'name:bob',
      reporterLabel: 'Bob',
      nonMoney: 0,
      currencies: [
        { currency: 'JPY', awardedMinor: 500, approvedMinor: 0, paidMinor: 0, totalMinor: 500, entries: 1 },
        { currency: 'USD', awardedMinor: 0, approvedMinor: 0, paidMinor: 150000, totalMinor: 150000, entries: 1 },
      ],
    },
  ]);
});

test('totals per year count a paid entry in the year of payment, others in the year of award; newest first', () => {
  assert.deepEqual(totalsByYear(LEDGER), [
    {
      year: 2026,
      nonMoney: 1,
      currencies: [
        { currency: 'EUR', awardedMinor: 30000, approvedMinor: 0, paidMinor: 0, totalMinor: 30000, entries: 1 },
        { currency: 'USD', awardedMinor: 0, approvedMinor: 20000, paidMinor: 50000, totalMinor: 70000, entries: 2 },
      ],
    },
    {
      year: 2025,
      nonMoney: 0,
      currencies: [
        { currency: 'JPY', awardedMinor: 500, approvedMinor: 0, paidMinor: 0, totalMinor: 500, entries: 1 },
        { currency: 'USD', awardedMinor: 0, approvedMinor: 0, paidMinor: 150000, totalMinor: 150000, entries: 1 },
      ],
    },
  ]);
  assert.equal(yearOf({ state: 'paid', awardedAt: '2025-12-31T23:59:59.000Z', paidAt: '2026-01-01T00:00:00.000Z' }), 2026);
  assert.equal(yearOf({ state: 'approved', awardedAt: '2025-12-31T23:59:59.000Z', paidAt: null }), 2025);
});

test('an empty ledger has no totals', () => {
  assert.deepEqual(totalsByReporter([]), []);
  assert.deepEqual(totalsByYear([]), []);
});
