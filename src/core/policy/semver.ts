/** The small subset of SemVer 2.0.0 that supported-version rows need. */
export interface Semver {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  /** How many numeric components were written (reporters often write "1.0"). */
  given: 1 | 2 | 3;
}

const SEMVER = /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseSemver(text: string): Semver | null {
  const m = SEMVER.exec(text.trim());
  if (!m) return null;
  const given = m[3] !== undefined ? 3 : m[2] !== undefined ? 2 : 1;
  // A prerelease tag only makes sense on a complete version.
  if (m[4] !== undefined && given !== 3) return null;
  return {
    major: Number(m[1]),
    minor: Number(m[2] ?? 0),
    patch: Number(m[3] ?? 0),
    prerelease: m[4] ? m[4].split('.') : [],
    given,
  };
}

const compareNumbers = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

function compareIdentifiers(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return compareNumbers(Number(a), Number(b));
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SemVer precedence: -1, 0 or 1. Missing components count as 0. */
export function compareSemver(a: Semver, b: Semver): number {
  const core = compareNumbers(a.major, b.major) || compareNumbers(a.minor, b.minor) || compareNumbers(a.patch, b.patch);
  if (core !== 0) return core;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return compareNumbers(b.prerelease.length === 0 ? 0 : 1, a.prerelease.length === 0 ? 0 : 1);
  }
  const n = Math.max(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < n; i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifiers(x, y);
    if (c !== 0) return c;
  }
  return 0;
}
