import type { Severity } from '../severity.ts';
import { isEcosystem, packageKey, schemeFor, type Ecosystem } from '../versions/ecosystems.ts';
import { matchCompiled, memoParse } from '../versions/osv-range.ts';
import { indexedEntry, type AdvisoryIndex, type IndexedEntry } from './advisory-index.ts';
import { deriveSeverity } from './advisory-severity.ts';
import { mergeAliases } from './merge-aliases.ts';
import type { OsvRecord } from './osv-record.ts';
import type { LockedPackage } from './types.ts';

export interface Finding {
  ecosystem: Ecosystem;
  package: string;
  version: string;
  file: string;
  line?: number;
  /** The advisory's id; records that are aliases of each other become one finding. */
  id: string;
  /** Every other id of the advisory (CVE, GHSA, PYSEC, merged records' ids), sorted. */
  aliases: string[];
  summary: string;
  severity: Severity | null;
  cvssScore: number | null;
  /** Versions that fix it for this release line, in the advisory's ordering. */
  fixed: string[];
}

/** The record's summary, else the first sentence of its details, on one line and kept short. */
function summaryOf(record: OsvRecord): string {
  const text = (record.summary?.trim() || (record.details?.trim().split(/\n\s*\n|(?<=\.)\s/)[0] ?? '')).replace(/\s+/g, ' ');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** The records among `entries` that affect `pkg`, each with the versions that fix it, added to `hits`. */
function matchEntries(pkg: LockedPackage, entries: Iterable<IndexedEntry>, hits: Map<OsvRecord, Set<string>>): void {
  for (const entry of entries) {
    const match = matchCompiled(pkg.version, entry.ranges(), entry.versions(), schemeFor(pkg.ecosystem));
    if (!match) continue;
    const fixed = hits.get(entry.record) ?? new Set<string>();
    for (const f of match.fixed) fixed.add(f);
    hits.set(entry.record, fixed);
  }
}

/** One package's findings from the records affecting it: records that are aliases of each other become one. */
function findingsOf(pkg: LockedPackage, hits: Map<OsvRecord, Set<string>>, out: Finding[]): void {
  // Most packages have no advisory: nothing to group.
  if (!hits.size) return;
  for (const group of mergeAliases([...hits.keys()], pkg.ecosystem)) {
    const severity = deriveSeverity(group.records);
    out.push({
      ecosystem: pkg.ecosystem,
      package: pkg.name,
      version: pkg.version,
      file: pkg.file,
      ...(pkg.line !== undefined ? { line: pkg.line } : {}),
      id: group.primary.id,
      aliases: group.aliases,
      summary: summaryOf(group.primary),
      severity: severity?.severity ?? null,
      cvssScore: severity?.score ?? null,
      fixed: [...new Set(group.records.flatMap((r) => [...(hits.get(r) ?? [])]))],
    });
  }
}

const sortFindings = (findings: Finding[]): Finding[] => findings.sort((a, b) => cmp(a.package, b.package) || cmp(a.version, b.version) || cmp(a.id, b.id));

/** The advisories affecting each package, looked up by (ecosystem, name) in the index, never by scanning all records. */
export function findVulnerabilities(packages: readonly LockedPackage[], index: AdvisoryIndex): Finding[] {
  const findings: Finding[] = [];
  for (const pkg of packages) {
    const hits = new Map<OsvRecord, Set<string>>();
    matchEntries(pkg, index.lookup(pkg.ecosystem, pkg.name), hits);
    findingsOf(pkg, hits, findings);
  }
  return sortFindings(findings);
}

/** `findVulnerabilities` over records that arrive in parts (pages read from a database). */
export interface VulnerabilityMatcher {
  /**
   * Matches a part of the records against the packages. Only the records affecting some package are kept; the
   * rest can be collected as soon as the caller drops the part. Every record id must come once, in one part;
   * withdrawn records are ignored.
   */
  add(records: Iterable<OsvRecord>): void;
  /** The findings of every part added, as `findVulnerabilities` gives them for all the records at once. */
  findings(): Finding[];
}

/**
 * Matching whose memory is bounded by one part of the records and the records that match, not by every record
 * naming the packages: what a database-backed scan needs when a package is named by thousands of records. The
 * findings equal `findVulnerabilities(packages, buildAdvisoryIndex(all parts))` when the parts hold each id once
 * and come in the order the index would list them (an affected package's records are matched in part order).
 */
export function vulnerabilityMatcher(packages: readonly LockedPackage[]): VulnerabilityMatcher {
  // The packages (positions) under each (ecosystem, normalised name), the key the index looks them up by.
  const byKey = new Map<string, number[]>();
  packages.forEach((pkg, i) => {
    const key = packageKey(pkg.ecosystem, pkg.name);
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  const hits = packages.map(() => new Map<OsvRecord, Set<string>>());
  // Shared by every page's entries, as the index builders share theirs.
  const parse = memoParse();
  return {
    add(records) {
      for (const record of records) {
        if (record.withdrawn !== undefined) continue;
        for (const affected of record.affected) {
          const named = affected.package;
          if (!named || !isEcosystem(named.ecosystem)) continue;
          const wanted = byKey.get(packageKey(named.ecosystem, named.name));
          if (!wanted) continue;
          const entry = [indexedEntry(record, affected, named.ecosystem, parse)];
          for (const i of wanted) matchEntries(packages[i] as LockedPackage, entry, hits[i] as Map<OsvRecord, Set<string>>);
        }
      }
    },
    findings() {
      const findings: Finding[] = [];
      packages.forEach((pkg, i) => findingsOf(pkg, hits[i] as Map<OsvRecord, Set<string>>, findings));
      return sortFindings(findings);
    },
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
