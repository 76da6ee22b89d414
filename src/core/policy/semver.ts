import { compareSemver as compareStrictSemver, type Semver as StrictSemver } from '../versions/semver.ts';

/**
 * A version as people write it in a supported-versions table or a report ("v1.0", "1", "2.0.0-beta.1"):
 * SemVer 2.0.0 with an optional `v` and optional minor/patch. Precedence is the scanner's SemVer comparison.
 */
export interface Semver extends StrictSemver {
  /** How many numeric components were written (reporters often write "1.0"). */
  given: 1 | 2 | 3;
}

const LOOSE = /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseSemver(text: string): Semver | null {
  const m = LOOSE.exec(text.trim());
  if (!m) return null;
  const given = m[3] !== undefined ? 3 : m[2] !== undefined ? 2 : 1;
  // A prerelease tag only makes sense on a complete version.
  if (m[4] !== undefined && given !== 3) return null;
  return {
    major: Number(m[1]),
    minor: Number(m[2] ?? 0),
    patch: Number(m[3] ?? 0),
    prerelease: m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [],
    build: [],
    given,
  };
}

/** SemVer precedence: -1, 0 or 1. Missing components count as 0. */
export const compareSemver = (a: Semver, b: Semver): number => compareStrictSemver(a, b);
