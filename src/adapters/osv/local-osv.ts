import { resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { DomainError } from '../../core/errors.ts';
import { readOsvKeys, readOsvRecord } from '../../core/scanner/osv-record.ts';
import { indexCatalog, type CatalogIndex, type CatalogPart } from '../../core/scanner/record-catalog.ts';
import { packageKey, type Ecosystem } from '../../core/versions/ecosystems.ts';
import { CacheDamage, CacheFile, cacheSalt, partIndexJson, writeCache, type CachedPartHeader, type PartIndex, type PartToWrite } from './osv-cache.ts';
import { ZipInflater } from './zip-inflater.ts';
import { currentStamp, FileReader, PartReader, partEntries, sourceParts, sourcePrefix, stampsHold, zipRecords, type PartStamps, type SourcePart, type ZipLocation } from './osv-source.ts';

export interface LocalOsvOptions {
  /** The packages the scan will look up: they decide which parts are read and which records are kept. */
  packages: Iterable<{ ecosystem: Ecosystem; name: string }>;
  /** The cache file; none: read the source every time. */
  cache?: string;
  /** The Embargo version: a cache written by another version is rebuilt. */
  version: string;
  /** Called every `progressEvery` records read from the source, with the count so far. */
  onProgress?: (read: number) => void;
  progressEvery?: number;
  /** A damaged or unwritable cache: the scan goes on without it. */
  onWarning?: (text: string) => void;
}

/** A record read again from the source no longer has the length or CRC-32 it had when the part was indexed. */
class PartChanged extends Error {
  constructor(readonly part: string) {
    super(`${part} changed`);
  }
}

/** A part as indexed (from the source or the cache), and the texts of the records read so far. */
interface PartData {
  part: SourcePart;
  key: string;
  prefix: string;
  index: Omit<PartIndex, 'packages'>;
  naming(key: string): readonly number[];
  /** Ecosystems its records name packages of (the part of every package key before its NUL). */
  ecosystems: ReadonlySet<string>;
  texts: Map<number, string>;
}

const ecosystemsOfKeys = (keys: Iterable<string>): Set<string> => {
  const out = new Set<string>();
  for (const k of keys) out.add(k.slice(0, k.indexOf('\0')));
  return out;
};

const partKey = (p: SourcePart): string => `${p.kind}:${p.name}`;

/** An entry's name after its part's prefix; `''` in the index stands for `<id>.json`. */
const entryName = (index: Pick<PartIndex, 'names' | 'ids'>, n: number): string => index.names[n] || `${index.ids[n]}.json`;

/**
 * The advisory index of a local OSV source (folder, zip, or folder of either) for the packages a scan needs.
 * Parts named after an ecosystem none of the packages is in are not read. With a cache file, the parts whose
 * folders and zips are unchanged are indexed from it, and only the records naming the packages are read from
 * the source, each checked against the length and CRC-32 it had (a record edited in place makes its part read
 * again); the other parts are read whole and the cache rewritten. Only the records a lookup needs are checked
 * against the OSV schema (see `indexCatalog`).
 */
export function openLocalOsv(source: string, options: LocalOsvOptions): CatalogIndex {
  const wanted = new Set<string>();
  const ecosystems = new Set<string>();
  for (const p of options.packages) {
    wanted.add(packageKey(p.ecosystem, p.name));
    ecosystems.add(p.ecosystem);
  }
  let old: CacheFile | null = null;
  const damaged = (e: Error): void => options.onWarning?.(`OSV cache ${options.cache} is damaged (${e.message}); rebuilding it`);
  if (options.cache) {
    try {
      old = CacheFile.open(options.cache);
    } catch (e) {
      damaged(e as Error);
    }
    if (old && (old.header.salt !== cacheSalt(options.version) || old.header.source !== resolve(source))) {
      old.close();
      old = null;
    }
  }
  const reread = new Set<string>();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return open(source, options, wanted, ecosystems, old, reread);
      } catch (e) {
        if (e instanceof CacheDamage && old) {
          damaged(e);
          old.close();
          old = null;
        } else if (e instanceof PartChanged && attempt < 5) reread.add(e.part);
        else if (e instanceof PartChanged) throw new DomainError('conflict', `OSV data at ${source} keeps changing while it is read (${e.part})`);
        else throw e;
      }
    }
  } finally {
    old?.close();
  }
}

