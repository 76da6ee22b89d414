import { scoreCvss } from '../cvss/index.ts';
import { severityRank, type Severity } from '../severity.ts';
import type { OsvRecord, OsvSeverity } from './osv-record.ts';

export interface DerivedSeverity {
  severity: Severity;
  /** The CVSS score it came from, when it came from a vector. */
  score: number | null;
}

const DATABASE_LEVELS: Record<string, Severity> = { LOW: 'low', MODERATE: 'medium', MEDIUM: 'medium', HIGH: 'high', CRITICAL: 'critical' };

function fromVector(s: OsvSeverity): DerivedSeverity | null {
  if (s.type !== 'CVSS_V3' && s.type !== 'CVSS_V4') return null;
  try {
    const result = scoreCvss(s.score);
    return { severity: result.severity, score: result.score };
  } catch {
    return null;
  }
}

/**
 * The worst severity some records (one advisory, possibly merged from aliases) state: CVSS v3/v4 vectors,
 * record-level or per package, scored by the core's CVSS module; else the database's own label (GitHub's
 * LOW/MODERATE/HIGH/CRITICAL); null when they state none.
 */
export function deriveSeverity(records: readonly OsvRecord[]): DerivedSeverity | null {
  const scored = records
    .flatMap((r) => [...r.severity, ...r.affected.flatMap((a) => a.severity)])
    .map(fromVector)
    .filter((d): d is DerivedSeverity => d !== null);
  if (scored.length) return scored.reduce((a, b) => ((b.score ?? 0) > (a.score ?? 0) ? b : a));
  const labels = records
    .flatMap((r) => [r.databaseSeverity, ...r.affected.map((a) => a.databaseSeverity)])
    .map((l) => (l === undefined ? undefined : DATABASE_LEVELS[l.toUpperCase()]))
    .filter((s): s is Severity => s !== undefined);
  if (!labels.length) return null;
  return { severity: labels.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a)), score: null };
}
