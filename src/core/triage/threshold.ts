import type { Policy } from '../policy/types.ts';

/**
 * The default score from which an earlier report is shown as a duplicate candidate: tuned on the labelled set
 * (test/fixtures/triage, bench/duplicates.ts): 0.45 gives precision 0.97 and recall 0.98 there; 0.5 gives
 * 0.99 / 0.96. The lower one is the default because a project of few reports compresses every score (its
 * document frequencies say less about which words are common), and a missed duplicate costs more than a shown one.
 */
export const DEFAULT_DUPLICATE_THRESHOLD = 0.45;

/** Candidates scoring below this are not stored: a project can lower its threshold to here, no further. */
export const STORED_CANDIDATE_FLOOR = 0.25;

export const duplicateThreshold = (policy: Pick<Policy, 'triage'>): number => policy.triage?.duplicate_threshold ?? DEFAULT_DUPLICATE_THRESHOLD;
