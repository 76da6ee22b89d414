import { DomainError, type FieldProblem } from '../errors.ts';
import { formatMinor, isCurrency, parseAmount } from './currency.ts';
import type { BountyRangeSnapshot } from './proposal.ts';

export const REWARD_KINDS = ['money', 'non-money', 'credit-only'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

export type RewardInput =
  | { kind: 'money'; amount: string | number; currency: string }
  /** Swag, early access, ...: named items. */
  | { kind: 'non-money'; items: string[] }
  /** Recognition only: credit in the advisory and Hall of Fame, nothing else. */
  | { kind: 'credit-only' };

export interface Award {
  kind: RewardKind;
  amountMinor: number | null;
  currency: string | null;
  items: string[];
  /** The award is not what the policy's range promises; `reason` then says why. */
  outsideRange: boolean;
  reason: string | null;
}

const MAX_ITEMS = 10;
const MAX_ITEM_LENGTH = 100;

/**
 * Whether an award is what the policy promised for the severity. Money is inside when it is in the range's
 * currency and between its bounds (a range of rewards only has no money to be inside of). A non-money or
 * credit-only award is inside unless the range promises a minimum amount: swag instead of a promised $200 is
 * outside. With no range at all nothing was promised: any money is outside, anything else inside.
 */
export function isWithinRange(award: Pick<Award, 'kind' | 'amountMinor' | 'currency'>, range: BountyRangeSnapshot | null): boolean {
  if (award.kind !== 'money') return !range || !range.minMinor;
  if (!range || award.amountMinor === null || award.currency !== range.currency) return false;
  if (range.minMinor === null && range.maxMinor === null) return false;
  return (range.minMinor === null || award.amountMinor >= range.minMinor) && (range.maxMinor === null || award.amountMinor <= range.maxMinor);
}

export const describeRange = (range: BountyRangeSnapshot | null): string => {
  if (!range) return 'no range';
  const money =
    range.minMinor !== null && range.maxMinor !== null
      ? `${formatMinor(range.minMinor, range.currency)}–${formatMinor(range.maxMinor, range.currency)} ${range.currency}`
      : range.minMinor !== null
        ? `from ${formatMinor(range.minMinor, range.currency)} ${range.currency}`
        : range.maxMinor !== null
          ? `up to ${formatMinor(range.maxMinor, range.currency)} ${range.currency}`
          : '';
  return [money, ...range.rewards].filter(Boolean).join(' + ') || 'no range';
};

/**
 * Validates an award against the range for the report's severity. Outside the range is allowed, but only with
 * a reason; every problem is reported at once (`validation`).
 */
export function decideAward(input: RewardInput, range: BountyRangeSnapshot | null, reasonInput: string | null | undefined): Award {
  const problems: FieldProblem[] = [];
  const reason = reasonInput?.trim() || null;
  let award: Award;
  switch (input.kind) {
    case 'money': {
      const currency = input.currency.trim().toUpperCase();
      if (!isCurrency(currency)) problems.push({ field: 'currency', message: 'must be an ISO 4217 code such as USD or EUR' });
      const parsed = parseAmount(input.amount, currency);
      if ('problem' in parsed) problems.push({ field: 'amount', message: parsed.problem });
      award = { kind: 'money', amountMinor: 'minor' in parsed ? parsed.minor : null, currency, items: [], outsideRange: false, reason };
      break;
    }
    case 'non-money': {
      const items = input.items.map((i) => i.trim()).filter(Boolean);
      if (!items.length) problems.push({ field: 'items', message: 'name at least one reward (e.g. "Swag"), or use credit-only' });
      if (items.length > MAX_ITEMS || items.some((i) => i.length > MAX_ITEM_LENGTH)) {
        problems.push({ field: 'items', message: `at most ${MAX_ITEMS} items of ${MAX_ITEM_LENGTH} characters` });
      }
      award = { kind: 'non-money', amountMinor: null, currency: null, items: [...new Set(items)], outsideRange: false, reason };
      break;
    }
    case 'credit-only':
      award = { kind: 'credit-only', amountMinor: null, currency: null, items: [], outsideRange: false, reason };
      break;
  }
  if (problems.length) throw DomainError.validation(problems);
  award.outsideRange = !isWithinRange(award, range);
  if (award.outsideRange && !reason) {
    throw DomainError.validation([
      { field: 'reason', message: `required: the award is outside what the policy offers for this report (${describeRange(range)})` },
    ]);
  }
  return award;
}
