import { closeSync, fstatSync, openSync, readSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../core/errors.ts';
import { OSV_ECOSYSTEMS } from '../../core/scanner/osv-record.ts';
import { fileSource, readZipEntry, zipSourceEntries, type ZipEntry, type ZipSource } from './zip-entries.ts';
import { INFLATER_THRESHOLD, type ZipInflater } from './zip-inflater.ts';

/**
 * One part of an OSV source, read (and cached) as a whole: a folder or zip directly inside the source folder,
 * the loose `.json` files of the source folder together, or the source itself when it is a file.
 */
export interface SourcePart {
  /** Path relative to the source: `PyPI`, `Go.zip`; `''` for the loose files or a source that is a file (a zip's kind is `zip`). */
  name: string;
  kind: 'folder' | 'zip' | 'loose' | 'file';
  /**
   * The OSV ecosystem its name says it holds (`PyPI/`, `PyPI.zip`, `npm-MAL.zip`, osv.dev's `<ecosystem>/all.zip`
   * layout), else null. osv.dev's exports put a record in the export of every ecosystem it affects, so a part
   * named after an ecosystem no lockfile uses can be skipped; a part whose name says nothing is always read.
   */
  ecosystem: string | null;
}

/** What a part looked like when it was read: `[path relative to the source, stamp]` of every folder and zip. */
export type PartStamps = [string, string][];

const ECOSYSTEM_NAMES = OSV_ECOSYSTEMS.map((e) => [e, e.toLowerCase()] as const);

/** `PyPI`, `PyPI.zip`, `npm-MAL`, `Debian:11` → their ecosystem; anything else → null. */
export function ecosystemOfName(name: string): string | null {
  const base = name.replace(/\.zip$/i, '').toLowerCase();
  for (const [ecosystem, lower] of ECOSYSTEM_NAMES) {
    if (base === lower || (base.startsWith(lower) && /[-_:. ]/.test(base.charAt(lower.length)))) return ecosystem;
  }
  return null;
}

const notFound = (path: string, e: unknown): DomainError =>
  new DomainError('not_found', `Cannot read OSV data at ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);

function statOrThrow(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw notFound(path, e);
  }
}

/**
 * A folder's stamp changes when an entry is added, removed or renamed in it; a file's when it is rewritten. An
 * edit in place of a file inside a folder changes neither its folder's stamp nor any other, which is why record
 * files are not stamped one by one (see docs/scanner.md).
 */
const stampOf = (info: Stats): string =>
  `${info.isDirectory() ? 'd' : 'f'}:${info.ino}:${info.isDirectory() ? 0 : info.size}:${info.mtimeMs}:${info.ctimeMs}`;

/** The stamp of a path now, or null when it cannot be read. */
export function currentStamp(path: string): string | null {
  try {
    return stampOf(statSync(path));
  } catch {
    return null;
  }
}

const isDir = (parent: string, d: Dirent): boolean => d.isDirectory() || (d.isSymbolicLink() && statOrThrow(join(parent, d.name)).isDirectory());
const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The parts of an OSV source, in the order they are read: loose files first, then folders and zips by name. */
export function sourceParts(source: string): SourcePart[] {
  const info = statOrThrow(source);
  if (!info.isDirectory()) return [{ name: '', kind: source.endsWith('.zip') ? 'zip' : 'file', ecosystem: null }];
  const parts: SourcePart[] = [];
  let loose = false;
  for (const d of readdirSync(source, { withFileTypes: true }).sort(byName)) {
    if (isDir(source, d)) parts.push({ name: d.name, kind: 'folder', ecosystem: ecosystemOfName(d.name) });
    else if (d.name.endsWith('.zip')) parts.push({ name: d.name, kind: 'zip', ecosystem: ecosystemOfName(d.name) });
    else if (d.name.endsWith('.json')) loose = true;
  }
  return loose ? [{ name: '', kind: 'loose', ecosystem: null }, ...parts] : parts;
}

/** How a part's records are shown (`dir/ID.json`, `archive.zip:ID.json`): this prefix and the entry's own name. */
export function sourcePrefix(source: string, part: SourcePart): string {
  switch (part.kind) {
    case 'file':
      return '';
    case 'zip':
      return `${join(source, part.name)}:`;
    case 'loose':
      return `${join(source, '_').slice(0, -1)}`;
    case 'folder':
      return `${join(source, part.name)}/`;
  }
}

/**
 * Reads whole files into one growing scratch buffer: no allocation and no `fstat` per file (a part's record files
 * one after another, see `partEntries`).
 */
export class FileReader {
  private scratch = Buffer.allocUnsafe(1 << 20);

  /** The file's bytes, valid until the next read. */
  read(path: string): Buffer {
    const fd = openSync(path, 'r');
    try {
      let length = 0;
      for (;;) {
        if (length === this.scratch.length) {
          const bigger = Buffer.allocUnsafe(this.scratch.length * 2);
          this.scratch.copy(bigger, 0, 0, length);
          this.scratch = bigger;
        }
        const n = readSync(fd, this.scratch, length, this.scratch.length - length, null);
        if (n === 0) break;
        length += n;
        // A short read of a regular file is its end; one more read would only confirm it.
        if (length < this.scratch.length) break;
      }
      return this.scratch.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  }
}

const WINDOW = 4 << 20;

/**
 * A zip file read through a sliding window: entries are stored one after another, so reading them in order
 * costs one `read` per 4 MB instead of two per entry. Returned bytes are valid until the next read.
 */
function windowSource(fd: number): ZipSource {
  const size = fstatSync(fd).size;
  let window = Buffer.allocUnsafe(WINDOW);
  let start = 0;
  let end = 0;
  return {
    size,
    read(position, length) {
      if (position >= start && position + length <= end) return window.subarray(position - start, position - start + length);
      if (length > window.length) window = Buffer.allocUnsafe(length);
      const want = Math.min(window.length, size - position);
      let done = 0;
      while (done < want) {
        const n = readSync(fd, window, done, want - done, position + done);
        if (n === 0) break;
        done += n;
      }
      start = position;
      end = position + done;
      return window.subarray(0, Math.min(length, done));
    },
  };
}

/** A record file of a part: its name after the part's prefix (`sub/ID.json`, `all.zip:ID.json`) and its bytes. */
export interface PartRecord {
  name: string;
  /** Valid until the next record is read: copy what must outlive it. */
  bytes: Buffer;
  /** For a zip entry: where it is in its archive, to read it again without the central directory. */
  zip?: ZipLocation;
}

/** [local header offset, compressed size, method, size] of a zip entry. */
export type ZipLocation = [number, number, number, number];

/**
 * The `.json` entries of a zip, in the archive's order; inflated on the `inflater`'s worker thread when there is
 * one and the archive is large enough for it to pay.
 */
export function* zipRecords(path: string, prefix: string, inflater: ZipInflater | null): Generator<PartRecord> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw notFound(path, e);
  }
  try {
    const entries = zipSourceEntries(windowSource(fd), path).filter((e) => e.name.endsWith('.json'));
    const compressed = entries.reduce((n, e) => n + e.compressed, 0);
    const record = (entry: ZipEntry, bytes: Buffer): PartRecord => ({ name: `${prefix}${entry.name}`, bytes, zip: [entry.local, entry.compressed, entry.method, entry.size] });
    const inflated = compressed >= INFLATER_THRESHOLD ? (inflater?.inflate(path, entries) ?? null) : null;
    if (inflated) {
      let i = 0;
      for (const bytes of inflated) yield record(entries[i++] as ZipEntry, bytes);
    } else {
      for (const entry of entries) yield record(entry, entry.read());
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A file of a part to read: a record file (`name` after the part's prefix, read at `path`), or a zip whose
 * `.json` entries are records named `name` followed by the entry's name.
 */
export interface PartEntry {
  name: string;
  path: string;
  zip: boolean;
}

/**
 * The files of one part, in the order they are read: folders walked recursively in name order, `.json` files
 * and zips listed, anything else skipped. Pushes onto `stamps` the stamp of every folder and zip, taken before
 * listing it and so before reading anything in it: a change made while reading is seen by the next check.
 */
export function partEntries(source: string, part: SourcePart, stamps: PartStamps): PartEntry[] {
  const entries: PartEntry[] = [];
  switch (part.kind) {
    case 'file':
      stamps.push(['', stampOf(statOrThrow(source))]);
      entries.push({ name: source, path: source, zip: false });
      break;
    case 'zip': {
      const path = join(source, part.name);
      stamps.push([part.name, stampOf(statOrThrow(path))]);
      entries.push({ name: '', path, zip: true });
      break;
    }
    case 'loose':
    case 'folder':
      listFolder(part, stamps, entries, part.name, join(source, part.name), '');
      break;
  }
  return entries;
}

function listFolder(part: SourcePart, stamps: PartStamps, entries: PartEntry[], rel: string, path: string, prefix: string): void {
  stamps.push([rel, stampOf(statOrThrow(path))]);
  // `join(path, name)` without normalising a path that is normal already: a call per record adds up.
  const base = path === '.' ? '' : path.endsWith('/') ? path : `${path}/`;
  for (const d of readdirSync(path, { withFileTypes: true }).sort(byName)) {
    const name = d.name;
    if (name.endsWith('.json') && !d.isDirectory() && !d.isSymbolicLink()) {
      entries.push({ name: `${prefix}${name}`, path: `${base}${name}`, zip: false });
      continue;
    }
    const child = join(path, name);
    const childRel = rel ? `${rel}/${name}` : name;
    if (isDir(path, d)) {
      if (part.kind !== 'loose') listFolder(part, stamps, entries, childRel, child, `${prefix}${name}/`);
    } else if (name.endsWith('.zip')) {
      if (part.kind === 'loose') continue;
      stamps.push([childRel, stampOf(statOrThrow(child))]);
      entries.push({ name: `${prefix}${name}:`, path: child, zip: true });
    } else if (name.endsWith('.json')) entries.push({ name: `${prefix}${name}`, path: child, zip: false });
  }
}

/**
 * The record files of one part, read synchronously in `partEntries` order; large zips are inflated on the
 * `inflater`'s worker thread.
 */
export function* partRecords(source: string, part: SourcePart, stamps: PartStamps, inflater: ZipInflater | null = null): Generator<PartRecord> {
  const reader = new FileReader();
  for (const entry of partEntries(source, part, stamps)) {
    if (entry.zip) yield* zipRecords(entry.path, entry.name, inflater);
    else yield { name: entry.name, bytes: reader.read(entry.path) };
  }
}

/** Opens record files of one part again, one at a time (a zip stays open until `close`). */
export class PartReader {
  private readonly files = new FileReader();
  private zip: { path: string; fd: number; source: ZipSource } | null = null;

  constructor(
    private readonly source: string,
    private readonly part: SourcePart,
  ) {}

  /** The bytes of the record named `name` (as `partRecords` named it), valid until the next read. */
  read(name: string, zip: ZipLocation | null): Buffer {
    const { source, part } = this;
    if (part.kind === 'file') return this.files.read(source);
    const at = part.kind === 'zip' ? -1 : name.indexOf('.zip:');
    const archive = part.kind === 'zip' ? join(source, part.name) : at >= 0 ? join(source, part.name, name.slice(0, at + 4)) : null;
    if (!archive || !zip) return this.files.read(join(source, part.name, name));
    if (this.zip?.path !== archive) {
      this.close();
      const fd = openSync(archive, 'r');
      this.zip = { path: archive, fd, source: fileSource(fd) };
    }
    const [local, compressed, method, size] = zip;
    return readZipEntry(this.zip.source, archive, { name: part.kind === 'zip' ? name : name.slice(at + 5), local, compressed, method, size });
  }

  close(): void {
    if (this.zip) closeSync(this.zip.fd);
    this.zip = null;
  }
}

/** Whether every folder and zip of a part still has the stamp it had when the part was read. */
export const stampsHold = (source: string, stamps: PartStamps): boolean => stamps.every(([rel, stamp]) => currentStamp(rel ? join(source, rel) : source) === stamp);

/**
 * What an OSV source folder looks like now, as one string that changes when a part is added, removed, replaced or
 * rewritten: the stamps of the folder, of each part, and of the zips inside part folders (osv.dev's
 * `<ecosystem>/all.zip` layout, where a new download rewrites the zip and not its folder). Null when it cannot be
 * read. Like the cache's stamps, a record file edited in place inside a folder is not seen.
 */
export function sourceStamp(source: string): string | null {
  const top = currentStamp(source);
  if (!top) return null;
  const lines = [top];
  for (const part of sourceParts(source)) {
    if (part.kind === 'loose' || part.kind === 'file') continue;
    const path = join(source, part.name);
    lines.push(`${part.name}=${currentStamp(path)}`);
    if (part.kind !== 'folder') continue;
    for (const d of readdirSync(path, { withFileTypes: true }).sort(byName)) {
      if (d.name.endsWith('.zip')) lines.push(`${part.name}/${d.name}=${currentStamp(join(path, d.name))}`);
    }
  }
  return lines.join('\n');
}
