import { compareStrings, type VersionScheme } from './scheme.ts';

/** A PEP 440 version, normalised: numbers as digit strings without leading zeros (they may exceed 2^53). */
export interface Pep440Version {
  epoch: string;
  release: readonly string[];
  pre: { label: 'a' | 'b' | 'rc'; number: string } | null;
  post: string | null;
  dev: string | null;
  /** Lower-cased segments; numeric ones without leading zeros. */
  local: readonly string[] | null;
}

// The pattern of PEP 440 Appendix B (as `packaging` implements it), anchored, case-insensitive.
const PEP440 = new RegExp(
  '^\\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?' +
    '(?<post>-(?<postN1>[0-9]+)|[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?)?' +
    '(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$',
  'i',
);

const digits = (text: string): string => text.replace(/^0+(?=\d)/, '');

const PRE_LABELS: Record<string, 'a' | 'b' | 'rc'> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', pre: 'rc', preview: 'rc', rc: 'rc' };

export function parsePep440(text: string): Pep440Version | null {
  const g = PEP440.exec(text)?.groups;
  if (!g) return null;
  const preLabel = g.preL ? PRE_LABELS[g.preL.toLowerCase()] : undefined;
  return {
    epoch: digits(g.epoch ?? '0'),
    release: (g.release ?? '0').split('.').map(digits),
    pre: preLabel ? { label: preLabel, number: digits(g.preN ?? '0') } : null,
    post: g.post ? digits(g.postN1 ?? g.postN2 ?? '0') : null,
    dev: g.dev ? digits(g.devN ?? '0') : null,
    local: g.local ? g.local.toLowerCase().split(/[-_.]/).map((s) => (/^\d+$/.test(s) ? digits(s) : s)) : null,
  };
}

/** The normal form PEP 440 prescribes, e.g. `1.0-R4` → `1.0.post4`, `v1.0RC1` → `1.0rc1`. */
export function formatPep440(v: Pep440Version): string {
  return (
    (v.epoch !== '0' ? `${v.epoch}!` : '') +
    v.release.join('.') +
    (v.pre ? `${v.pre.label}${v.pre.number}` : '') +
    (v.post !== null ? `.post${v.post}` : '') +
    (v.dev !== null ? `.dev${v.dev}` : '') +
    (v.local ? `+${v.local.join('.')}` : '')
  );
}

/** Numeric strings without leading zeros: longer is larger, equal length compares as text. */
const compareDigits = (a: string, b: string): number => a.length - b.length || compareStrings(a, b);

function compareRelease(a: readonly string[], b: readonly string[]): number {
  // Trailing zeros do not count: 1.0 == 1.0.0.
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}

const PRE_ORDER = { a: 0, b: 1, rc: 2 } as const;

/** Rank of the pre-release slot: a dev release of a final sorts before its pre-releases, a final after them. */
function comparePre(a: Pep440Version, b: Pep440Version): number {
  const rank = (v: Pep440Version): number => (v.pre ? 1 : v.post === null && v.dev !== null ? 0 : 2);
  const r = rank(a) - rank(b);
  if (r !== 0 || !a.pre || !b.pre) return r;
  return PRE_ORDER[a.pre.label] - PRE_ORDER[b.pre.label] || compareDigits(a.pre.number, b.pre.number);
}

/** Absent sorts first for post and local, last for dev. */
function compareOptional(a: string | null, b: string | null, absentFirst: boolean): number {
  if (a === null || b === null) return a === b ? 0 : (a === null) === absentFirst ? -1 : 1;
  return compareDigits(a, b);
}

function compareLocal(a: readonly string[] | null, b: readonly string[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    // Numeric segments outrank alphanumeric ones.
    const c = xn && yn ? compareDigits(x, y) : xn !== yn ? (xn ? 1 : -1) : compareStrings(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    comparePre(a, b) ||
    compareOptional(a.post, b.post, true) ||
    compareOptional(a.dev, b.dev, false) ||
    compareLocal(a.local, b.local)
  );
}

export const pep440Scheme: VersionScheme<Pep440Version> = {
  name: 'PEP 440',
  parse: parsePep440,
  compare: comparePep440,
  equals: (a, b) => comparePep440(a, b) === 0,
};
