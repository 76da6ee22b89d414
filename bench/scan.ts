/**
 * Scan benchmark: OSV import into PGlite and scanning every sample lockfile against the imported database,
 * beside the physical floor (reading and JSON-parsing the same records), each phase in a child process of its
 * own so its peak memory (resourceUsage().maxRSS) is its own.
 *
 *   npx tsx bench/scan.ts            # BENCH_ROUNDS=3 phases each, medians; BENCH_WARM=5 warm passes
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/scan.ts   # adds the PostgreSQL import (or EMBARGO_TEST_DATABASE_URL)
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes as random } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..');
const OSV = join(REPO, 'test', 'fixtures', 'scanner', 'osv-sample');
const LOCKFILES = join(REPO, 'test', 'fixtures', 'scanner', 'lockfiles');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM = Number(process.env.BENCH_WARM ?? 5);

interface PhaseResult {
  ms: number;
  /** CPU time of the process (all threads) over the same span: less disturbed by other load than wall time. */
  cpuMs?: number;
  maxRssMb: number;
  [key: string]: unknown;
}

const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const cpuSince = (start: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function lockfiles(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(LOCKFILES).sort()) {
    const p = join(LOCKFILES, dir);
    if (!statSync(p).isDirectory()) continue;
    for (const name of readdirSync(p).sort()) if (name !== 'requirements_bundles.txt') out.push(join(p, name));
  }
  return out;
}

/** Floor: read the zips, inflate every entry, JSON.parse every record. Nothing else. */
async function phaseFloor(): Promise<PhaseResult> {
  const { osvFiles } = await import('../src/adapters/osv/load-osv-records.ts');
  const c = process.cpuUsage();
  const t = performance.now();
  let records = 0;
  for await (const f of osvFiles(OSV)) {
    JSON.parse(f.bytes.toString('utf8'));
    records++;
  }
  return { ms: performance.now() - t, cpuMs: cpuSince(c), maxRssMb: maxRssMb(), records };
}

/** The floor plus the OSV schema check every import does: what is left of the import is the database's. */
async function phaseValidate(): Promise<PhaseResult> {
  const [{ osvFiles }, { readOsvRecord }] = await Promise.all([import('../src/adapters/osv/load-osv-records.ts'), import('../src/core/scanner/osv-record.ts')]);
  const c = process.cpuUsage();
  const t = performance.now();
  let records = 0;
  for await (const f of osvFiles(OSV)) if ('record' in readOsvRecord(JSON.parse(f.bytes.toString('utf8')))) records++;
  return { ms: performance.now() - t, cpuMs: cpuSince(c), maxRssMb: maxRssMb(), records };
}

async function openDb(dataDir: string, databaseUrl?: string) {
  const { openDatabase } = await import('../src/adapters/db/open-database.ts');
  return openDatabase({ dataDir, databaseUrl });
}

/**
 * Import into a fresh database (schema migrated before the clock starts), then the incremental re-import.
 * PGlite in `dataDir`; with `databaseUrl`, a PostgreSQL database of its own created on that server and
 * dropped afterwards (PostgreSQL works in its own processes, so CPU time counts only this process's share).
 */
