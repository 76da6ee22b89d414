import type { Policy } from '../policy/types.ts';

/**
 * The default score from which an earlier report is shown as a duplicate candidate: tuned on the labelled set
 * (test/fixtures/triage, bench/duplicates.ts), where 0.5 gives precision 0.99 and recall 0.96 and lower
 * thresholds trade precision for recall (0.45: 0.97 / 0.98).
 */
export const DEFAULT_DUPLICATE_THRESHOLD = 0.5;

/** Candidates scoring below this are not stored: a project can lower its threshold to here, no further. */
export const STORED_CANDIDATE_FLOOR = 0.25;

export const duplicateThreshold = (policy: Pick<Policy, 'triage'>): number => policy.triage?.duplicate_threshold ?? DEFAULT_DUPLICATE_THRESHOLD;
