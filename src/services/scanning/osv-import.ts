import { osvFiles, type OsvFile, type RejectedRecord } from '../../adapters/osv/load-osv-records.ts';
import { CompiledQuery, sql } from 'kysely';
import { osvModifiedTime, readOsvRecord, type OsvRecord } from '../../core/scanner/osv-record.ts';
import { isEcosystem, normalisePackageName } from '../../core/versions/ecosystems.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Db, DbOrTx } from '../context.ts';

export interface OsvImportResult {
  /** Records new to the database. */
  imported: number;
  /** Records whose `modified` is newer than the stored copy's. */
  updated: number;
  /** Records whose stored copy is as new or newer: skipped. */
  unchanged: number;
  /** Files that are not JSON or break the OSV schema: reported and skipped, the import goes on. */
  rejected: RejectedRecord[];
}

export interface OsvImportOptions {
  /** Records per transaction. */
  chunkSize?: number;
  /** Called after each committed chunk with the files read so far. */
  onProgress?: (read: number, result: OsvImportResult) => void;
  /** Audit actor of the import (`cli`, `user:…`). */
  actor?: string;
  now?: () => Date;
}

interface Candidate {
  record: OsvRecord;
  text: string;
  modified: Date;
}

/** A file that parsed as JSON, not yet checked against the schema. */
interface Parsed {
  source: string;
  text: string;
  json: unknown;
  /** Its id and `modified` when those pass the schema: enough to skip it when the stored copy is as new. */
  key: { id: string; modified: number } | null;
}

/** The key a package is indexed under: the registry's own normalisation for ecosystems Embargo knows. */
export const osvPackageKey = (ecosystem: string, name: string): { ecosystem: string; name: string } => ({
  ecosystem,
  name: isEcosystem(ecosystem) ? normalisePackageName(ecosystem, name) : name,
});

const CHUNK = 500;
/** Rows per multi-row insert: PostgreSQL allows 65,535 parameters per statement. */
const ROWS_PER_INSERT = 2000;

/**
 * Imports OSV records into the database, incrementally: a record is written only when its id is new or its
 * `modified` is later than the stored copy's (compared at millisecond precision, what `timestamptz` and a JS
 * Date share), so re-importing the same export writes nothing. A record no newer than its stored copy is
 * counted unchanged without being checked against the schema again (its stored copy was checked when written).
 * Each chunk of records commits in one transaction with multi-row inserts; the package index rows of an
 * updated record are replaced with it. While a chunk is written, the next one is read and parsed, so on
 * PostgreSQL the server's work overlaps ours.
 */
export async function importOsvFiles(db: Db, files: Iterable<OsvFile> | AsyncIterable<OsvFile>, options: OsvImportOptions = {}): Promise<OsvImportResult> {
  const result: OsvImportResult = { imported: 0, updated: 0, unchanged: 0, rejected: [] };
  const chunkSize = options.chunkSize ?? CHUNK;
  const now = options.now ?? (() => new Date());
  let pending: Parsed[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  let read = 0;
  const flush = async (): Promise<void> => {
    await inFlight;
    if (!pending.length) return;
    const batch = pending;
    const readSoFar = read;
    pending = [];
    inFlight = db.transaction().execute((tx) => writeChunk(tx, batch, result, now())).then(() => options.onProgress?.(readSoFar, result));
    // Awaited by the next flush; this keeps a failure from being reported as unhandled in between.
    inFlight.catch(() => {});
  };
  const take = (file: OsvFile): boolean => {
    read++;
    const text = file.bytes.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      result.rejected.push({ source: file.source, problems: [`invalid JSON: ${(e as Error).message}`] });
      return false;
    }
    pending.push({ source: file.source, text, json, key: osvModifiedTime(json) });
    return pending.length >= chunkSize;
  };
  if (Symbol.iterator in files) {
    // Files read synchronously: no await per file, one per chunk, and a turn of the event loop every 64 files
    // so that the chunk being written (a PostgreSQL round trip) goes on while the next one is read.
    let sinceYield = 0;
    for (const file of files) {
      if (take(file)) await flush();
      else if (++sinceYield >= 64) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  } else {
    for await (const file of files) if (take(file)) await flush();
  }
  await flush();
  await inFlight;
  await db.transaction().execute((tx) =>
    appendAudit(
      tx,
      { actor: options.actor ?? 'cli', action: 'osv.imported', data: { imported: result.imported, updated: result.updated, unchanged: result.unchanged, rejected: result.rejected.length } },
      now(),
    ),
  );
  return result;
}

/** `importOsvFiles` over a `.json` file, a zip of records, or a folder of either. */
export const importOsvPath = (db: Db, path: string, options: OsvImportOptions = {}): Promise<OsvImportResult> => importOsvFiles(db, osvFiles(path), options);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `($1, $2), ($3, $4)…` for a multi-row insert, each row ending with the `shared` parameters: Kysely's builder costs more per row than the insert. */
const valuesList = (rows: number, columns: number, shared: string[] = []): string => {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 1; c <= columns; c++) cells.push(`$${r * columns + c}`);
    out.push(`(${[...cells, ...shared].join(', ')})`);
  }
  return out.join(', ');
};

