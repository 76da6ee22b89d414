import { compareNumbers, compareStrings, type VersionScheme } from './scheme.ts';

/** A SemVer 2.0.0 version; `build` never takes part in precedence. */
export interface Semver {
  major: number;
  minor: number;
  patch: number;
  prerelease: readonly (string | number)[];
  build: readonly string[];
}

const NUMBER = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUMBER}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const SEMVER = new RegExp(
  `^(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
);

const safeNumber = (text: string): number | null => {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
};

/** Strict SemVer 2.0.0: three numeric parts without leading zeros; no prefix, no surrounding space. */
export function parseSemver(text: string): Semver | null {
  const m = SEMVER.exec(text);
  if (!m) return null;
  const [major, minor, patch] = [safeNumber(m[1] ?? ''), safeNumber(m[2] ?? ''), safeNumber(m[3] ?? '')];
  if (major === null || minor === null || patch === null) return null;
  const prerelease: (string | number)[] = [];
  for (const id of m[4]?.split('.') ?? []) {
    if (!/^\d+$/.test(id)) prerelease.push(id);
    else {
      const n = safeNumber(id);
      if (n === null) return null;
      prerelease.push(n);
    }
  }
  return { major, minor, patch, prerelease, build: m[5]?.split('.') ?? [] };
}

function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return compareStrings(a, b);
}

/** SemVer 2.0.0 §11 precedence. */
export function compareSemver(a: Semver, b: Semver): number {
  const core = compareNumbers(a.major, b.major) || compareNumbers(a.minor, b.minor) || compareNumbers(a.patch, b.patch);
  if (core !== 0) return core;
  // A version without prerelease outranks any prerelease of the same core.
  if (!a.prerelease.length || !b.prerelease.length) return compareNumbers(b.prerelease.length, a.prerelease.length);
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifiers(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

export const semverEquals = (a: Semver, b: Semver): boolean =>
  compareSemver(a, b) === 0 && a.build.join('.') === b.build.join('.');

/** The scheme of OSV `SEMVER` ranges: SemVer 2.0.0, tolerating the `v` prefix some databases write. */
export const semverScheme: VersionScheme<Semver> = {
  name: 'SemVer 2.0.0',
  parse: (text) => parseSemver(text.startsWith('v') ? text.slice(1) : text),
  compare: compareSemver,
  equals: semverEquals,
};
