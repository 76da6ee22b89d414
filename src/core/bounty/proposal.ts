import type { Bounty } from '../policy/types.ts';
import type { Severity } from '../severity.ts';
import { toMinor } from './currency.ts';

/**
 * What the policy offers for one severity, frozen into a ledger entry. `minMinor`/`maxMinor` are null when the
 * policy gives no such bound; the whole range is null when the policy has no range for the severity (or the
 * severity is not set yet).
 */
export interface BountyRangeSnapshot {
  severity: Severity | null;
  currency: string;
  minMinor: number | null;
  maxMinor: number | null;
  /** Non-money rewards the policy lists for this severity ("Recognition", "Swag"). */
  rewards: string[];
}

/**
 * The proposal made when a report is accepted: null when the policy has no bounty program (no ledger entry at
 * all); otherwise the range for the severity, or a proposal without a range (`range: null`) that an admin
 * settles by hand.
 */
export function proposeBounty(bounty: Bounty | null, severity: Severity | null): { range: BountyRangeSnapshot | null } | null {
  if (!bounty) return null;
  return { range: rangeFor(bounty, severity) };
}

export function rangeFor(bounty: Bounty | null, severity: Severity | null): BountyRangeSnapshot | null {
  if (!bounty || !severity || severity === 'none') return null;
  const range = bounty.ranges[severity];
  if (!range) return null;
  return {
    severity,
    currency: bounty.currency,
    minMinor: range.min === undefined ? null : toMinor(range.min, bounty.currency),
    maxMinor: range.max === undefined ? null : toMinor(range.max, bounty.currency),
    rewards: range.rewards ?? [],
  };
}