async function writeChunk(tx: DbOrTx, batch: Parsed[], result: OsvImportResult, at: Date): Promise<void> {
  const ids = [...new Set(batch.flatMap((p) => (p.key ? [p.key.id] : [])))];
  const stored = ids.length ? await tx.selectFrom('osv_records').select(['id', 'modified']).where('id', 'in', ids).execute() : [];
  const storedModified = new Map(stored.map((r) => [r.id, new Date(r.modified).getTime()]));
  const candidates = new Map<string, Candidate>();
  for (const p of batch) {
    const old = p.key ? storedModified.get(p.key.id) : undefined;
    if (p.key && old !== undefined && p.key.modified <= old) {
      result.unchanged++;
      continue;
    }
    const reading = readOsvRecord(p.json);
    if (!('record' in reading)) {
      result.rejected.push({ source: p.source, problems: reading.problems });
      continue;
    }
    const record = reading.record;
    const modified = new Date(record.modified);
    const seen = candidates.get(record.id);
    if (seen && seen.modified >= modified) {
      result.unchanged++;
      continue;
    }
    if (seen) result.unchanged++;
    candidates.set(record.id, { record, text: p.text, modified });
  }
  const fresh: Candidate[] = [];
  const newer: Candidate[] = [];
  for (const c of candidates.values()) {
    const old = storedModified.get(c.record.id);
    if (old === undefined) fresh.push(c);
    else if (c.modified.getTime() > old) newer.push(c);
    else result.unchanged++;
  }
  const write = [...fresh, ...newer];
  if (!write.length) return;
  if (newer.length) {
    await tx
      .deleteFrom('osv_packages')
      .where(
        'record_id',
        'in',
        newer.map((c) => c.record.id),
      )
      .execute();
  }
  const perRecord = 4;
  for (const part of chunks(write, Math.floor(ROWS_PER_INSERT / perRecord))) {
    const parameters: unknown[] = [];
    for (const c of part) parameters.push(c.record.id, c.modified, c.record.withdrawn !== undefined, c.text);
    parameters.push(at);
    await tx.executeQuery(
      CompiledQuery.raw(
        `insert into osv_records (id, modified, withdrawn, record, imported_at) values ${valuesList(part.length, perRecord, [`$${parameters.length}`])} ` +
          'on conflict (id) do update set modified = excluded.modified, withdrawn = excluded.withdrawn, record = excluded.record, imported_at = excluded.imported_at',
        parameters,
      ),
    );
  }
  const packages = new Map<string, [string, string, string]>();
  for (const c of write) {
    if (c.record.withdrawn !== undefined) continue;
    for (const a of c.record.affected) {
      if (!a.package) continue;
      const key = osvPackageKey(a.package.ecosystem, a.package.name);
      packages.set(`${key.ecosystem}\0${key.name}\0${c.record.id}`, [key.ecosystem, key.name, c.record.id]);
    }
  }
  for (const part of chunks([...packages.values()], ROWS_PER_INSERT)) {
    await tx.executeQuery(CompiledQuery.raw(`insert into osv_packages (ecosystem, name, record_id) values ${valuesList(part.length, 3)}`, part.flat()));
  }
  // The ids each record answers to, for the triage's "already public as …" (services/triage/known-advisories.ts).
  if (newer.length) await tx.deleteFrom('osv_aliases').where('record_id', 'in', newer.map((c) => c.record.id)).execute();
  const aliases = new Map<string, [string, string]>();
  for (const c of write) {
    if (c.record.withdrawn !== undefined) continue;
    for (const a of [c.record.id, ...c.record.aliases]) aliases.set(`${a.toUpperCase()}\0${c.record.id}`, [a.toUpperCase(), c.record.id]);
  }
  for (const part of chunks([...aliases.values()], ROWS_PER_INSERT)) {
    await tx.executeQuery(CompiledQuery.raw(`insert into osv_aliases (alias, record_id) values ${valuesList(part.length, 2)} on conflict do nothing`, part.flat()));
  }
  result.imported += fresh.length;
  result.updated += newer.length;
}

