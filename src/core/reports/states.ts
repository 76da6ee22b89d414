import { DomainError } from '../errors.ts';

export const REPORT_STATES = [
  'new',
  'acknowledged',
  'needs-info',
  'triaged',
  'accepted',
  'rejected',
  'fixing',
  'fixed',
  'disclosed',
  'closed',
] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/**
 * Why a report left the queue without a fix. `wont-fix`: a real vulnerability the maintainers decided not to fix;
 * unlike the others it keeps the disclosure promise (docs/sla.md) and may still be disclosed. `spam`: never told
 * to the reporter as such (they read `invalid`).
 */
export const REJECTION_REASONS = ['invalid', 'out-of-scope', 'duplicate', 'informative', 'wont-fix', 'spam'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/**
 * The rejection reason as the reporter is told it: a report rejected as spam reads "invalid" to its reporter
 * (their status page, API and mail), so a spammer learns nothing from the label (issue 18).
 */
export const reporterFacingReason = (reason: string | null): string | null => (reason === 'spam' ? 'invalid' : reason);

/** The whole workflow as data: state → states it may move to. */
export const TRANSITIONS: Readonly<Record<ReportState, readonly ReportState[]>> = {
  new: ['acknowledged', 'needs-info', 'triaged', 'rejected'],
  acknowledged: ['needs-info', 'triaged', 'rejected'],
  'needs-info': ['triaged', 'rejected'],
  triaged: ['needs-info', 'accepted', 'rejected'],
  accepted: ['fixing', 'fixed', 'rejected'],
  // Work on a fix may end in a won't-fix decision (the only rejection reason allowed from here).
  fixing: ['fixed', 'rejected'],
  fixed: ['fixing', 'disclosed', 'closed'],
  disclosed: ['closed'],
  // A rejection can be reopened (new evidence) or archived; a won't-fix one can also be disclosed.
  rejected: ['triaged', 'disclosed', 'closed'],
  closed: [],
};

/** States in which the report is still open towards the reporter. */
export const OPEN_STATES: readonly ReportState[] = ['new', 'acknowledged', 'needs-info', 'triaged', 'accepted', 'fixing', 'fixed'];

export const isReportState = (v: unknown): v is ReportState =>
  typeof v === 'string' && (REPORT_STATES as readonly string[]).includes(v);

/** Where a report may move; `reason` is its current rejection reason (a won't-fix report may be disclosed). */
export const allowedTransitions = (from: ReportState, reason: string | null = null): readonly ReportState[] =>
  TRANSITIONS[from].filter((to) => !(from === 'rejected' && to === 'disclosed') || reason === 'wont-fix');

export interface TransitionRequest {
  from: ReportState;
  to: ReportState;
  /** The report's current rejection reason, when `from` is rejected. */
  currentReason?: string | null;
  rejectionReason?: RejectionReason | null;
  duplicateOf?: string | null;
}

/** Throws `invalid_transition` (with the allowed targets) or `validation` for a missing rejection reason. */
export function checkTransition(req: TransitionRequest): void {
  const allowed = TRANSITIONS[req.from];
  if (!allowed.includes(req.to)) {
    throw new DomainError('invalid_transition', `Cannot move a report from ${req.from} to ${req.to}`, {
      from: req.from,
      to: req.to,
      allowed: [...allowed],
    });
  }
  if (req.from === 'rejected' && req.to === 'disclosed' && req.currentReason !== 'wont-fix') {
    throw new DomainError('invalid_transition', `Only a won't-fix report can be disclosed once rejected`, { from: req.from, to: req.to, allowed: [...allowedTransitions(req.from, req.currentReason)] });
  }
  if (req.from === 'fixing' && req.to === 'rejected' && req.rejectionReason !== 'wont-fix') {
    throw new DomainError('invalid_transition', `A report being fixed can only be rejected as won't fix`, { from: req.from, to: req.to, allowed: [...TRANSITIONS[req.from]] });
  }
  if (req.to === 'rejected') {
    if (!req.rejectionReason) {
      throw DomainError.validation([{ field: 'reason', message: `required when rejecting: one of ${REJECTION_REASONS.join(', ')}` }]);
    }
    if (req.rejectionReason === 'duplicate' && !req.duplicateOf) {
      throw DomainError.validation([{ field: 'duplicate_of', message: 'required when rejecting as duplicate: the tracking ID of the original report' }]);
    }
  }
}