function open(source: string, options: LocalOsvOptions, wanted: Set<string>, ecosystems: Set<string>, old: CacheFile | null, reread: Set<string>): CatalogIndex {
  const sourceStamp = currentStamp(source);
  const parts: SourcePart[] =
    old && sourceStamp !== null && old.header.sourceStamp === sourceStamp ? old.header.sourceParts : sourceParts(source);
  const isNeeded = (p: SourcePart): boolean => p.ecosystem === null || ecosystems.has(p.ecosystem);
  /** The old cache's index of a part, when its folders and zips are as they were and none of its records changed. */
  const cached = (p: SourcePart): CachedPartHeader | null => {
    const header = old?.header.parts.find((c) => c.kind === p.kind && c.name === p.name) ?? null;
    return header && !reread.has(partKey(p)) && stampsHold(source, header.stamps) ? header : null;
  };
  const data: PartData[] = [];
  const toWrite: PartToWrite[] = [];
  let rewrite = false;
  const counter = { read: 0, every: options.progressEvery ?? 5000, onProgress: options.onProgress };
  const inflater = new ZipInflater();
  try {
    for (const p of parts) {
      const prefix = sourcePrefix(source, p);
      const kept = cached(p);
      if (kept && old) {
        const file = old;
        if (isNeeded(p)) data.push(fromIndex(p, prefix, file.index(kept)));
        // Read (and verified) only if the cache is rewritten; a damaged one is left out, to be read when needed.
        const index = (): Buffer | null => {
          try {
            return file.indexBytes(kept);
          } catch {
            return null;
          }
        };
        toWrite.push({ header: { name: p.name, kind: p.kind, ecosystem: p.ecosystem, stamps: kept.stamps }, index });
      } else if (isNeeded(p)) {
        const loaded = load(source, p, prefix, wanted, counter, inflater);
        data.push(loaded.data);
        toWrite.push({ header: { ...p, stamps: loaded.stamps }, index: loaded.index });
        rewrite = true;
      }
    }
  } finally {
    inflater.close();
  }
  const catalog = catalogOf(source, data, wanted);
  if (rewrite && options.cache) {
    try {
      writeCache(options.cache, { salt: cacheSalt(options.version), source: resolve(source), sourceStamp: sourceStamp ?? '', sourceParts: parts }, toWrite);
    } catch (e) {
      options.onWarning?.(`cannot write the OSV cache ${options.cache}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return catalog;
}

/** A part read whole from the source: its index (as the cache stores it), and the texts of the records naming wanted packages. */
function load(
  source: string,
  part: SourcePart,
  prefix: string,
  wanted: Set<string>,
  counter: { read: number; every: number; onProgress: ((read: number) => void) | undefined },
  inflater: ZipInflater,
): { data: PartData; index: () => Buffer; stamps: PartStamps } {
  const stamps: PartStamps = [];
  const loader = new PartLoader(wanted, counter);
  const reader = new FileReader();
  // A plain loop over the part's files: a generator per record costs more than the record's own work.
  for (const entry of partEntries(source, part, stamps)) {
    if (!entry.zip) loader.add(entry.name, reader.read(entry.path), null);
    else for (const record of zipRecords(entry.path, entry.name, inflater)) loader.add(record.name, record.bytes, record.zip ?? null);
  }
  const { packages, texts, ecosystems } = loader;
  const index = loader.index();
  return {
    index: () => partIndexJson(index, packages),
    stamps,
    data: { part, key: partKey(part), prefix, index, naming: (key) => packages.get(key) ?? [], ecosystems, texts },
  };
}

/** The index of one part as its records are read, one `add` per record. */
class PartLoader {
  private readonly ids: string[] = [];
  private readonly modified: string[] = [];
  private readonly withdrawn: number[] = [];
  private readonly names: string[] = [];
  private readonly checks: number[] = [];
  /** Zip locations, once the first zip entry is seen (a folder without zips has none). */
  private zips: number[] | null = null;
  private readonly rejected: { at: number; problems: string[] }[] = [];
  readonly packages = new Map<string, number[]>();
  /** Ecosystems its records name packages of (the part of every package key before its NUL). */
  readonly ecosystems = new Set<string>();
  /** The texts of the records naming a wanted package. */
  readonly texts = new Map<number, string>();

  constructor(
    private readonly wanted: Set<string>,
    private readonly counter: { read: number; every: number; onProgress: ((read: number) => void) | undefined },
  ) {}

  index(): Omit<PartIndex, 'packages'> {
    const { ids, modified, withdrawn, names, checks, zips, rejected } = this;
    return { ids, modified, withdrawn, names, checks, zips: zips ?? [], rejected };
  }

  /** One record: `bytes` are valid only during the call. */
  add(name: string, bytes: Buffer, zip: ZipLocation | null): void {
    const n = this.ids.length;
    if (zip) {
      if (!this.zips) {
        this.zips = [];
        for (let k = 0; k < n; k++) this.zips.push(-1, 0, 0, 0);
      }
      this.zips.push(zip[0], zip[1], zip[2], zip[3]);
    } else this.zips?.push(-1, 0, 0, 0);
    const counter = this.counter;
    if (++counter.read % counter.every === 0) counter.onProgress?.(counter.read);
    const text = bytes.toString('utf8');
    let json: unknown;
    let problems: string[] | null = null;
    try {
      json = JSON.parse(text);
    } catch (e) {
      problems = [`invalid JSON: ${(e as Error).message}`];
    }
    const keys = problems ? null : readOsvKeys(json);
    if (!keys) {
      const reading = problems ? null : readOsvRecord(json);
      this.rejected.push({ at: n, problems: problems ?? (reading && 'problems' in reading ? reading.problems : ['record: not an OSV record']) });
      this.names.push(name);
      this.ids.push('');
      this.modified.push('');
      this.checks.push(0, 0);
      return;
    }
    const id = keys.id;
    // Most record files are named after their id: the name is then left out of the index.
    this.names.push(name.length === id.length + 5 && name.endsWith('.json') && name.startsWith(id) ? '' : name);
    this.ids.push(id);
    this.modified.push(keys.modified);
    this.checks.push(bytes.length, crc32(bytes));
    if (keys.withdrawn) this.withdrawn.push(n);
    let keep = false;
    for (const key of keys.packages) {
      const list = this.packages.get(key);
      if (list) list.push(n);
      else {
        this.packages.set(key, [n]);
        this.ecosystems.add(key.slice(0, key.indexOf('\0')));
      }
      if (!keep && this.wanted.has(key)) keep = true;
    }
    if (keep) this.texts.set(n, text);
  }
}

function fromIndex(part: SourcePart, prefix: string, index: PartIndex): PartData {
  const naming = (key: string): readonly number[] => (Object.hasOwn(index.packages, key) ? (index.packages[key] as number[]) : []);
  return { part, key: partKey(part), prefix, index, naming, ecosystems: ecosystemsOfKeys(Object.keys(index.packages)), texts: new Map() };
}

/**
 * The catalog over the parts, with the text of every record a lookup can need read now (those naming a wanted
 * package, and the other copies of their ids), each checked against its length and CRC-32.
 */
function catalogOf(source: string, data: PartData[], wanted: Set<string>): CatalogIndex {
  const neededIds = new Set<string>();
  const need: [PartData, number][] = [];
  for (const d of data) {
    for (const key of wanted) {
      for (const n of d.naming(key)) {
        neededIds.add(d.index.ids[n] as string);
        if (!d.texts.has(n)) need.push([d, n]);
      }
    }
  }
  for (const d of data) {
    d.index.ids.forEach((id, n) => {
      if (id && neededIds.has(id) && !d.texts.has(n)) need.push([d, n]);
    });
  }
  let reader: PartReader | null = null;
  let readerOf: PartData | null = null;
  try {
    for (const [d, n] of need) {
      if (d.texts.has(n)) continue;
      if (readerOf !== d) {
        reader?.close();
        reader = new PartReader(source, d.part);
        readerOf = d;
      }
      const z = d.index.zips;
      const zip: ZipLocation | null = z.length && (z[4 * n] as number) >= 0 ? [z[4 * n] as number, z[4 * n + 1] as number, z[4 * n + 2] as number, z[4 * n + 3] as number] : null;
      let bytes: Buffer;
      try {
        bytes = (reader as PartReader).read(entryName(d.index, n), zip);
      } catch {
        throw new PartChanged(d.key);
      }
      if (bytes.length !== d.index.checks[2 * n] || crc32(bytes) !== d.index.checks[2 * n + 1]) throw new PartChanged(d.key);
      d.texts.set(n, bytes.toString('utf8'));
    }
  } finally {
    (reader as PartReader | null)?.close();
  }
  const parts: CatalogPart[] = data.map((d) => {
    const withdrawn = new Set(d.index.withdrawn);
    return {
      ids: d.index.ids,
      modified: d.index.modified,
      withdrawn: (n) => withdrawn.has(n),
      naming: d.naming,
      source: (n) => `${d.prefix}${entryName(d.index, n)}`,
      json: (n) => {
        const text = d.texts.get(n);
        if (text === undefined) throw new Error(`OSV record ${d.prefix}${entryName(d.index, n)} was not read`);
        return JSON.parse(text);
      },
      rejected: d.index.rejected.map((r) => ({ at: r.at, source: `${d.prefix}${entryName(d.index, r.at)}`, problems: r.problems })),
      ecosystems: d.ecosystems,
    };
  });
  return indexCatalog(parts);
}