/** Which of these ecosystems the database holds at least one OSV record of (one index probe each). */
export async function ecosystemsWithRecords(db: DbOrTx, ecosystems: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const ecosystem of ecosystems) {
    const row = await db.selectFrom('osv_packages').select('record_id').where('ecosystem', '=', ecosystem).limit(1).executeTakeFirst();
    if (row) found.add(ecosystem);
  }
  return found;
}

/** Package names per read of the package index, and records per page of `recordPagesForPackages`. */
const NAMES_PER_QUERY = 500;
export const RECORDS_PER_PAGE = 200;

/** Ecosystem → the normalised names of these packages in it. */
function namesByEcosystem(packages: Iterable<{ ecosystem: string; name: string }>): Map<string, Set<string>> {
  const byEcosystem = new Map<string, Set<string>>();
  for (const p of packages) {
    const key = osvPackageKey(p.ecosystem, p.name);
    const names = byEcosystem.get(key.ecosystem) ?? new Set<string>();
    names.add(key.name);
    byEcosystem.set(key.ecosystem, names);
  }
  return byEcosystem;
}

/**
 * The stored records naming any of these packages (names normalised here), parsed, in pages of at most
 * `pageSize` records: each record once, in the order of their ids, withdrawn records and records that no longer
 * pass the schema left out. The package index is read first for the ids alone (names in lists of a fixed
 * size, one array parameter), then the records a page of ids at a time, so what is held at once is the ids and
 * one page, however many records name the packages (at 600k records, a lockfile's packages can be named by
 * 12,000 records, 35 MB of JSON and several times that parsed). A caller that drops each page (the scans'
 * `vulnerabilityMatcher`) keeps its memory bounded.
 */
export async function* recordPagesForPackages(db: DbOrTx, packages: Iterable<{ ecosystem: string; name: string }>, pageSize = RECORDS_PER_PAGE): AsyncGenerator<OsvRecord[]> {
  const found = new Set<string>();
  for (const [ecosystem, names] of namesByEcosystem(packages)) {
    for (const part of chunks([...names], NAMES_PER_QUERY)) {
      const rows = await db
        .selectFrom('osv_packages')
        .select('record_id')
        .where('ecosystem', '=', ecosystem)
        .where('name', '=', sql<string>`any(${part}::text[])`)
        .execute();
      for (const row of rows) found.add(row.record_id);
    }
  }
  // Code-unit order: the same on both engines whatever the database's collation (record ids are ASCII).
  const ids = [...found].sort();
  found.clear();
  for (let i = 0; i < ids.length; i += pageSize) {
    const page = ids.slice(i, i + pageSize);
    const rows = await db.selectFrom('osv_records').select(['id', 'record']).where('id', '=', sql<string>`any(${page}::text[])`).where('withdrawn', '=', false).execute();
    const text = new Map(rows.map((r) => [r.id, r.record]));
    const records: OsvRecord[] = [];
    for (const id of page) {
      const json = text.get(id);
      if (json === undefined) continue;
      const reading = readOsvRecord(JSON.parse(json));
      if ('record' in reading) records.push(reading.record);
    }
    if (records.length) yield records;
  }
}
