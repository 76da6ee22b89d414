import type { Policy, SupportStatus } from '../policy/types.ts';
import { schemeFor } from '../versions/ecosystems.ts';
import { branchBounds, findBranch } from './branch-bounds.ts';
import type { AffectedProduct, BranchStatus } from './types.ts';

/**
 * One row of the backport matrix resolved against the policy: the versions of the branch it speaks about and
 * where the vulnerable interval starts and ends. Every export format is written from these rows.
 */
export interface BranchRange {
  branch: string;
  support: SupportStatus | 'unknown';
  status: BranchStatus;
  /** First vulnerable version ("0": from the first release); for `not-affected`, the branch's first version. */
  introduced: string;
  /** `fixed`: first release with the fix. */
  fixed: string | null;
  /** `wont-fix` (and `affected` when given): last vulnerable release, inclusive. */
  last_affected: string | null;
  /** The branch's first version from its policy row ("0": from the start; null for a literal branch). */
  lower: string | null;
  /** Exclusive end of the branch (from its policy row), null when open-ended or a literal branch. */
  upper: string | null;
  /** The policy row names versions (`1.0.x`, `< 1.0`); false for a literal branch such as `main`. */
  versioned: boolean;
  /** The matrix gave `introduced` itself rather than taking the branch's first version. */
  explicitStart: boolean;
}

/** The matrix rows of one product, ordered by where they start in the ecosystem's version order. */
export function deriveBranchRanges(product: AffectedProduct, policy: Pick<Policy, 'supported_versions'>): BranchRange[] {
  const scheme = schemeFor(product.ecosystem);
  const rows = product.branches.map((entry): BranchRange => {
    const row = findBranch(policy, entry.branch);
    const bounds = row ? branchBounds(row) : null;
    return {
      branch: entry.branch,
      support: row?.status ?? 'unknown',
      status: entry.status,
      introduced: entry.introduced ?? bounds?.lower ?? '0',
      fixed: entry.status === 'fixed' ? (entry.fixed ?? null) : null,
      last_affected: entry.status === 'wont-fix' || entry.status === 'affected' ? (entry.last_affected ?? null) : null,
      lower: bounds?.lower ?? null,
      upper: bounds?.upper ?? null,
      versioned: bounds !== null,
      explicitStart: entry.introduced !== undefined,
    };
  });
  const key = (v: string): unknown => (v === '0' ? null : scheme.parse(v));
  return rows
    .map((r, i) => ({ r, i, k: key(r.introduced) }))
    .sort((a, b) => (a.k === null ? (b.k === null ? a.i - b.i : -1) : b.k === null ? 1 : scheme.compare(a.k, b.k) || a.i - b.i))
    .map(({ r }) => r);
}

/** Whether the branch ships vulnerable releases (everything but `not-affected`). */
export const isVulnerable = (r: BranchRange): boolean => r.status !== 'not-affected';
