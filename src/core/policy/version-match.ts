import { compareSemver, parseSemver, type Semver } from './semver.ts';

type Operator = '<' | '<=' | '>' | '>=' | '=';

interface Comparator {
  op: Operator;
  version: Semver;
}

/** One alternative of a match expression (alternatives are joined with `||`). */
export type VersionClause =
  /** `1.0.x`, `1.x.x`, `v1.x`, `*`: null is a wildcard component. */
  | { kind: 'series'; parts: (number | null)[] }
  /** `< 1.0`, `>=1.0.0 <1.1.0`, `1.2.3`: every comparator must hold. */
  | { kind: 'comparators'; comparators: Comparator[] }
  /** `main`, `release/1.0`: matched against the reporter's text. */
  | { kind: 'branch'; name: string };

export type VersionMatcher = VersionClause[];

const SERIES = /^[vV]?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/;
const COMPARATOR = /^(<=|>=|<|>|=)\s*([vV]?\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?)\s*/;
const BRANCH = /^[A-Za-z][A-Za-z0-9._/-]*$/;

function parseSeries(text: string): VersionClause | null {
  const m = SERIES.exec(text);
  if (!m) return null;
  const parts = [m[1], m[2], m[3]]
    .filter((p): p is string => p !== undefined)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : null));
  const firstWildcard = parts.indexOf(null);
  if (firstWildcard >= 0 && parts.slice(firstWildcard).some((p) => p !== null)) return null;
  if (parts.length === 3 && firstWildcard < 0) {
    const exact = parseSemver(text);
    return exact ? { kind: 'comparators', comparators: [{ op: '=', version: exact }] } : null;
  }
  return { kind: 'series', parts };
}

const bump = (v: Semver): Semver =>
  v.given === 1
    ? { major: v.major + 1, minor: 0, patch: 0, prerelease: [], build: [], given: 3 }
    : { major: v.major, minor: v.minor + 1, patch: 0, prerelease: [], build: [], given: 3 };

/** npm semantics for partial versions: `<=1.0` means `<1.1.0`, `>1` means `>=2.0.0`, `=1.0` means `1.0.x`. */
function desugar(op: Operator, v: Semver): Comparator[] {
  if (v.given === 3) return [{ op, version: v }];
  switch (op) {
    case '<':
    case '>=':
      return [{ op, version: v }];
    case '<=':
      return [{ op: '<', version: bump(v) }];
    case '>':
      return [{ op: '>=', version: bump(v) }];
    case '=':
      return [
        { op: '>=', version: v },
        { op: '<', version: bump(v) },
      ];
  }
}

function parseComparators(text: string): VersionClause | null {
  const comparators: Comparator[] = [];
  let rest = text;
  while (rest.length > 0) {
    const m = COMPARATOR.exec(rest);
    if (!m) return null;
    const version = parseSemver(m[2] ?? '');
    if (!version) return null;
    comparators.push(...desugar(m[1] as Operator, version));
    rest = rest.slice(m[0].length);
  }
  return comparators.length > 0 ? { kind: 'comparators', comparators } : null;
}

function parseExact(text: string): VersionClause | null {
  const version = parseSemver(text);
  return version?.given === 3 ? { kind: 'comparators', comparators: [{ op: '=', version }] } : null;
}

function parseClause(text: string): VersionClause | null {
  return (
    parseSeries(text) ??
    parseExact(text) ??
    parseComparators(text) ??
    (BRANCH.test(text) ? { kind: 'branch', name: text.toLowerCase() } : null)
  );
}

/** Parses a supported-versions `match` expression; null when it is none of the accepted forms. */
export function parseVersionMatch(expression: string): VersionMatcher | null {
  const clauses = expression.split('||').map((c) => c.trim());
  if (clauses.some((c) => c === '')) return null;
  const parsed = clauses.map(parseClause);
  return parsed.every((c): c is VersionClause => c !== null) ? parsed : null;
}

/**
 * A partial version ("0", "1.2") stands for every version in its series, so a comparator only holds
 * when it holds for all of them: "0" is not known to be "< 0.3".
 */
function holds(comparator: Comparator, v: Semver): boolean {
  if (v.given === 3) return holdsExactly(comparator, v);
  const { op, version } = comparator;
  switch (op) {
    case '<':
    case '<=':
      return compareSemver(bump(v), version) <= 0;
    case '>':
    case '>=':
      return holdsExactly(comparator, v);
    case '=':
      return false;
  }
}

function holdsExactly({ op, version }: Comparator, v: Semver): boolean {
  const c = compareSemver(v, version);
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '=':
      return c === 0;
  }
}

function inSeries(parts: (number | null)[], v: Semver): boolean {
  const components = [v.major, v.minor, v.patch];
  // "1" is not known to be in the 1.0.x series, so an unwritten component only matches a wildcard.
  return parts.every((p, i) => p === null || (i < v.given && components[i] === p));
}

function onBranch(name: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === name || (t.startsWith(name) && /^[^A-Za-z0-9]/.test(t.slice(name.length)));
}

/** `text` is the reporter's raw answer; `version` is the version found in it, if any. */
export function matchesVersion(matcher: VersionMatcher, text: string, version: Semver | null): boolean {
  return matcher.some((clause) => {
    switch (clause.kind) {
      case 'branch':
        return onBranch(clause.name, text);
      case 'series':
        return version !== null && inSeries(clause.parts, version);
      case 'comparators':
        return version !== null && clause.comparators.every((c) => holds(c, version));
    }
  });
}
