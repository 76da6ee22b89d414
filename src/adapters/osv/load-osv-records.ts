import { readOsvRecord, type OsvRecord } from '../../core/scanner/osv-record.ts';
import type { RejectedRecord } from '../../core/scanner/record-catalog.ts';
import { partRecords, sourceParts, sourcePrefix } from './osv-source.ts';
import { ZipInflater } from './zip-inflater.ts';

export type { RejectedRecord };

export interface OsvLoad {
  records: OsvRecord[];
  rejected: RejectedRecord[];
}

export interface LoadOptions {
  /** Called every `progressEvery` records read, with the count so far. */
  onProgress?: (read: number) => void;
  progressEvery?: number;
}

/**
 * Every OSV record of a `.json` file, a zip of `.json` records (osv.dev's per-ecosystem `all.zip`), or a folder
 * holding either, checked against the schema. A record that is not JSON or breaks the OSV schema is reported in
 * `rejected` with its problems and skipped; the load goes on. Holds every record in memory: scans use
 * `openLocalOsv`, which keeps only what they need.
 */
export async function loadOsvRecords(path: string, options: LoadOptions = {}): Promise<OsvLoad> {
  const out: OsvLoad = { records: [], rejected: [] };
  const every = options.progressEvery ?? 5000;
  let read = 0;
  for (const file of osvFiles(path)) {
    let json: unknown;
    try {
      json = JSON.parse(file.bytes.toString('utf8'));
    } catch (e) {
      out.rejected.push({ source: file.source, problems: [`invalid JSON: ${(e as Error).message}`] });
      continue;
    }
    const reading = readOsvRecord(json);
    if ('record' in reading) out.records.push(reading.record);
    else out.rejected.push({ source: file.source, problems: reading.problems });
    if (++read % every === 0) options.onProgress?.(read);
  }
  return out;
}

/** One file of OSV data: `source` names it (`dir/ID.json` or `archive.zip:ID.json`). */
export interface OsvFile {
  source: string;
  /** Valid until the next file is read: copy (or decode) what must outlive it. */
  bytes: Buffer;
}

/**
 * The `.json` files of OSV data, read synchronously one at a time, in a stable order: a `.json` file, a zip of
 * them, or a folder holding either, walked recursively (the path named itself is read whatever its extension);
 * a folder's loose files first, then its folders and zips by name. Large zips are inflated on a worker thread.
 */
export function* osvFiles(path: string): Generator<OsvFile> {
  const inflater = new ZipInflater();
  try {
    for (const part of sourceParts(path)) {
      const prefix = sourcePrefix(path, part);
      for (const { name, bytes } of partRecords(path, part, [], inflater)) yield { source: `${prefix}${name}`, bytes };
    }
  } finally {
    inflater.close();
  }
}
