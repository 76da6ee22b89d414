/**
 * A POSIX ustar archive held in memory: what backups and project exports are (a few entries with short names that
 * this code chooses). Any `tar` reads them; `readTar` reads what `writeTar` writes (regular files only).
 */
export interface TarEntry {
  name: string;
  data: Uint8Array;
  /** Unix mode; 0o600 by default (an archive of secrets is private when unpacked). */
  mode?: number;
  mtime?: Date;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(entry: TarEntry): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  let prefix = Buffer.alloc(0);
  let base = name;
  if (name.length > 100) {
    // ustar: a name up to 255 bytes split at a slash into prefix (155) and name (100).
    const cut = entry.name.lastIndexOf('/', 155);
    if (cut < 1 || Buffer.byteLength(entry.name.slice(cut + 1)) > 100) throw new Error(`tar entry name too long: ${entry.name}`);
    prefix = Buffer.from(entry.name.slice(0, cut), 'utf8');
    base = Buffer.from(entry.name.slice(cut + 1), 'utf8');
  }
  const h = Buffer.alloc(BLOCK);
  base.copy(h, 0);
  h.write(octal(entry.mode ?? 0o600, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(entry.data.byteLength, 12), 124, 'ascii');
  h.write(octal(Math.floor((entry.mtime ?? new Date(0)).getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  prefix.copy(h, 345);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry), Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength));
    const pad = (BLOCK - (entry.data.byteLength % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

const text = (b: Buffer, start: number, len: number) => {
  const raw = b.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? len : nul).toString('utf8');
};

/** The regular files of an archive, by name; anything malformed throws. */
export function readTar(archive: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const files = new Map<string, Buffer>();
  let at = 0;
  while (at + BLOCK <= buf.length) {
    const h = buf.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] as number);
    if (Number.parseInt(text(h, 148, 8).trim(), 8) !== sum) throw new Error(`not a tar archive (bad header checksum at byte ${at})`);
    const size = Number.parseInt(text(h, 124, 12).trim() || '0', 8);
    const prefix = text(h, 345, 155);
    const name = prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100);
    const type = String.fromCharCode(h[156] as number);
    at += BLOCK;
    if (at + size > buf.length) throw new Error(`tar archive truncated in ${name}`);
    if (type === '0' || type === '\0') files.set(name, Buffer.from(buf.subarray(at, at + size)));
    at += size + ((BLOCK - (size % BLOCK)) % BLOCK);
  }
  return files;
}
