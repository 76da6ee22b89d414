/**
 * Scan benchmark: `embargo scan` cold (empty caches) and warm, and `embargo osv import`, each beside its floor
 * measured in the same run, each phase in a child process of its own so its peak memory (resourceUsage().maxRSS)
 * is its own. Data, written to a temporary folder first, as per-ecosystem folders (the layout the issue measured)
 * and as per-ecosystem zips (osv.dev's all.zip layout):
 *
 *   real   the OSV sample (test/fixtures/scanner/osv-sample: Go, PyPI, crates.io and every 11th npm
 *          malicious-package record), 10,158 real records
 *   issue  the issue's layout and size (39,606 files): the real Go, PyPI and crates.io records, npm-MAL grown to its
 *          full 22,241 records with copies of the sampled ones, and a PyPI-MAL folder of 9,207 copies turned into
 *          PyPI records; a copy differs from its original in its id (`<id>-c1`…, `<id>-p1`…) and, for PyPI-MAL, its
 *          ecosystem
 *   scale  each real record and 14, then 59 copies with other ids: 152,370 and 609,480 records (a full osv.dev
 *          export's size), to see that time grows linearly and memory stays bounded
 *
 * Lockfiles: every sample lockfile (test/fixtures/scanner/lockfiles).
 *
 *   npx tsx bench/scan.ts                 # BENCH_ROUNDS=3 (medians); BENCH_SCALE=600000 (0: skip the scale run);
 *                                         # BENCH_SETS=real,issue (either or both); BENCH_IMPORT=0: scan rows only
 *   BENCH_SETS=real BENCH_SCALE=0 BENCH_IMPORT=0 npx tsx bench/scan.ts   # the OSV sample's scan rows alone: about 2 min
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/scan.ts   # adds the PostgreSQL import (or EMBARGO_TEST_DATABASE_URL)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const REPO = join(import.meta.dirname, '..');
const SAMPLE = join(REPO, 'test', 'fixtures', 'scanner', 'osv-sample');
const LOCKFILES = join(REPO, 'test', 'fixtures', 'scanner', 'lockfiles');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SCALE = Number(process.env.BENCH_SCALE ?? 600_000);
/** Which of the real and issue sets to measure (the scale sets follow BENCH_SCALE). */
const SETS = (process.env.BENCH_SETS ?? 'real,issue').split(',');
/** 0: leave out the import and API-path rows (PGlite), which take most of a set's time. */
const IMPORTS = process.env.BENCH_IMPORT !== '0';

interface PhaseResult {
  ms: number;
  /** CPU time of the process over the same span, every thread (the zip worker's too). */
  cpuMs?: number;
  maxRssMb: number;
  [key: string]: unknown;
}

const maxRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const cpuSince = (start: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

// ---------------------------------------------------------------------------------------------------------------
// Data: the real records, and copies of them with other ids, as per-ecosystem folders and zips.

/** The records of one sample zip: [entry name, bytes]. */
async function sampleRecords(zip: string): Promise<[string, Buffer][]> {
  const { zipEntries } = await import('../src/adapters/osv/zip-entries.ts');
  return zipEntries(readFileSync(zip), zip).map((e) => [e.name, Buffer.from(e.read())]);
}

/** A copy of a record whose id (and only its id) is `<id>-<tag><k>` (`-c1`, `-c2`…). */
function copyOf(bytes: Buffer, k: number, tag = 'c'): { id: string; bytes: Buffer } {
  const text = bytes.toString('utf8');
  const m = /"id"\s*:\s*"([^"]+)"/.exec(text);
  if (!m) throw new Error('record without id');
  const id = `${m[1] as string}-${tag}${k}`;
  return { id, bytes: Buffer.from(text.slice(0, m.index) + `"id": "${id}"` + text.slice(m.index + m[0].length)) };
}

