import { DomainError } from '../errors.ts';
import type { Advisory, AdvisoryState } from './types.ts';

/** The advisory workflow as data: state → states it may move to. */
export const ADVISORY_TRANSITIONS: Readonly<Record<AdvisoryState, readonly AdvisoryState[]>> = {
  draft: ['in-review'],
  // Review sends it back for changes, schedules it behind an embargo, or publishes it at once.
  'in-review': ['draft', 'scheduled', 'published'],
  // Unscheduling returns it to review; the publish job moves it on at the embargo date.
  scheduled: ['in-review', 'published'],
  published: ['amended', 'withdrawn'],
  // Every further correction is one more amendment.
  amended: ['amended', 'withdrawn'],
  withdrawn: [],
};

/** States whose content is public: each move into one of them adds a revision. */
export const PUBLIC_STATES: readonly AdvisoryState[] = ['published', 'amended', 'withdrawn'];

/** States in which the content may still be edited without an amendment. */
export const EDITABLE_STATES: readonly AdvisoryState[] = ['draft', 'in-review'];

export const allowedAdvisoryTransitions = (from: AdvisoryState): readonly AdvisoryState[] => ADVISORY_TRANSITIONS[from];

export interface AdvisoryTransition {
  to: AdvisoryState;
  /** RFC 3339 UTC: time is a parameter, the core never reads the clock. */
  at: string;
  /** Revision summary; required for `amended` and `withdrawn` (the public must know what changed and why). */
  summary?: string;
}

const DEFAULT_SUMMARY: Partial<Record<AdvisoryState, string>> = { published: 'Initial public release' };

/** Throws `invalid_transition` with the allowed targets. */
export function checkAdvisoryTransition(from: AdvisoryState, to: AdvisoryState): void {
  const allowed = ADVISORY_TRANSITIONS[from];
  if (!allowed.includes(to)) {
    throw new DomainError('invalid_transition', `Cannot move an advisory from ${from} to ${to}`, { from, to, allowed: [...allowed] });
  }
}

/**
 * Moves an advisory to `t.to` and returns the new advisory (the input is not changed). Scheduling needs an
 * embargo date; publishing a scheduled advisory before its embargo date is refused; moves into a public state
 * append a revision numbered one above the last.
 */
export function transitionAdvisory(advisory: Advisory, t: AdvisoryTransition): Advisory {
  checkAdvisoryTransition(advisory.state, t.to);
  const summary = t.summary?.trim() || DEFAULT_SUMMARY[t.to] || '';
  if ((t.to === 'amended' || t.to === 'withdrawn') && !summary) {
    throw DomainError.validation([{ field: 'summary', message: `required when the advisory is ${t.to}: say what changed` }]);
  }
  if (t.to === 'scheduled' && !advisory.embargo_until) {
    throw DomainError.validation([{ field: 'embargo_until', message: 'required to schedule an advisory' }]);
  }
  if (t.to === 'published' && advisory.state === 'scheduled' && advisory.embargo_until && Date.parse(t.at) < Date.parse(advisory.embargo_until)) {
    throw new DomainError('conflict', `The advisory is under embargo until ${advisory.embargo_until}`, { embargo_until: advisory.embargo_until });
  }
  const next: Advisory = { ...advisory, state: t.to, updated_at: t.at };
  if (!PUBLIC_STATES.includes(t.to)) return next;
  const last = advisory.revisions[advisory.revisions.length - 1];
  next.revisions = [...advisory.revisions, { number: (last?.number ?? 0) + 1, date: t.at, summary }];
  if (t.to === 'published') next.published_at = t.at;
  if (t.to === 'withdrawn') next.withdrawn_at = t.at;
  return next;
}
