import { isEcosystem, normalisePackageName, schemeFor, type Ecosystem } from '../versions/ecosystems.ts';
import { compileRange, compileVersions, memoParse, type CompiledRange, type CompiledVersions, type ParseVersion } from '../versions/osv-range.ts';
import type { OsvAffected, OsvRecord } from './osv-record.ts';

/** One `affected` entry of one record, with its ranges compiled on first use. */
export interface IndexedEntry {
  record: OsvRecord;
  affected: OsvAffected;
  ranges(): readonly CompiledRange[];
  /** The entry's `versions` list, parsed on first use. */
  versions(): CompiledVersions;
}

export interface AdvisoryIndex {
  /** Entries naming this package; `name` is normalised here. */
  lookup(ecosystem: Ecosystem, name: string): readonly IndexedEntry[];
  /** Records indexed (withdrawn and superseded ones excluded). */
  readonly records: number;
}

/** One index entry; its ranges are compiled on first use, its `versions` read with `parse` (one per index: see `memoParse`). */
export function indexedEntry(record: OsvRecord, affected: OsvAffected, ecosystem: Ecosystem, parse?: ParseVersion): IndexedEntry {
  let compiled: CompiledRange[] | undefined;
  let versions: CompiledVersions | undefined;
  return {
    record,
    affected,
    ranges: () =>
      (compiled ??= affected.ranges.map((r) => compileRange(r, schemeFor(ecosystem))).filter((r): r is CompiledRange => r !== null && !('unreadable' in r))),
    versions: () => (versions ??= compileVersions(affected.versions, schemeFor(ecosystem), parse)),
  };
}

/**
 * Indexes records by (ecosystem, normalised package name), so a lookup touches only the advisories of one
 * package. Withdrawn records are left out; of two records with one id, the later `modified` wins, so an
 * incremental re-import can simply append. Ecosystems Embargo has no lockfiles for are not indexed.
 */
export function buildAdvisoryIndex(records: Iterable<OsvRecord>): AdvisoryIndex {
  const latest = new Map<string, OsvRecord>();
  for (const r of records) {
    const seen = latest.get(r.id);
    if (!seen || r.modified > seen.modified) latest.set(r.id, r);
  }
  const byPackage = new Map<string, IndexedEntry[]>();
  const parse = memoParse();
  let count = 0;
  for (const record of latest.values()) {
    if (record.withdrawn !== undefined) continue;
    count++;
    for (const affected of record.affected) {
      const pkg = affected.package;
      if (!pkg || !isEcosystem(pkg.ecosystem)) continue;
      const key = `${pkg.ecosystem}\0${normalisePackageName(pkg.ecosystem, pkg.name)}`;
      const list = byPackage.get(key);
      const e = indexedEntry(record, affected, pkg.ecosystem, parse);
      if (list) list.push(e);
      else byPackage.set(key, [e]);
    }
  }
  return {
    lookup: (ecosystem, name) => byPackage.get(`${ecosystem}\0${normalisePackageName(ecosystem, name)}`) ?? [],
    records: count,
  };
}
