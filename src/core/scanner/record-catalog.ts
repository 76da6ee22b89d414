import { isEcosystem, packageKey, type Ecosystem } from '../versions/ecosystems.ts';
import { memoParse } from '../versions/osv-range.ts';
import { indexedEntry, type AdvisoryIndex, type IndexedEntry } from './advisory-index.ts';
import { readOsvRecord, type OsvRecord } from './osv-record.ts';

/**
 * The records of one part of an OSV source (a folder, a zip) as the loader or the cache holds them: per entry,
 * in load order, what indexing needs (`readOsvKeys`), and the entry's JSON on demand. Entries whose id or
 * `modified` did not pass are `''` in `ids` and listed in `rejected`.
 */
export interface CatalogPart {
  readonly ids: readonly string[];
  readonly modified: readonly string[];
  withdrawn(n: number): boolean;
  /** Entry numbers of the records naming the package `packageKey(ecosystem, name)`, ascending. */
  naming(key: string): readonly number[];
  source(n: number): string;
  /** The entry's JSON, parsed; only called for the records a lookup needs. */
  json(n: number): unknown;
  /** Entries that are not JSON or whose id, `modified` or `withdrawn` break the schema. */
  readonly rejected: readonly { at: number; source: string; problems: string[] }[];
  /** Ecosystems some record of the part names a package of. */
  readonly ecosystems: ReadonlySet<string>;
}

export interface RejectedRecord {
  /** `dir/ID.json` or `archive.zip:ID.json`. */
  source: string;
  problems: string[];
}

export interface CatalogIndex extends AdvisoryIndex {
  /** Whether any record read names a package of this ecosystem (none: its packages cannot be checked). */
  hasRecords(ecosystem: Ecosystem): boolean;
  /**
   * Records found broken so far, in load order: those rejected while loading, and those a lookup needed whose
   * schema check (`readOsvRecord`) failed. Complete for a scan once its lookups are done.
   */
  rejected(): RejectedRecord[];
}

const compareModified = (a: string, b: string): number => (a > b ? -1 : a < b ? 1 : 0);

/**
 * An advisory index over catalogued records that checks a record against the schema only when a lookup needs
 * it, so a scan pays the check for the few hundred records naming its packages, not for the whole database.
 * It answers as `buildAdvisoryIndex` over the records that pass: of two copies of one id the later `modified`
 * wins (the first loaded on a tie), a copy that breaks the schema is skipped for the next, withdrawn records
 * are left out. `records` counts ids whose latest copy (by the light check) is not withdrawn.
 */
export function indexCatalog(parts: readonly CatalogPart[]): CatalogIndex {
  const offsets: number[] = [];
  let total = 0;
  for (const p of parts) {
    offsets.push(total);
    total += p.ids.length;
  }
  const partOf = (ref: number): [CatalogPart, number] => {
    let i = offsets.length - 1;
    while (i > 0 && (offsets[i] as number) > ref) i--;
    return [parts[i] as CatalogPart, ref - (offsets[i] as number)];
  };
  // The first copy of every id, and every copy of the (rare) ids loaded more than once.
  const first = new Map<string, number>();
  const copies = new Map<string, number[]>();
  parts.forEach((p, i) => {
    const base = offsets[i] as number;
    const ids = p.ids;
    for (let n = 0; n < ids.length; n++) {
      const id = ids[n] as string;
      if (!id) continue;
      const seen = first.get(id);
      if (seen === undefined) first.set(id, base + n);
      else {
        const list = copies.get(id);
        if (list) list.push(base + n);
        else copies.set(id, [seen, base + n]);
      }
    }
  });
  let records = 0;
  for (const [id, ref] of first) {
    const list = copies.get(id);
    let best = ref;
    if (list) for (const r of list) if (compareModified(modifiedOf(r), modifiedOf(best)) < 0) best = r;
    const [p, n] = partOf(best);
    if (!p.withdrawn(n)) records++;
  }
  function modifiedOf(ref: number): string {
    const [p, n] = partOf(ref);
    return p.modified[n] as string;
  }

  const brokenCopies = new Map<number, string[]>();
  const resolved = new Map<string, OsvRecord | null>();
  /** The id's latest copy that passes the schema check, or null when none does or it is withdrawn. */
  const resolve = (id: string): OsvRecord | null => {
    const known = resolved.get(id);
    if (known !== undefined) return known;
    const refs = [...(copies.get(id) ?? [first.get(id) as number])].sort((a, b) => compareModified(modifiedOf(a), modifiedOf(b)) || a - b);
    let record: OsvRecord | null = null;
    for (const ref of refs) {
      const [p, n] = partOf(ref);
      const reading = readOsvRecord(p.json(n));
      if ('record' in reading) {
        record = reading.record.withdrawn === undefined ? reading.record : null;
        break;
      }
      brokenCopies.set(ref, reading.problems);
    }
    resolved.set(id, record);
    return record;
  };

  const entries = new Map<string, IndexedEntry[]>();
  const parse = memoParse();
  const lookup = (ecosystem: Ecosystem, name: string): readonly IndexedEntry[] => {
    const key = packageKey(ecosystem, name);
    const known = entries.get(key);
    if (known) return known;
    const ids = new Map<string, number>();
    for (const p of parts) {
      for (const n of p.naming(key)) {
        const id = p.ids[n] as string;
        if (!ids.has(id)) ids.set(id, first.get(id) as number);
      }
    }
    const list: IndexedEntry[] = [];
    // Most packages have no advisory at all.
    if (ids.size === 0) {
      entries.set(key, list);
      return list;
    }
    // In the order the ids were first loaded, as buildAdvisoryIndex files them.
    for (const id of [...ids.keys()].sort((a, b) => (ids.get(a) as number) - (ids.get(b) as number))) {
      const record = resolve(id);
      if (!record) continue;
      for (const affected of record.affected) {
        const pkg = affected.package;
        if (pkg && isEcosystem(pkg.ecosystem) && packageKey(pkg.ecosystem, pkg.name) === key) list.push(indexedEntry(record, affected, pkg.ecosystem, parse));
      }
    }
    entries.set(key, list);
    return list;
  };

  const ecosystems = new Set(parts.flatMap((p) => [...p.ecosystems]));
  return {
    lookup,
    records,
    hasRecords: (ecosystem) => ecosystems.has(ecosystem),
    rejected: () => {
      const all: [number, RejectedRecord][] = [];
      parts.forEach((p, i) => {
        for (const r of p.rejected) all.push([(offsets[i] as number) + r.at, { source: r.source, problems: r.problems }]);
      });
      for (const [ref, problems] of brokenCopies) {
        const [p, n] = partOf(ref);
        all.push([ref, { source: p.source(n), problems }]);
      }
      return all.sort((a, b) => a[0] - b[0]).map(([, r]) => r);
    },
  };
}
