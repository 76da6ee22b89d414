import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { PartStamps, SourcePart } from './osv-source.ts';

/**
 * The CLI's local OSV cache: per part of an OSV source (a folder or zip of it), an index of its records by
 * (ecosystem, normalised package name), with each record's id, `modified`, length and CRC-32. A scan reads the
 * index and then, from the source, only the records naming its packages, each checked against its length and
 * CRC-32. Records are never copied, let alone re-serialised, so building the cache costs little more than
 * reading the source. Layout of one file:
 *
 *   EMBARGO-OSV-CACHE 3\n
 *   <part index JSON> …
 *   <header JSON: salt, source, its stamp, per part: name, kind, ecosystem, stamps, index span and sha256>
 *   \nEMBARGO-OSV-CACHE-END <header offset> <header bytes> <header sha256>\n
 *
 * Anything that does not verify (magic, end record, header or index hash) makes the file unusable: the scan
 * rebuilds it from the source, never trusting a damaged cache.
 */
export const CACHE_FORMAT = 3;
const MAGIC = `EMBARGO-OSV-CACHE ${CACHE_FORMAT}\n`;
const END = 'EMBARGO-OSV-CACHE-END';

export interface CachedPartHeader extends SourcePart {
  stamps: PartStamps;
  /** [offset, length, sha256] of the part's index JSON. */
  index: [number, number, string];
}

export interface CacheHeader {
  /** The cache format and the Embargo version (a new release may read records differently). */
  salt: string;
  /** The source's absolute path. */
  source: string;
  /** The source's stamp: while it holds, its parts are `sourceParts`. */
  sourceStamp: string;
  /** Every part of the source (those no scan needed yet are not in `parts`). */
  sourceParts: SourcePart[];
  /** The parts indexed in this file. */
  parts: CachedPartHeader[];
}

/** A part's index: per entry in load order, what indexing needs and how to find and check the record again. */
export interface PartIndex {
  /** `''` for an entry rejected while loading. */
  ids: string[];
  modified: string[];
  /** Entry numbers of withdrawn records. */
  withdrawn: number[];
  /** Entry names after the part's prefix (`sub/all.zip:ID.json`); `''` for `<id>.json`, the usual name. */
  names: string[];
  /** [length, CRC-32] per entry, flattened (0, 0 for a rejected entry). */
  checks: number[];
  /** Per entry of a zip, [local header offset, compressed size, method, size], flattened; empty for a folder without zips. */
  zips: number[];
  /** `packageKey` → entry numbers. */
  packages: Record<string, number[]>;
  rejected: { at: number; problems: string[] }[];
}

export class CacheDamage extends Error {}

/**
 * A part's index as JSON, the bytes `JSON.stringify` gives for it with `packages` as an object, written from the
 * map the loader fills: turning a map of thousands of keys into an object first costs more than the writing.
 */
export function partIndexJson(index: Omit<PartIndex, 'packages'>, packages: ReadonlyMap<string, readonly number[]>): Buffer {
  const entries: string[] = [];
  for (const [key, list] of packages) entries.push(`${JSON.stringify(key)}:[${list.join(',')}]`);
  const { ids, modified, withdrawn, names, checks, zips, rejected } = index;
  const head = JSON.stringify({ ids, modified, withdrawn, names, checks, zips });
  return Buffer.from(`${head.slice(0, -1)},"packages":{${entries.join(',')}},"rejected":${JSON.stringify(rejected)}}`);
}

/** `$EMBARGO_CACHE_DIR`, else `$XDG_CACHE_HOME/embargo`, else `~/.cache/embargo`. */
export const defaultCacheDir = (env: NodeJS.ProcessEnv): string => env.EMBARGO_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'embargo');

/** One cache file per source path in the default cache folder. */
export function defaultCacheFile(source: string, env: NodeJS.ProcessEnv): string {
  return join(defaultCacheDir(env), `osv-${createHash('sha256').update(resolve(source)).digest('hex').slice(0, 16)}.cache`);
}

