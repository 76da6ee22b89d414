import { closeSync, openSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../core/errors.ts';
import { readOsvRecord, type OsvRecord } from '../../core/scanner/osv-record.ts';
import { fileSource, zipSourceEntries } from './zip-entries.ts';

export interface RejectedRecord {
  /** `dir/ID.json` or `archive.zip:ID.json`. */
  source: string;
  problems: string[];
}

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
 * OSV records from a `.json` file, a zip of `.json` records (osv.dev's per-ecosystem `all.zip`), or a folder
 * holding either, walked recursively. A record that is not JSON or breaks the OSV schema is reported in
 * `rejected` with its problems and skipped; the load goes on.
 */
export async function loadOsvRecords(path: string, options: LoadOptions = {}): Promise<OsvLoad> {
  const out: OsvLoad = { records: [], rejected: [] };
  const every = options.progressEvery ?? 5000;
  let read = 0;
  const accept = (source: string, bytes: Buffer): void => {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      out.rejected.push({ source, problems: [`invalid JSON: ${(e as Error).message}`] });
      return;
    }
    const reading = readOsvRecord(json);
    if ('record' in reading) out.records.push(reading.record);
    else out.rejected.push({ source, problems: reading.problems });
    if (++read % every === 0) options.onProgress?.(read);
  };
  for await (const file of osvFiles(path)) accept(file.source, file.bytes);
  return out;
}

/** One file of OSV data: `source` names it (`dir/ID.json` or `archive.zip:ID.json`). */
export interface OsvFile {
  source: string;
  bytes: Buffer;
}

/**
 * The `.json` files of OSV data, one at a time, in a stable order: a `.json` file, a zip of them, or a folder
 * holding either, walked recursively (the path named itself is read whatever its extension).
 */
export async function* osvFiles(path: string): AsyncGenerator<OsvFile> {
  async function* visit(p: string, top: boolean): AsyncGenerator<OsvFile> {
    const info = await stat(p).catch((e: NodeJS.ErrnoException) => {
      throw new DomainError('not_found', `Cannot read OSV data at ${p}: ${e.code ?? e.message}`);
    });
    if (info.isDirectory()) {
      for (const name of (await readdir(p)).sort()) yield* visit(join(p, name), false);
    } else if (p.endsWith('.zip')) {
      // Read at positions, one entry at a time: memory stays bounded whatever the archive's size.
      const fd = openSync(p, 'r');
      try {
        for (const entry of zipSourceEntries(fileSource(fd), p)) if (entry.name.endsWith('.json')) yield { source: `${p}:${entry.name}`, bytes: entry.read() };
      } finally {
        closeSync(fd);
      }
    } else if (p.endsWith('.json') || top) {
      yield { source: p, bytes: await readFile(p) };
    }
  }
  yield* visit(path, true);
}