/** A zip written entry by entry (deflated, level 1), ZIP64 end records when it has more than 65,535 entries. */
class ZipWriter {
  private fd: number;
  private offset = 0;
  private central: Buffer[] = [];
  private count = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  add(name: string, data: Buffer): void {
    const packed = deflateRawSync(data, { level: 1 });
    const nameBytes = Buffer.from(name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc32(data), 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(this.offset, 42);
    this.central.push(entry, nameBytes);
    for (const b of [header, nameBytes, packed]) writeSync(this.fd, b);
    this.offset += 30 + nameBytes.length + packed.length;
    this.count++;
  }

  close(): void {
    const directory = Buffer.concat(this.central);
    writeSync(this.fd, directory);
    const end64At = this.offset + directory.length;
    if (this.count > 0xffff) {
      const end64 = Buffer.alloc(56 + 20);
      end64.writeUInt32LE(0x06064b50, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE(45, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeBigUInt64LE(BigInt(this.count), 24);
      end64.writeBigUInt64LE(BigInt(this.count), 32);
      end64.writeBigUInt64LE(BigInt(directory.length), 40);
      end64.writeBigUInt64LE(BigInt(this.offset), 48);
      end64.writeUInt32LE(0x07064b50, 56);
      end64.writeBigUInt64LE(BigInt(end64At), 64);
      end64.writeUInt32LE(1, 72);
      writeSync(this.fd, end64);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(this.count, 0xffff), 8);
    end.writeUInt16LE(Math.min(this.count, 0xffff), 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(this.offset, 16);
    writeSync(this.fd, end);
    closeSync(this.fd);
  }
}

/** One folder (and zip) of a data set: `count` records from a sample zip, the originals first, then copies. */
interface FolderPlan {
  folder: string;
  from: string;
  count: number;
  /** Copies only, with this ecosystem instead of the original's (npm → PyPI for the PyPI-MAL folder). */
  ecosystem?: string;
}

/** Writes each planned folder into `<dir>/folders/<folder>/` and `<dir>/zips/<folder>.zip`. */
async function writeData(dir: string, plans: FolderPlan[]): Promise<{ records: number; bytes: number }> {
  let records = 0;
  let bytes = 0;
  for (const plan of plans) {
    const folder = join(dir, 'folders', plan.folder);
    mkdirSync(folder, { recursive: true });
    mkdirSync(join(dir, 'zips'), { recursive: true });
    const writer = new ZipWriter(join(dir, 'zips', `${plan.folder}.zip`));
    const originals = await sampleRecords(join(SAMPLE, plan.from));
    for (let i = 0; i < plan.count; i++) {
      const [name, data] = originals[i % originals.length] as [string, Buffer];
      const k = Math.floor(i / originals.length) + (plan.ecosystem ? 1 : 0);
      let record = k === 0 ? { id: name.replace(/\.json$/, ''), bytes: data } : copyOf(data, k, plan.ecosystem ? 'p' : 'c');
      if (plan.ecosystem) record = { id: record.id, bytes: Buffer.from(record.bytes.toString('utf8').replace(/"ecosystem"(\s*):(\s*)"[^"]*"/g, `"ecosystem"$1:$2"${plan.ecosystem}"`)) };
      writeFileSync(join(folder, `${record.id}.json`), record.bytes);
      writer.add(`${record.id}.json`, record.bytes);
      records++;
      bytes += record.bytes.length;
    }
    writer.close();
  }
  return { records, bytes };
}

const SAMPLE_SIZES: Record<string, number> = { 'Go.zip': 4291, 'PyPI.zip': 2661, 'crates.io.zip': 1206, 'npm-MAL.zip': 2000 };
const realPlan = (copies: number): FolderPlan[] => Object.entries(SAMPLE_SIZES).map(([from, n]) => ({ folder: from.replace(/\.zip$/, ''), from, count: n * copies }));
const issuePlan: FolderPlan[] = [
  { folder: 'Go', from: 'Go.zip', count: 4291 },
  { folder: 'PyPI', from: 'PyPI.zip', count: 2661 },
  { folder: 'crates.io', from: 'crates.io.zip', count: 1206 },
  { folder: 'npm-MAL', from: 'npm-MAL.zip', count: 22241 },
  { folder: 'PyPI-MAL', from: 'npm-MAL.zip', count: 9207, ecosystem: 'PyPI' },
];

// ---------------------------------------------------------------------------------------------------------------
// Phases, each run in a child process: `node --import tsx bench/scan.ts <phase> <json arguments>`.

/** Floor of a folder source: list each ecosystem folder, read and JSON.parse every record, a plain synchronous loop. */
function phaseFloorFolders(osv: string): PhaseResult {
  const c = process.cpuUsage();
  const t = performance.now();
  let records = 0;
  for (const d of readdirSync(osv).sort()) {
    for (const f of readdirSync(join(osv, d)).sort()) {
      JSON.parse(readFileSync(join(osv, d, f), 'utf8'));
      records++;
    }
  }
  return { ms: performance.now() - t, cpuMs: cpuSince(c), maxRssMb: maxRssMb(), records };
}

/** Floor of a zip source: read each entry at its position, inflate it, JSON.parse it. */
async function phaseFloorZips(osv: string): Promise<PhaseResult> {
  const { fileSource, zipSourceEntries } = await import('../src/adapters/osv/zip-entries.ts');
  const c = process.cpuUsage();
  const t = performance.now();
  let records = 0;
  for (const zip of readdirSync(osv).sort()) {
    const fd = openSync(join(osv, zip), 'r');
    for (const e of zipSourceEntries(fileSource(fd), zip)) {
      JSON.parse(e.read().toString('utf8'));
      records++;
    }
    closeSync(fd);
  }
  return { ms: performance.now() - t, cpuMs: cpuSince(c), maxRssMb: maxRssMb(), records };
}

/** `runScan` (the CLI's code, JSON output) on every sample lockfile: the scanning work, without start-up. */
async function phaseScan(osv: string, cache: string | null): Promise<PhaseResult> {
  const t0 = performance.now();
  const { runScan } = await import('../src/cli/commands/scan.ts');
  const importMs = performance.now() - t0;
  const out: string[] = [];
  const err: string[] = [];
  const c = process.cpuUsage();
  const t = performance.now();
  await runScan([LOCKFILES], { osv, format: 'json', ...(cache ? { cache } : {}) }, { out: (x) => out.push(x), err: (x) => err.push(x) });
  const ms = performance.now() - t;
  const cpuMs = cpuSince(c);
  const report = JSON.parse(out.join('\n')) as { osv: { records: number }; lockfiles: { packages: number; findings: unknown[] }[] };
  return {
    ms,
    cpuMs,
    importMs,
    maxRssMb: maxRssMb(),
    out: sha(out.join('\n')),
    records: report.osv.records,
    packages: report.lockfiles.reduce((n, l) => n + l.packages, 0),
    findings: report.lockfiles.reduce((n, l) => n + l.findings.length, 0),
    warnings: err.filter((e) => /cache/.test(e)).length,
  };
}

async function openDb(dataDir: string, databaseUrl?: string) {
  const { openDatabase } = await import('../src/adapters/db/open-database.ts');
  return openDatabase({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
}

/** A PostgreSQL database of its own on that server, dropped afterwards. */
async function scratchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const pg = (await import('pg')).default;
  const name = `embargo_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    },
  };
}

/**
 * Floor of an import: the same rows `embargo osv import` writes (one `osv_records` row per record with its JSON
 * text, one `osv_packages` row per package it names), read and parsed as in the read floor and inserted with
 * multi-row inserts, 500 records per transaction, into an empty database; no schema check, no lookups.
 */
async function phaseImportFloor(osv: string, dataDir: string, adminUrl: string): Promise<PhaseResult> {
  const [{ osvFiles }, { CompiledQuery }] = await Promise.all([import('../src/adapters/osv/load-osv-records.ts'), import('kysely')]);
  const scratch = adminUrl ? await scratchDatabase(adminUrl) : null;
  const database = await openDb(dataDir, scratch?.url);
  try {
    const t = performance.now();
    const at = new Date();
    let records: unknown[][] = [];
    let packages: unknown[][] = [];
    let count = 0;
    const values = (rows: number, columns: number): string =>
      Array.from({ length: rows }, (_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(', ')})`).join(', ');
    const flush = async (): Promise<void> => {
      if (!records.length) return;
      const [rs, ps] = [records, packages];
      records = [];
      packages = [];
      await database.db.transaction().execute(async (tx) => {
        for (let i = 0; i < rs.length; i += 400) {
          const part = rs.slice(i, i + 400);
          await tx.executeQuery(CompiledQuery.raw(`insert into osv_records (id, modified, withdrawn, record, imported_at) values ${values(part.length, 5)}`, part.flat()));
        }
        for (let i = 0; i < ps.length; i += 2000) {
          const part = ps.slice(i, i + 2000);
          await tx.executeQuery(CompiledQuery.raw(`insert into osv_packages (ecosystem, name, record_id) values ${values(part.length, 3)} on conflict do nothing`, part.flat()));
        }
      });
    };
    for (const file of osvFiles(osv)) {
      const text = file.bytes.toString('utf8');
      const json = JSON.parse(text) as { id: string; modified: string; withdrawn?: string; affected?: { package?: { ecosystem: string; name: string } }[] };
      records.push([json.id, new Date(json.modified), json.withdrawn !== undefined, text, at]);
      for (const a of json.affected ?? []) if (a.package) packages.push([a.package.ecosystem, a.package.name, json.id]);
      if (++count % 500 === 0) await flush();
    }
    await flush();
    return { ms: performance.now() - t, maxRssMb: maxRssMb(), records: count };
  } finally {
    await database.close();
    await scratch?.drop();
  }
}

/** `importOsvPath` (what `embargo osv import` runs) into an empty database created and migrated by another process. */
async function phaseImport(osv: string, dataDir: string, adminUrl: string): Promise<PhaseResult> {
  const { importOsvPath } = await import('../src/services/scanning/osv-import.ts');
  const scratch = adminUrl ? await scratchDatabase(adminUrl) : null;
  const database = await openDb(dataDir, scratch?.url);
  const rssOpen = maxRssMb();
  try {
    const t = performance.now();
    const r = await importOsvPath(database.db, osv);
    return { ms: performance.now() - t, maxRssMb: maxRssMb(), rssOpen, imported: r.imported, rejected: r.rejected.length };
  } finally {
    await database.close();
    await scratch?.drop();
  }
}

/** What `POST …/scans` runs for every sample lockfile (parse, read the records naming its packages, match), cold then warm. */
async function phaseApiScan(dataDir: string): Promise<PhaseResult> {
  const [{ parseLockfile }, { buildAdvisoryIndex }, { findVulnerabilities }, { recordsForPackages }] = await Promise.all([
    import('../src/core/scanner/parse-lockfile.ts'),
    import('../src/core/scanner/advisory-index.ts'),
    import('../src/core/scanner/find-vulnerabilities.ts'),
    import('../src/services/scanning/osv-import.ts'),
  ]);
  const files = readdirSync(LOCKFILES)
    .filter((d) => statSync(join(LOCKFILES, d)).isDirectory())
    .flatMap((d) => readdirSync(join(LOCKFILES, d)).filter((n) => n !== 'requirements_bundles.txt').map((n) => join(LOCKFILES, d, n)))
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const readIncluded = (p: string): string | null => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  };
  const database = await openDb(dataDir);
  try {
    const pass = async (): Promise<{ ms: number; findings: number; records: number }> => {
      const t = performance.now();
      let findings = 0;
      let records = 0;
      for (const { file, text } of files) {
        const parsed = parseLockfile(file, text, readIncluded);
        const recs = await recordsForPackages(database.db, parsed.packages);
        findings += findVulnerabilities(parsed.packages, buildAdvisoryIndex(recs)).length;
        records += recs.length;
      }
      return { ms: performance.now() - t, findings, records };
    };
    const cold = await pass();
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push((await pass()).ms);
    return { ms: cold.ms, maxRssMb: maxRssMb(), warmMs: median(warm), findings: cold.findings, recordsRead: cold.records };
  } finally {
    await database.close();
  }
}

/**
 * Comparison counts, no timing: for the sample lockfiles against the real records, the (package × record) pairs a
 * scanner checking every package against every record compares, against the index lookups and `affected` entries
 * this one evaluates (what issue 5's comparison with a naive scanner rests on).
 */
async function phaseNaive(): Promise<PhaseResult> {
  const [{ loadOsvRecords }, { buildAdvisoryIndex }, { parseLockfile }] = await Promise.all([
    import('../src/adapters/osv/load-osv-records.ts'),
    import('../src/core/scanner/advisory-index.ts'),
    import('../src/core/scanner/parse-lockfile.ts'),
  ]);
  const index = buildAdvisoryIndex((await loadOsvRecords(SAMPLE)).records);
  const readIncluded = (p: string): string | null => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  };
  const parsed = readdirSync(LOCKFILES)
    .filter((d) => statSync(join(LOCKFILES, d)).isDirectory())
    .flatMap((d) => readdirSync(join(LOCKFILES, d)).filter((n) => n !== 'requirements_bundles.txt').map((n) => join(LOCKFILES, d, n)))
    .map((file) => parseLockfile(file, readFileSync(file, 'utf8'), readIncluded));
  const largest = parsed.reduce((a, b) => (b.packages.length > a.packages.length ? b : a));
  const entries = (lock: (typeof parsed)[number]): number => lock.packages.reduce((n, p) => n + index.lookup(p.ecosystem, p.name).length, 0);
  const packages = parsed.reduce((n, p) => n + p.packages.length, 0);
  return {
    ms: 0,
    maxRssMb: maxRssMb(),
    largest: largest.file.slice(LOCKFILES.length + 1),
    packages: largest.packages.length,
    records: index.records,
    lockfiles: parsed.length,
    allPackages: packages,
    naive: largest.packages.length * index.records,
    ours: entries(largest),
    allNaive: packages * index.records,
    allOurs: parsed.reduce((n, p) => n + entries(p), 0),
  };
}

async function runPhase(phase: string, args: Record<string, string>): Promise<PhaseResult> {
  switch (phase) {
    case 'floor-folders':
      return phaseFloorFolders(args.osv as string);
    case 'floor-zips':
      return phaseFloorZips(args.osv as string);
    case 'scan':
      return phaseScan(args.osv as string, args.cache || null);
    case 'import-floor':
      return phaseImportFloor(args.osv as string, args.dataDir as string, args.pg ?? '');
    case 'import':
      return phaseImport(args.osv as string, args.dataDir as string, args.pg ?? '');
    case 'api-scan':
      return phaseApiScan(args.dataDir as string);
    case 'naive':
      return phaseNaive();
    case 'init-db': {
      await (await openDb(args.dataDir as string)).close();
      return { ms: 0, maxRssMb: maxRssMb() };
    }
    default:
      throw new Error(`unknown phase ${phase}`);
  }
}

/**
 * A phase in a child process of its own, started through /usr/bin/time: a process forked from this one would
 * report this one's resident memory as its own peak (Linux keeps ru_maxrss across exec), and this one holds the
 * generated data. `wallMs` is the whole process, start-up included; `maxRssMb` is time's measure.
 */
function child(phase: string, args: Record<string, string>): PhaseResult & { wallMs: number } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', process.execPath, '--import', 'tsx', import.meta.filename, phase, JSON.stringify(args)], {
    cwd: REPO,
    env: { ...process.env, EMBARGO_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}` },
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`phase ${phase} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const rss = Number(/maxrss (\d+)/.exec(r.stderr)?.[1] ?? 0);
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop() as string) as PhaseResult), maxRssMb: Math.round(rss / 1024), wallMs };
}

