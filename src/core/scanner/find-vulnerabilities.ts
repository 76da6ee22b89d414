import type { Severity } from '../severity.ts';
import { schemeFor, type Ecosystem } from '../versions/ecosystems.ts';
import { matchCompiled } from '../versions/osv-range.ts';
import type { AdvisoryIndex } from './advisory-index.ts';
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

/** The advisories affecting each package, looked up by (ecosystem, name) in the index, never by scanning all records. */
export function findVulnerabilities(packages: readonly LockedPackage[], index: AdvisoryIndex): Finding[] {
  const findings: Finding[] = [];
  for (const pkg of packages) {
    const hits = new Map<OsvRecord, Set<string>>();
    for (const entry of index.lookup(pkg.ecosystem, pkg.name)) {
      const match = matchCompiled(pkg.version, entry.ranges(), entry.versions(), schemeFor(pkg.ecosystem));
      if (!match) continue;
      const fixed = hits.get(entry.record) ?? new Set<string>();
      for (const f of match.fixed) fixed.add(f);
      hits.set(entry.record, fixed);
    }
    // Most packages have no advisory: nothing to group.
    if (!hits.size) continue;
    for (const group of mergeAliases([...hits.keys()], pkg.ecosystem)) {
      const severity = deriveSeverity(group.records);
      findings.push({
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
  return findings.sort((a, b) => cmp(a.package, b.package) || cmp(a.version, b.version) || cmp(a.id, b.id));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
