import { DomainError } from '../errors.ts';

/**
 * A ledger entry's life: proposed (from the policy on acceptance) → awarded (amount or reward decided) →
 * approved → paid; or declined (no reward) / cancelled (withdrawn) on the way. "Paid" of a non-money reward
 * means delivered.
 */
export const BOUNTY_STATES = ['proposed', 'awarded', 'approved', 'paid', 'declined', 'cancelled'] as const;
export type BountyState = (typeof BOUNTY_STATES)[number];

export const BOUNTY_TRANSITIONS: Readonly<Record<BountyState, readonly BountyState[]>> = {
  proposed: ['awarded', 'declined', 'cancelled'],
  // Awarding again before approval corrects the amount or reward.
  awarded: ['awarded', 'approved', 'declined', 'cancelled'],
  approved: ['paid', 'cancelled'],
  paid: [],
  declined: [],
  cancelled: [],
};

/** States that still hold the report's one open entry (a new award would otherwise create a second). */
export const ACTIVE_BOUNTY_STATES: readonly BountyState[] = ['proposed', 'awarded', 'approved', 'paid'];

/** States whose amount counts in totals. */
export const COUNTED_BOUNTY_STATES: readonly BountyState[] = ['awarded', 'approved', 'paid'];

/** The moves the transitions endpoint makes; `awarded` is made by the award endpoint, which carries the reward. */
export const MANUAL_BOUNTY_TARGETS = ['approved', 'paid', 'declined', 'cancelled'] as const;
export type ManualBountyTarget = (typeof MANUAL_BOUNTY_TARGETS)[number];

export const isBountyState = (v: unknown): v is BountyState => typeof v === 'string' && (BOUNTY_STATES as readonly string[]).includes(v);

export interface BountyTransitionRequest {
  from: BountyState;
  to: BountyState;
  reason?: string | null;
}

/** Throws `invalid_transition` with the allowed targets, or `validation` when a decline or cancellation has no reason. */
export function checkBountyTransition(req: BountyTransitionRequest): void {
  const allowed = BOUNTY_TRANSITIONS[req.from];
  if (!allowed.includes(req.to)) {
    throw new DomainError('invalid_transition', `Cannot move a bounty from ${req.from} to ${req.to}`, { from: req.from, to: req.to, allowed: [...allowed] });
  }
  if ((req.to === 'declined' || req.to === 'cancelled') && !req.reason?.trim()) {
    throw DomainError.validation([{ field: 'reason', message: `required when the bounty is ${req.to}: say why` }]);
  }
}
