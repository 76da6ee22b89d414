import { inflateRawSync } from 'node:zlib';
import { DomainError } from '../../core/errors.ts';

export interface ZipEntry {
  name: string;
  /** The entry's bytes, inflated on demand. */
  read(): Buffer;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const corrupt = (archive: string, why: string): DomainError => new DomainError('validation', `${archive}: not a readable zip archive (${why})`);

/**
 * The entries of a zip archive held in memory: central directory, ZIP64 (osv.dev's `all.zip` of a large
 * ecosystem has more than 65,535 entries), stored and deflated entries. Enough for OSV exports; no encryption,
 * no multi-disk archives.
 */
export function zipEntries(zip: Buffer, archive: string): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw corrupt(archive, 'no end of central directory');
  let count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && zip.readUInt32LE(eocd - 20) === EOCD64_LOCATOR) {
    const at = Number(zip.readBigUInt64LE(eocd - 20 + 8));
    if (zip.readUInt32LE(at) !== EOCD64) throw corrupt(archive, 'bad ZIP64 end record');
    count = Number(zip.readBigUInt64LE(at + 32));
    offset = Number(zip.readBigUInt64LE(at + 48));
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL) throw corrupt(archive, `bad central directory entry ${i}`);
    const method = zip.readUInt16LE(offset + 10);
    let compressed = zip.readUInt32LE(offset + 20);
    let size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    let local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    // ZIP64 extra field: the 64-bit values of whichever 32-bit fields are saturated, in this order.
    for (let e = offset + 46 + nameLength; e + 4 <= offset + 46 + nameLength + extraLength; ) {
      const id = zip.readUInt16LE(e);
      const length = zip.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let p = e + 4;
        const next = (): number => {
          const value = Number(zip.readBigUInt64LE(p));
          p += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressed === 0xffffffff) compressed = next();
        if (local === 0xffffffff) local = next();
      }
      e += 4 + length;
    }
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    entries.push({ name, read: () => readEntry(zip, archive, name, local, method, compressed, size) });
  }
  return entries;
}

function readEntry(zip: Buffer, archive: string, name: string, local: number, method: number, compressed: number, size: number): Buffer {
  if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL) throw corrupt(archive, `bad local header of ${name}`);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const data = zip.subarray(start, start + compressed);
  if (method === 0) return data;
  if (method !== 8) throw corrupt(archive, `${name} uses compression method ${method}`);
  const out = inflateRawSync(data);
  if (out.length !== size) throw corrupt(archive, `${name} inflates to ${out.length} bytes, not ${size}`);
  return out;
}
