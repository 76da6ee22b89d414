import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type { OsvRecord } from '../../core/scanner/osv-record.ts';
import { isEcosystem, normalisePackageName } from '../../core/versions/ecosystems.ts';
import type { OsvLoad, RejectedRecord } from './load-osv-records.ts';

/**
 * The CLI's local OSV cache: the checked records of one OSV source (folder or zip), indexed by (ecosystem,
 * normalised package name), so a scan reads only the records naming its packages instead of inflating,
 * parsing and checking every record again. Layout of one file:
 *
 *   EMBARGO-OSV-CACHE <format> <header bytes> <header sha256>\n
 *   <header JSON: fingerprint, counts, rejected records, package → record numbers, record spans with CRC-32>
 *   <body: the checked records (`OsvRecord`) as JSON texts, one after another>
 *
 * Anything that does not verify (magic, header hash, a record's CRC, JSON) makes the file unusable: the scan
 * rebuilds it from the source, never trusting a damaged cache.
 */
export const CACHE_FORMAT = 1;
const MAGIC = 'EMBARGO-OSV-CACHE';

interface CacheHeader {
  fingerprint: string;
  /** Records the full index holds (what `embargo scan --format json` reports as `osv.records`). */
  records: number;
  /** Bytes of the body: a file of another length was cut short or appended to. */
  bodyBytes: number;
  rejected: RejectedRecord[];
  /** `ecosystem\0normalised name` → numbers of the records naming that package. */
  packages: Record<string, number[]>;
  /** Per record: [offset in the body, length, CRC-32]. */
  spans: [number, number, number][];
}

export type CacheRead =
  | { status: 'hit'; records: OsvRecord[]; indexed: number; rejected: RejectedRecord[] }
  | { status: 'missing' | 'stale' }
  | { status: 'corrupt'; reason: string };

/** `$EMBARGO_CACHE_DIR`, else `$XDG_CACHE_HOME/embargo`, else `~/.cache/embargo`; one file per source path. */
export function defaultCacheFile(source: string, env: NodeJS.ProcessEnv): string {
  const dir = env.EMBARGO_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'embargo');
  return join(dir, `osv-${createHash('sha256').update(resolve(source)).digest('hex').slice(0, 16)}.cache`);
}

/**
 * What the cache is valid for: the source's absolute path and the path, size and modification time of every
 * file the loader would read under it, plus `salt` (the Embargo version: a new release may check records
 * differently). Only `stat` calls, no reads.
 */
export function osvSourceFingerprint(source: string, salt: string): string {
  const hash = createHash('sha256').update(`${MAGIC} ${CACHE_FORMAT} ${salt}\n${resolve(source)}\n`);
  const visit = (p: string, top: boolean): void => {
    const info = statSync(p);
    if (info.isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(join(p, name), false);
    } else if (top || p.endsWith('.zip') || p.endsWith('.json')) {
      hash.update(`${p}\0${info.size}\0${info.mtimeMs}\n`);
    }
  };
  visit(source, true);
  return hash.digest('hex');
}

const packageKey = (ecosystem: string, name: string): string | null => (isEcosystem(ecosystem) ? `${ecosystem}\0${normalisePackageName(ecosystem, name)}` : null);

/**
 * Writes the cache of a loaded source: the records the index would keep (of two copies of an id the later
 * `modified`, withdrawn ones left out), written to a temporary file and renamed into place, so a reader never
 * sees half a file. Returns the file's size.
 */
export function writeOsvCache(file: string, fingerprint: string, load: OsvLoad): number {
  const latest = new Map<string, OsvRecord>();
  for (const r of load.records) {
    const seen = latest.get(r.id);
    if (!seen || r.modified > seen.modified) latest.set(r.id, r);
  }
  const bodies: Buffer[] = [];
  const spans: [number, number, number][] = [];
  const packages: Record<string, number[]> = {};
  let offset = 0;
  for (const record of latest.values()) {
    if (record.withdrawn !== undefined) continue;
    const keys = new Set<string>();
    for (const a of record.affected) {
      const key = a.package ? packageKey(a.package.ecosystem, a.package.name) : null;
      if (key) keys.add(key);
    }
    const n = spans.length;
    const body = Buffer.from(JSON.stringify(record));
    bodies.push(body);
    spans.push([offset, body.length, crc32(body)]);
    offset += body.length;
    for (const key of keys) (packages[key] ??= []).push(n);
  }
  const header: CacheHeader = { fingerprint, records: spans.length, bodyBytes: offset, rejected: load.rejected, packages, spans };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const first = Buffer.from(`${MAGIC} ${CACHE_FORMAT} ${headerBytes.length} ${createHash('sha256').update(headerBytes).digest('hex')}\n`);
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([first, headerBytes, ...bodies]));
    renameSync(temporary, file);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
  return first.length + headerBytes.length + offset;
}

/**
 * The cached records naming any of `packages` (names normalised here), when the cache exists, matches the
 * fingerprint and verifies; reads the header and those records only.
 */
export function readOsvCache(file: string, fingerprint: string, packages: Iterable<{ ecosystem: string; name: string }>): CacheRead {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { status: 'missing' };
  }
  try {
    const read = (position: number, length: number): Buffer => {
      const buffer = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buffer, done, length - done, position + done);
        if (n === 0) throw new Error(`file ends at byte ${position + done}, before ${position + length}`);
        done += n;
      }
      return buffer;
    };
    const size = statSync(file).size;
    const start = read(0, Math.min(size, 256));
    const newline = start.indexOf(10);
    const [magic, format, headerLength, headerHash] = start.toString('latin1', 0, Math.max(newline, 0)).split(' ');
    if (newline < 0 || magic !== MAGIC) return { status: 'corrupt', reason: 'not an Embargo OSV cache' };
    if (Number(format) !== CACHE_FORMAT) return { status: 'stale' };
    const headerBytes = read(newline + 1, Number(headerLength));
    if (createHash('sha256').update(headerBytes).digest('hex') !== headerHash) return { status: 'corrupt', reason: 'header checksum mismatch' };
    const header = JSON.parse(headerBytes.toString('utf8')) as CacheHeader;
    if (header.fingerprint !== fingerprint) return { status: 'stale' };
    const body = newline + 1 + headerBytes.length;
    if (body + header.bodyBytes !== size) return { status: 'corrupt', reason: `${size} bytes, not ${body + header.bodyBytes}` };
    const wanted = new Set<number>();
    for (const p of packages) {
      const key = packageKey(p.ecosystem, p.name);
      for (const n of (key && Object.hasOwn(header.packages, key) ? header.packages[key] : undefined) ?? []) wanted.add(n);
    }
    const records: OsvRecord[] = [];
    for (const n of [...wanted].sort((a, b) => a - b)) {
      const span = header.spans[n];
      if (!span) return { status: 'corrupt', reason: `record ${n} has no span` };
      const [offset, length, crc] = span;
      const bytes = read(body + offset, length);
      if (crc32(bytes) !== crc) return { status: 'corrupt', reason: `record ${n} checksum mismatch` };
      records.push(JSON.parse(bytes.toString('utf8')) as OsvRecord);
    }
    return { status: 'hit', records, indexed: header.records, rejected: header.rejected };
  } catch (e) {
    return { status: 'corrupt', reason: (e as Error).message };
  } finally {
    closeSync(fd);
  }
}
