import type { Policy, SupportedVersion } from '../policy/types.ts';
import { parseVersionMatch, type VersionClause } from '../policy/version-match.ts';
import type { Semver } from '../policy/semver.ts';

/**
 * The versions a supported-versions row covers, as a half-open interval: `lower` ("0": from the start) up to
 * `upper` (exclusive; null: no end). null when the row is a literal branch (`main`) or several alternatives.
 */
export interface BranchBounds {
  lower: string;
  upper: string | null;
}

const text = (v: Pick<Semver, 'major' | 'minor' | 'patch'>): string => `${v.major}.${v.minor}.${v.patch}`;

function clauseBounds(clause: VersionClause): BranchBounds | null {
  switch (clause.kind) {
    case 'branch':
      return null;
    case 'series': {
      // `1.0.x` → [1.0.0, 1.1.0); `1.x` → [1.0.0, 2.0.0); `*` → everything.
      const fixed = clause.parts.filter((p): p is number => p !== null);
      if (fixed.length === 0) return { lower: '0', upper: null };
      const [major = 0, minor = 0] = fixed;
      const lower = { major, minor: fixed.length > 1 ? minor : 0, patch: 0 };
      const upper = fixed.length > 1 ? { major, minor: minor + 1, patch: 0 } : { major: major + 1, minor: 0, patch: 0 };
      return { lower: text(lower), upper: text(upper) };
    }
    case 'comparators': {
      let lower = '0';
      let upper: string | null = null;
      for (const c of clause.comparators) {
        // `<=x` and `>x` on complete versions have no exclusive bound expressible without the next release.
        if (c.op === '>=' || c.op === '=') lower = text(c.version);
        if (c.op === '<') upper = text(c.version);
        if (c.op === '<=' || c.op === '>') return null;
      }
      if (clause.comparators.some((c) => c.op === '=')) return null;
      return { lower, upper };
    }
  }
}

/** Bounds of one policy row; null when the row does not name versions (see `BranchBounds`). */
export function branchBounds(row: SupportedVersion): BranchBounds | null {
  const matcher = parseVersionMatch(row.match ?? row.label);
  if (!matcher || matcher.length !== 1 || !matcher[0]) return null;
  return clauseBounds(matcher[0]);
}

export const findBranch = (policy: Pick<Policy, 'supported_versions'>, label: string): SupportedVersion | undefined =>
  policy.supported_versions.find((r) => r.label === label);