/** `embargo …` as a user runs it (bin/embargo.mjs, a new process): wall time and peak memory. */
function cli(args: string[]): { ms: number; maxRssMb: number; status: number | null } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(REPO, 'bin', 'embargo.mjs'), ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  const rss = Number(/(\d+)\s*$/.exec(r.stderr)?.[1] ?? 0);
  return { ms, maxRssMb: Math.round(rss / 1024), status: r.status };
}

function nodeEmpty(): number {
  const t = performance.now();
  execFileSync(process.execPath, ['-e', '']);
  return performance.now() - t;
}

// ---------------------------------------------------------------------------------------------------------------

interface SetResults {
  name: string;
  records: number;
  bytes: number;
  rows: Map<string, PhaseResult[]>;
}

function measureSet(name: string, dir: string, records: number, bytes: number, rounds: number, pg: string, withImport: boolean): SetResults {
  const rows = new Map<string, PhaseResult[]>();
  const add = (key: string, r: PhaseResult): void => void rows.set(key, [...(rows.get(key) ?? []), r]);
  const folders = join(dir, 'folders');
  const zips = join(dir, 'zips');
  for (let round = 0; round < rounds; round++) {
    const work = mkdtempSync(join(tmpdir(), 'embargo-bench-scan-run-'));
    try {
      // Each floor right before what it is compared with, so both see the same load.
      add('floor-folders', child('floor-folders', { osv: folders }));
      add('cold-folders', child('scan', { osv: folders, cache: join(work, 'f', 'osv.cache') }));
      // The OSV cache empty, the parsed lockfiles cached: what a new OSV source costs.
      cpSync(join(work, 'f', 'lockfiles'), join(work, 'o', 'lockfiles'), { recursive: true });
      add('cold-osv', child('scan', { osv: folders, cache: join(work, 'o', 'osv.cache') }));
      add('warm-folders', child('scan', { osv: folders, cache: join(work, 'f', 'osv.cache') }));
      add('nocache-folders', child('scan', { osv: folders }));
      const warmCli = cli(['scan', LOCKFILES, '--osv', folders, '--cache', join(work, 'f', 'osv.cache'), '--format', 'json']);
      add('warm-cli', { ms: warmCli.ms, maxRssMb: warmCli.maxRssMb });
      add('node-e', { ms: nodeEmpty(), maxRssMb: 0 });
      add('help-cli', { ...cli(['--help']) });
      add('floor-zips', child('floor-zips', { osv: zips }));
      add('cold-zips', child('scan', { osv: zips, cache: join(work, 'z', 'osv.cache') }));
      add('warm-zips', child('scan', { osv: zips, cache: join(work, 'z', 'osv.cache') }));
      if (withImport) {
        // A data directory exists before `embargo osv import` runs (PGlite's initdb alone peaks near 0.9 GB).
        child('init-db', { dataDir: join(work, 'floor-db') });
        child('init-db', { dataDir: join(work, 'db') });
        add('import-floor', child('import-floor', { osv: folders, dataDir: join(work, 'floor-db'), pg: '' }));
        add('import', child('import', { osv: folders, dataDir: join(work, 'db'), pg: '' }));
        add('api-scan', child('api-scan', { dataDir: join(work, 'db') }));
        if (pg) {
          add('import-floor-pg', child('import-floor', { osv: folders, dataDir: join(work, 'pg-floor'), pg }));
          add('import-pg', child('import', { osv: folders, dataDir: join(work, 'pg'), pg }));
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    process.stderr.write(`${name}: round ${round + 1}/${rounds} done\n`);
  }
  return { name, records, bytes, rows };
}

function report(sets: SetResults[], scale: SetResults[], naive: PhaseResult | null): string {
  const lines: string[] = [];
  const m = (s: SetResults, key: string, field = 'ms'): number => median((s.rows.get(key) ?? []).map((r) => Number(r[field])));
  const has = (s: SetResults, key: string): boolean => (s.rows.get(key)?.length ?? 0) > 0;
  const row = (label: string, ms: number, rss: number | string, note = ''): string => `  ${label.padEnd(52)}${ms.toFixed(0).padStart(8)} ms${String(rss).padStart(7)} MB  ${note}`;
  const first = (sets[0] ?? scale[0]) as SetResults;
  const r0 = (first.rows.get('cold-folders') ?? [])[0] as PhaseResult;
  lines.push(`lockfiles: every sample lockfile (${String(r0.packages)} packages); load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  lines.push('');
  const aims: string[] = [];
  for (const s of [...sets, ...scale]) {
    const rounds = s.rows.get('floor-folders')?.length ?? 0;
    lines.push(`${s.name}: ${s.records.toLocaleString('en')} records, ${(s.bytes / 1e6).toFixed(1)} MB of JSON; medians of ${rounds} round(s), each phase a new process`);
    const floor = m(s, 'floor-folders');
    const floorZ = m(s, 'floor-zips');
    const floorCpu = m(s, 'floor-folders', 'cpuMs');
    const ratio = (key: string, base = floor): string => `${(m(s, key) / base).toFixed(2)}x floor (CPU ${(m(s, key, 'cpuMs') / floorCpu).toFixed(2)}x)`;
    lines.push(row('floor: read + JSON.parse every record (folders)', floor, m(s, 'floor-folders', 'maxRssMb'), `CPU ${floorCpu.toFixed(0)} ms`));
    lines.push(row('embargo scan, cold (empty caches), folders', m(s, 'cold-folders'), m(s, 'cold-folders', 'maxRssMb'), `${ratio('cold-folders')}; process ${m(s, 'cold-folders', 'wallMs').toFixed(0)} ms`));
    lines.push(row('embargo scan, cold OSV cache, lockfiles parsed before', m(s, 'cold-osv'), m(s, 'cold-osv', 'maxRssMb'), ratio('cold-osv')));
    lines.push(row('embargo scan, warm (from the caches), folders', m(s, 'warm-folders'), m(s, 'warm-folders', 'maxRssMb'), `CPU ${m(s, 'warm-folders', 'cpuMs').toFixed(0)} ms; process ${m(s, 'warm-folders', 'wallMs').toFixed(0)} ms`));
    if (has(s, 'nocache-folders')) lines.push(row('embargo scan --no-cache, folders', m(s, 'nocache-folders'), m(s, 'nocache-folders', 'maxRssMb'), ratio('nocache-folders')));
    lines.push(row('floor: read + inflate + JSON.parse every record (zips)', floorZ, m(s, 'floor-zips', 'maxRssMb'), `${(floorZ / floor).toFixed(2)}x the folder floor (CPU ${(m(s, 'floor-zips', 'cpuMs') / floorCpu).toFixed(2)}x)`));
    lines.push(row('embargo scan, cold, zips', m(s, 'cold-zips'), m(s, 'cold-zips', 'maxRssMb'), `${ratio('cold-zips')}; ${(m(s, 'cold-zips') / m(s, 'cold-folders')).toFixed(2)}x cold from folders`));
    lines.push(row('embargo scan, warm, zips', m(s, 'warm-zips'), m(s, 'warm-zips', 'maxRssMb')));
    if (has(s, 'warm-cli')) {
      lines.push(row('bin/embargo.mjs scan, warm (whole CLI process)', m(s, 'warm-cli'), m(s, 'warm-cli', 'maxRssMb'), `node -e '' ${m(s, 'node-e').toFixed(0)} ms; embargo --help ${m(s, 'help-cli').toFixed(0)} ms`));
    }
    if (has(s, 'import')) {
      const f = m(s, 'import-floor');
      lines.push(row('import floor: same rows, bare inserts into PGlite', f, m(s, 'import-floor', 'maxRssMb'), `${(f / floor).toFixed(2)}x the read floor`));
      lines.push(row('embargo osv import into PGlite (empty database)', m(s, 'import'), m(s, 'import', 'maxRssMb'), `${(m(s, 'import') / f).toFixed(2)}x import floor; ${m(s, 'import', 'rssOpen')} MB after opening PGlite`));
      if (has(s, 'api-scan')) lines.push(row('API path: scan every lockfile from PGlite, cold / warm', m(s, 'api-scan'), m(s, 'api-scan', 'maxRssMb'), `warm ${m(s, 'api-scan', 'warmMs').toFixed(0)} ms`));
      if (has(s, 'import-pg')) {
        const fp = m(s, 'import-floor-pg');
        lines.push(row('import floor into PostgreSQL', fp, m(s, 'import-floor-pg', 'maxRssMb')));
        lines.push(row('embargo osv import into PostgreSQL', m(s, 'import-pg'), m(s, 'import-pg', 'maxRssMb'), `${(m(s, 'import-pg') / fp).toFixed(2)}x import floor`));
      }
    }
    const outs = new Set(['cold-folders', 'warm-folders', 'nocache-folders'].flatMap((k) => (s.rows.get(k) ?? []).map((r) => r.out)));
    const outsZ = new Set(['cold-zips', 'warm-zips'].flatMap((k) => (s.rows.get(k) ?? []).map((r) => r.out)));
    const findings = new Set(['cold-folders', 'cold-zips'].flatMap((k) => (s.rows.get(k) ?? []).map((r) => r.findings)));
    lines.push(`  output identical cold / warm / no cache: folders ${outs.size === 1 ? 'yes' : 'NO'}, zips ${outsZ.size === 1 ? 'yes' : 'NO'}; findings folders = zips: ${findings.size === 1 ? 'yes' : 'NO'} (${[...findings].join(', ')})`);
    lines.push('');
    aims.push(`${s.name}: cold ${(m(s, 'cold-folders') / floor).toFixed(2)}x floor (aim <= 2): ${m(s, 'cold-folders') <= 2 * floor ? 'met' : 'NOT MET'}; warm ${m(s, 'warm-folders').toFixed(0)} ms of scanning (aim <= 300): ${m(s, 'warm-folders') <= 300 ? 'met' : 'NOT MET'}; zips ${(m(s, 'cold-zips') / m(s, 'cold-folders')).toFixed(2)}x folders`);
    if (has(s, 'import')) aims.push(`${s.name}: import ${(m(s, 'import') / m(s, 'import-floor')).toFixed(2)}x its floor (aim <= 1.5): ${m(s, 'import') <= 1.5 * m(s, 'import-floor') ? 'met' : 'NOT MET'}`);
    const peak = Math.max(...[...s.rows.values()].flat().map((r) => r.maxRssMb));
    if (scale.includes(s)) aims.push(`${s.name}: peak memory ${peak} MB (aim <= 1024): ${peak <= 1024 ? 'met' : 'NOT MET'}`);
  }
  const [small, large] = scale;
  if (small && large) {
    const per = (set: SetResults, key: string): number => m(set, key) / set.records;
    const linear = (key: string): string => (per(large, key) / per(small, key)).toFixed(2);
    aims.push(
      `linearity (time per record at ${large.records.toLocaleString('en')} over at ${small.records.toLocaleString('en')} records; 1.00 = linear): ` +
        `floor ${linear('floor-folders')}, cold ${linear('cold-folders')}, warm ${linear('warm-folders')}, cold zips ${linear('cold-zips')}, import ${linear('import')}, import floor ${linear('import-floor')}`,
    );
  }
  if (naive) {
    const n = (k: string): number => Number(naive[k]);
    lines.push(
      `comparisons, largest sample (${String(naive.largest)}, ${n('packages')} packages, ${n('records')} records indexed):`,
      `  every package against every record: ${n('naive').toLocaleString('en')} (package, record) pairs`,
      `  by (ecosystem, name) index:          ${n('packages').toLocaleString('en')} hash lookups, ${n('ours').toLocaleString('en')} affected entries evaluated` +
        ` (${(n('naive') / (n('packages') + n('ours'))).toFixed(0)}x fewer steps, counting each lookup as one)`,
      `  all ${n('lockfiles')} lockfiles: ${n('allNaive').toLocaleString('en')} pairs vs ${n('allPackages').toLocaleString('en')} lookups + ${n('allOurs').toLocaleString('en')} entries` +
        ` (${(n('allNaive') / (n('allPackages') + n('allOurs'))).toFixed(0)}x fewer)`,
      '',
    );
  }
  lines.push('aims:', ...aims.map((a) => `  ${a}`));
  return lines.join('\n');
}

async function main(): Promise<void> {
  const [phase, args] = process.argv.slice(2);
  if (phase) {
    process.stdout.write(`${JSON.stringify(await runPhase(phase, JSON.parse(args ?? '{}') as Record<string, string>))}\n`);
    return;
  }
  const pg = process.env.BENCH_DATABASE_URL ?? process.env.EMBARGO_TEST_DATABASE_URL ?? '';
  const root = mkdtempSync(join(tmpdir(), 'embargo-bench-scan-'));
  try {
    const sets: SetResults[] = [];
    const real = await writeData(join(root, 'real'), realPlan(1));
    if (SETS.includes('real')) sets.push(measureSet('real (the OSV sample)', join(root, 'real'), real.records, real.bytes, ROUNDS, pg, IMPORTS));
    if (SETS.includes('issue')) {
      const issue = await writeData(join(root, 'issue'), issuePlan);
      sets.push(measureSet('issue (its layout and size)', join(root, 'issue'), issue.records, issue.bytes, ROUNDS, pg, IMPORTS));
      rmSync(join(root, 'issue'), { recursive: true, force: true });
    }
    let scale: SetResults[] = [];
    if (SCALE > 0) {
      // Two sizes of the same make-up: time per record at the larger over the smaller says whether it is linear.
      const copies = Math.max(4, Math.round(SCALE / real.records));
      for (const n of [Math.round(copies / 4), copies]) {
        process.stderr.write(`writing scale data (${n} versions of each record)…\n`);
        const data = await writeData(join(root, 'scale'), realPlan(n));
        scale.push(measureSet(`scale x${n} (each real record and ${n - 1} copies)`, join(root, 'scale'), data.records, data.bytes, 1, '', IMPORTS));
        rmSync(join(root, 'scale'), { recursive: true, force: true });
      }
    }
    process.stdout.write(`${report(sets, scale, SETS.includes('real') ? child('naive', {}) : null)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();

