import { fstatSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { DomainError } from '../../core/errors.ts';

export interface ZipEntry {
  name: string;
  /** Where its local header starts, how it is stored (0 stored, 8 deflated) and its sizes: enough to read it again. */
  local: number;
  method: number;
  compressed: number;
  size: number;
  /** The entry's bytes, inflated on demand. */
  read(): Buffer;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const corrupt = (archive: string, why: string): DomainError => new DomainError('validation', `${archive}: not a readable zip archive (${why})`);

/** Random access to an archive's bytes: a buffer in memory, or a file read at positions. */
export interface ZipSource {
  size: number;
  read(position: number, length: number): Buffer;
}

export const bufferSource = (zip: Buffer): ZipSource => ({ size: zip.length, read: (position, length) => zip.subarray(position, position + length) });

/**
 * A zip file read at positions through `fd`: only the end records, the central directory and one entry at a
 * time are in memory, so a multi-gigabyte archive needs no more than its largest entry (and its directory).
 */
export function fileSource(fd: number): ZipSource {
  return {
    size: fstatSync(fd).size,
    read(position, length) {
      const buffer = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buffer, done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done === length ? buffer : buffer.subarray(0, done);
    },
  };
}

/** The entries of a zip archive held in memory (see `zipSourceEntries`). */
export const zipEntries = (zip: Buffer, archive: string): ZipEntry[] => zipSourceEntries(bufferSource(zip), archive);

/**
 * The entries of a zip archive: central directory, ZIP64 (osv.dev's `all.zip` of a large ecosystem has more
 * than 65,535 entries), stored and deflated entries. Enough for OSV exports; no encryption, no multi-disk
 * archives. Entries are read from the source when asked for, one by one.
 */
export function zipSourceEntries(source: ZipSource, archive: string): ZipEntry[] {
  try {
    return readDirectory(source, archive);
  } catch (e) {
    // A field pointing outside the directory (a name or extra field cut short) reads past a buffer's end.
    if (e instanceof RangeError) throw corrupt(archive, 'a directory field runs past its end');
    throw e;
  }
}

function readDirectory(source: ZipSource, archive: string): ZipEntry[] {
  const tailStart = Math.max(0, source.size - 22 - 0xffff);
  const tail = source.read(tailStart, source.size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw corrupt(archive, 'no end of central directory');
  let count = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let offset = tail.readUInt32LE(eocd + 16);
  if ((count === 0xffff || offset === 0xffffffff || directorySize === 0xffffffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === EOCD64_LOCATOR) {
    const at = Number(tail.readBigUInt64LE(eocd - 20 + 8));
    const end64 = source.read(at, 56);
    if (end64.length < 56 || end64.readUInt32LE(0) !== EOCD64) throw corrupt(archive, 'bad ZIP64 end record');
    count = Number(end64.readBigUInt64LE(32));
    directorySize = Number(end64.readBigUInt64LE(40));
    offset = Number(end64.readBigUInt64LE(48));
  }
  if (offset + directorySize > source.size) throw corrupt(archive, 'central directory beyond the end of the file');
  const zip = source.read(offset, directorySize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL) throw corrupt(archive, `bad central directory entry ${i}`);
    const method = zip.readUInt16LE(p + 10);
    let compressed = zip.readUInt32LE(p + 20);
    let size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    let local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
    // ZIP64 extra field: the 64-bit values of whichever 32-bit fields are saturated, in this order.
    for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = zip.readUInt16LE(e);
      const length = zip.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const next = (): number => {
          const value = Number(zip.readBigUInt64LE(q));
          q += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressed === 0xffffffff) compressed = next();
        if (local === 0xffffffff) local = next();
      }
      e += 4 + length;
    }
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    entries.push({ name, local, method, compressed, size, read: () => readZipEntry(source, archive, { name, local, method, compressed, size }) });
  }
  return entries;
}

/** One entry's bytes, read from where the central directory (or an index made from it) says it is. */
export function readZipEntry(source: ZipSource, archive: string, at: Omit<ZipEntry, 'read'>): Buffer {
  const { name, local, method, compressed, size } = at;
  const header = source.read(local, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw corrupt(archive, `bad local header of ${name}`);
  const start = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = source.read(start, compressed);
  if (data.length !== compressed) throw corrupt(archive, `${name} is cut short`);
  if (method === 0) return data;
  if (method !== 8) throw corrupt(archive, `${name} uses compression method ${method}`);
  let out: Buffer;
  try {
    // Never more than the directory promised: a zip bomb stops at the declared size instead of filling memory.
    out = inflateRawSync(data, { maxOutputLength: Math.max(1, size) });
  } catch (e) {
    throw corrupt(archive, `${name} does not inflate (${(e as Error).message})`);
  }
  if (out.length !== size) throw corrupt(archive, `${name} inflates to ${out.length} bytes, not ${size}`);
  return out;
}