export const cacheSalt = (version: string): string => `${CACHE_FORMAT} ${version}`;

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) throw new CacheDamage(`file ends at byte ${position + done}, before ${position + length}`);
    done += n;
  }
  return buffer;
}

/** An open cache file whose header verified. */
export class CacheFile {
  private constructor(
    private readonly fd: number,
    readonly header: CacheHeader,
  ) {}

  /** Opens and verifies the header: null when there is no file; throws `CacheDamage` when it does not verify. */
  static open(path: string): CacheFile | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    try {
      const size = fstatSync(fd).size;
      const start = readAt(fd, 0, Math.min(size, MAGIC.length)).toString('latin1');
      if (start !== MAGIC) throw new CacheDamage(start.startsWith('EMBARGO-OSV-CACHE ') ? 'another cache format' : 'not an Embargo OSV cache');
      const tailLength = Math.min(size, 256);
      const tail = readAt(fd, size - tailLength, tailLength).toString('latin1');
      const at = tail.lastIndexOf(`\n${END} `);
      if (at < 0 || !tail.endsWith('\n')) throw new CacheDamage('no end record');
      const [, offset, length, hash] = tail.slice(at + 1, -1).split(' ');
      const headerOffset = Number(offset);
      const headerLength = Number(length);
      if (!Number.isSafeInteger(headerOffset) || !Number.isSafeInteger(headerLength) || headerOffset + headerLength !== size - tailLength + at) {
        throw new CacheDamage(`${size} bytes do not end where the end record says`);
      }
      const bytes = readAt(fd, headerOffset, headerLength);
      if (sha256(bytes) !== hash) throw new CacheDamage('header checksum mismatch');
      const header = JSON.parse(bytes.toString('utf8')) as CacheHeader;
      if (typeof header.salt !== 'string' || !Array.isArray(header.sourceParts) || !Array.isArray(header.parts)) throw new CacheDamage('unexpected header');
      return new CacheFile(fd, header);
    } catch (e) {
      closeSync(fd);
      throw e instanceof CacheDamage ? e : new CacheDamage((e as Error).message);
    }
  }

  /** A part's index JSON, verified against its hash. */
  indexBytes(part: CachedPartHeader): Buffer {
    const [offset, length, hash] = part.index;
    const bytes = readAt(this.fd, offset, length);
    if (sha256(bytes) !== hash) throw new CacheDamage(`index of ${part.name || 'the source'} checksum mismatch`);
    return bytes;
  }

  index(part: CachedPartHeader): PartIndex {
    return JSON.parse(this.indexBytes(part).toString('utf8')) as PartIndex;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A part's index for `writeCache`: its header fields and its index, as an object or as JSON bytes (read on demand). */
export interface PartToWrite {
  header: Omit<CachedPartHeader, 'index'>;
  index: PartIndex | (() => Buffer | null);
}

/**
 * Writes a cache file to a temporary name beside it and renames it into place, so a reader never sees half a
 * file. Returns its size.
 */
export function writeCache(path: string, header: Omit<CacheHeader, 'parts'>, parts: PartToWrite[]): number {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const chunks: Buffer[] = [Buffer.from(MAGIC)];
  let offset = chunks[0]?.length as number;
  const headers: CachedPartHeader[] = [];
  for (const p of parts) {
    const bytes = typeof p.index === 'function' ? p.index() : Buffer.from(JSON.stringify(p.index));
    if (!bytes) continue;
    headers.push({ ...p.header, index: [offset, bytes.length, sha256(bytes)] });
    chunks.push(bytes);
    offset += bytes.length;
  }
  const head = Buffer.from(JSON.stringify({ ...header, parts: headers } satisfies CacheHeader));
  chunks.push(head, Buffer.from(`\n${END} ${offset} ${head.length} ${sha256(head)}\n`));
  const fd = openSync(temporary, 'w');
  try {
    for (const chunk of chunks) for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
    closeSync(fd);
    renameSync(temporary, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // Closed already.
    }
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing to remove.
    }
    throw e;
  }
  return chunks.reduce((n, c) => n + c.length, 0);
}