async function phaseImport(dataDir: string, adminUrl?: string): Promise<PhaseResult> {
  const { importOsvPath } = await import('../src/services/scanning/osv-import.ts');
  let url: string | undefined;
  let drop = async () => {};
  if (adminUrl) {
    const pg = (await import('pg')).default;
    const name = `embargo_bench_${random(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    };
  }
  try {
    const database = await openDb(dataDir, url);
    const rssOpen = maxRssMb();
    try {
      const c = process.cpuUsage();
      const t = performance.now();
      const r = await importOsvPath(database.db, OSV);
      const ms = performance.now() - t;
      const cpuMs = cpuSince(c);
      const rss = maxRssMb();
      const t2 = performance.now();
      const again = await importOsvPath(database.db, OSV);
      const reimportMs = performance.now() - t2;
      return { ms, cpuMs, maxRssMb: rss, rssOpen, imported: r.imported, rejected: r.rejected.length, reimportMs, reimportUnchanged: again.unchanged };
    } finally {
      await database.close();
    }
  } finally {
    await drop();
  }
}

/** `runScan` of `embargo scan` on every sample lockfile: the output's length, to check that runs agree. */
async function cliScan(cache?: string): Promise<{ ms: number; out: string }> {
  const { runScan } = await import('../src/cli/commands/scan.ts');
  const out: string[] = [];
  const t = performance.now();
  await runScan([LOCKFILES], { osv: OSV, format: 'json', ...(cache ? { cache } : {}) }, { out: (x) => out.push(x), err: () => {} });
  return { ms: performance.now() - t, out: out.join('\n') };
}

/**
 * `embargo scan` without a server: every sample lockfile against the OSV files (no cache), then with a new
 * cache file (read the files, write the cache), then warm from the cache; each a fresh process when `mode`
 * says so. Also counts, for the largest lockfile, the (package × record) pairs a scanner checking every
 * package against every record compares, against the index entries this one evaluates.
 */
async function phaseCli(dataDir: string, mode: string): Promise<PhaseResult> {
  const cache = join(dataDir, 'osv.cache');
  if (mode === 'cli-nocache') {
    const r = await cliScan();
    return { ms: r.ms, maxRssMb: maxRssMb(), outLength: r.out.length, out: createHash('sha256').update(r.out).digest('hex') };
  }
  if (mode === 'cli-build') {
    const r = await cliScan(cache);
    return { ms: r.ms, maxRssMb: maxRssMb(), out: createHash('sha256').update(r.out).digest('hex'), cacheMb: statSync(cache).size / 1e6 };
  }
  if (mode === 'cli-warm') {
    const first = await cliScan(cache);
    const rss = maxRssMb();
    const warm: number[] = [];
    for (let i = 0; i < WARM; i++) warm.push((await cliScan(cache)).ms);
    return { ms: first.ms, maxRssMb: rss, warmMs: median(warm), out: createHash('sha256').update(first.out).digest('hex') };
  }
  // mode === 'naive': comparison counts, no timing.
  const [{ loadOsvRecords }, { buildAdvisoryIndex }, { parseLockfile }] = await Promise.all([
    import('../src/adapters/osv/load-osv-records.ts'),
    import('../src/core/scanner/advisory-index.ts'),
    import('../src/core/scanner/parse-lockfile.ts'),
  ]);
  const load = await loadOsvRecords(OSV);
  const index = buildAdvisoryIndex(load.records);
  const parsed = lockfiles().map((file) => ({ file, lock: parseLockfile(file, readFileSync(file, 'utf8'), (p) => (existsSync(p) ? readFileSync(p, 'utf8') : null)) }));
  const largest = parsed.reduce((a, b) => (b.lock.packages.length > a.lock.packages.length ? b : a));
  const entries = largest.lock.packages.reduce((n, p) => n + index.lookup(p.ecosystem, p.name).length, 0);
  const allPackages = parsed.reduce((n, p) => n + p.lock.packages.length, 0);
  const allEntries = parsed.reduce((n, p) => n + p.lock.packages.reduce((m, q) => m + index.lookup(q.ecosystem, q.name).length, 0), 0);
  return {
    ms: 0,
    maxRssMb: maxRssMb(),
    largest: largest.file.slice(LOCKFILES.length + 1),
    packages: largest.lock.packages.length,
    records: index.records,
    naive: largest.lock.packages.length * index.records,
    ours: entries,
    allNaive: allPackages * index.records,
    allOurs: allEntries,
  };
}

/**
 * Every sample lockfile through what `POST …/scans` runs (parse, look the packages up in the database index,
 * match with the core), minus storing the rows; requirements includes are read from disk. The first pass
 * after opening the database is cold, the next ones warm.
 */
async function phaseScan(dataDir: string): Promise<PhaseResult> {
  const [{ parseLockfile }, { buildAdvisoryIndex }, { findVulnerabilities }, { recordsForPackages }] = await Promise.all([
    import('../src/core/scanner/parse-lockfile.ts'),
    import('../src/core/scanner/advisory-index.ts'),
    import('../src/core/scanner/find-vulnerabilities.ts'),
    import('../src/services/scanning/osv-import.ts'),
  ]);
  const files = lockfiles().map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const readIncluded = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  };
  const t0 = performance.now();
  const database = await openDb(dataDir);
  const openMs = performance.now() - t0;
  const rssOpen = maxRssMb();
  try {
    const pass = async () => {
      const t = performance.now();
      let findings = 0;
      let packages = 0;
      let records = 0;
      for (const { file, text } of files) {
        const parsed = parseLockfile(file, text, readIncluded);
        const recs = await recordsForPackages(database.db, parsed.packages);
        findings += findVulnerabilities(parsed.packages, buildAdvisoryIndex(recs)).length;
        packages += parsed.packages.length;
        records += recs.length;
      }
      return { ms: performance.now() - t, findings, packages, records };
    };
    const cold = await pass();
    const warm: number[] = [];
    for (let i = 0; i < WARM; i++) warm.push((await pass()).ms);
    return { ms: cold.ms, maxRssMb: maxRssMb(), rssOpen, openMs, warmMs: median(warm), lockfiles: files.length, packages: cold.packages, findings: cold.findings, recordsRead: cold.records };
  } finally {
    await database.close();
  }
}

function child(phase: string, dataDir: string, extra = ''): PhaseResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, phase, dataDir, extra], {
    cwd: REPO,
    env: { ...process.env, EMBARGO_ENCRYPTION_KEYS: `bench:${random(32).toString('base64')}` },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as PhaseResult;
}

async function runPhase(phase: string, dataDir: string, extra: string): Promise<PhaseResult> {
  if (phase === 'floor') return phaseFloor();
  if (phase === 'validate') return phaseValidate();
  if (phase === 'import') return phaseImport(dataDir);
  if (phase === 'import-pg') return phaseImport(dataDir, extra);
  if (phase === 'scan') return phaseScan(dataDir);
  return phaseCli(dataDir, phase);
}

async function main(): Promise<void> {
  const [phase, dataDir, extra] = process.argv.slice(2);
  if (phase) {
    process.stdout.write(`${JSON.stringify(await runPhase(phase, dataDir as string, extra ?? ''))}\n`);
    return;
  }
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.EMBARGO_TEST_DATABASE_URL;
  const phases = ['floor', 'validate', 'import', ...(pgUrl ? ['import-pg'] : []), 'scan', 'cli-nocache', 'cli-build', 'cli-warm'];
  const results = new Map<string, PhaseResult[]>(phases.map((p) => [p, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'embargo-bench-scan-'));
    try {
      // The floor right before each import, so each ratio compares runs under the same load.
      for (const p of phases) results.get(p)?.push(child(p, dir, pgUrl ?? ''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const naive = child('naive', tmpdir());
  const m = (p: string, k: string) => median((results.get(p) ?? []).map((r) => Number(r[k])));
  const first = (p: string) => (results.get(p) ?? [])[0] as PhaseResult;
  const floor = m('floor', 'ms');
  const floorCpu = m('floor', 'cpuMs');
  const ratio = (p: string) => `${(m(p, 'ms') / floor).toFixed(2)}x floor (CPU ${(m(p, 'cpuMs') / floorCpu).toFixed(2)}x)`;
  const s = first('scan');
  const i = first('import');
  const hashes = new Set(['cli-nocache', 'cli-build', 'cli-warm'].flatMap((p) => (results.get(p) ?? []).map((r) => r.out)));
  const row = (name: string, ms: number, rss: number | string, note = '') =>
    `${name.padEnd(50)}${ms.toFixed(0).padStart(8)} ms${String(rss).padStart(8)} MB  ${note}`;
  const lines = [
    `OSV sample: ${String(first('floor').records)} records (${String(i.imported)} imported, ${String(i.rejected)} rejected); ${String(s.lockfiles)} lockfiles, ${String(s.packages)} packages, ${String(s.findings)} findings`,
    `medians of ${ROUNDS} rounds, each phase in a fresh process (peak RSS = that process's maxRSS); load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    '',
    `${'phase'.padEnd(50)}${'wall'.padStart(11)}${'peak RSS'.padStart(11)}`,
    row('floor: read + inflate + JSON.parse records', floor, m('floor', 'maxRssMb'), `CPU ${floorCpu.toFixed(0)} ms`),
    row('floor + OSV schema check (no database)', m('validate', 'ms'), m('validate', 'maxRssMb'), ratio('validate')),
    row('OSV import into PGlite (fresh database)', m('import', 'ms'), m('import', 'maxRssMb'), `${ratio('import')}; ${m('import', 'rssOpen')} MB reached by PGlite.create alone`),
    row('OSV re-import into PGlite, nothing changed', m('import', 'reimportMs'), '-', `${(m('import', 'reimportMs') / floor).toFixed(2)}x floor`),
    ...(pgUrl
      ? [
          row('OSV import into PostgreSQL (fresh database)', m('import-pg', 'ms'), m('import-pg', 'maxRssMb'), ratio('import-pg')),
          row('OSV re-import into PostgreSQL, nothing changed', m('import-pg', 'reimportMs'), '-', `${(m('import-pg', 'reimportMs') / floor).toFixed(2)}x floor`),
        ]
      : ['(no PostgreSQL: set BENCH_DATABASE_URL or EMBARGO_TEST_DATABASE_URL for the PostgreSQL import rows)']),
    row('open PGlite database (new process)', m('scan', 'openMs'), m('scan', 'rssOpen')),
    row('API path: scan all lockfiles from PGlite, cold', m('scan', 'ms'), m('scan', 'maxRssMb'), `${String(s.recordsRead)} records read of ${String(i.imported)}`),
    row(`API path: scan all lockfiles from PGlite, warm (median of ${WARM})`, m('scan', 'warmMs'), '-'),
    row('embargo scan, no cache (read all OSV files)', m('cli-nocache', 'ms'), m('cli-nocache', 'maxRssMb')),
    row('embargo scan, cold: read OSV files + write cache', m('cli-build', 'ms'), m('cli-build', 'maxRssMb'), `cache file ${m('cli-build', 'cacheMb').toFixed(1)} MB`),
    row('embargo scan, warm: from the cache (new process)', m('cli-warm', 'ms'), m('cli-warm', 'maxRssMb'), `same process again: ${m('cli-warm', 'warmMs').toFixed(0)} ms`),
    `embargo scan outputs identical across no-cache, cold and warm runs: ${hashes.size === 1 ? 'yes' : `NO (${hashes.size} distinct)`}`,
    '',
    `comparisons, largest sample (${String(naive.largest)}, ${String(naive.packages)} packages, ${String(naive.records)} records indexed):`,
    `  every package against every record: ${Number(naive.naive).toLocaleString('en')} (package, record) pairs`,
    `  by (ecosystem, name) index:          ${Number(naive.packages).toLocaleString('en')} hash lookups, ${Number(naive.ours).toLocaleString('en')} affected entries evaluated` +
      ` (${(Number(naive.naive) / (Number(naive.packages) + Number(naive.ours))).toFixed(0)}x fewer steps, counting each lookup as one)`,
    `  all ${String(s.lockfiles)} lockfiles: ${Number(naive.allNaive).toLocaleString('en')} pairs vs ${Number(s.packages).toLocaleString('en')} lookups + ${Number(naive.allOurs).toLocaleString('en')} entries` +
      ` (${(Number(naive.allNaive) / (Number(s.packages) + Number(naive.allOurs))).toFixed(0)}x fewer)`,
    '',
    `aim "warm scan of all samples under 1 s": ${m('cli-warm', 'ms') < 1000 && m('scan', 'warmMs') < 1000 ? 'MET' : 'NOT MET'} (CLI ${m('cli-warm', 'ms').toFixed(0)} ms, API path ${m('scan', 'warmMs').toFixed(0)} ms)`,
    `aim "import within 1.5x of the floor": PGlite ${m('import', 'ms') <= 1.5 * floor ? 'MET' : 'NOT MET'} (${(m('import', 'ms') / floor).toFixed(2)}x)` +
      (pgUrl ? `; PostgreSQL ${m('import-pg', 'ms') <= 1.5 * floor ? 'MET' : 'NOT MET'} (${(m('import-pg', 'ms') / floor).toFixed(2)}x)` : ''),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
