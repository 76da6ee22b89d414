/**
 * Scan benchmark: OSV import into PGlite and scanning every sample lockfile against the imported database,
 * beside the physical floor (reading and JSON-parsing the same records), each phase in a child process of its
 * own so its peak memory (resourceUsage().maxRSS) is its own.
 *
 *   npx tsx bench/scan.ts            # BENCH_ROUNDS=3 phases each, medians; BENCH_WARM=5 warm passes
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..');
const OSV = join(REPO, 'test', 'fixtures', 'scanner', 'osv-sample');
const LOCKFILES = join(REPO, 'test', 'fixtures', 'scanner', 'lockfiles');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM = Number(process.env.BENCH_WARM ?? 5);

interface PhaseResult {
  ms: number;
  maxRssMb: number;
  [key: string]: unknown;
}

const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
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
  const t = performance.now();
  let records = 0;
  for await (const f of osvFiles(OSV)) {
    JSON.parse(f.bytes.toString('utf8'));
    records++;
  }
  return { ms: performance.now() - t, maxRssMb: maxRssMb(), records };
}

/** The floor plus the OSV schema check every import does: what is left of the import is the database's. */
async function phaseValidate(): Promise<PhaseResult> {
  const [{ osvFiles }, { readOsvRecord }] = await Promise.all([import('../src/adapters/osv/load-osv-records.ts'), import('../src/core/scanner/osv-record.ts')]);
  const t = performance.now();
  let records = 0;
  for await (const f of osvFiles(OSV)) if ('record' in readOsvRecord(JSON.parse(f.bytes.toString('utf8')))) records++;
  return { ms: performance.now() - t, maxRssMb: maxRssMb(), records };
}

async function openDb(dataDir: string) {
  const { openDatabase } = await import('../src/adapters/db/open-database.ts');
  return openDatabase({ dataDir });
}

/** Import into a fresh PGlite database (schema migrated before the clock starts), then the incremental re-import. */
async function phaseImport(dataDir: string): Promise<PhaseResult> {
  const { importOsvPath } = await import('../src/services/osv-import.ts');
  const database = await openDb(dataDir);
  const rssOpen = maxRssMb();
  try {
    const t = performance.now();
    const r = await importOsvPath(database.db, OSV);
    const ms = performance.now() - t;
    const rss = maxRssMb();
    const t2 = performance.now();
    const again = await importOsvPath(database.db, OSV);
    const reimportMs = performance.now() - t2;
    return { ms, maxRssMb: rss, rssOpen, imported: r.imported, rejected: r.rejected.length, reimportMs, reimportUnchanged: again.unchanged };
  } finally {
    await database.close();
  }
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
    import('../src/services/osv-import.ts'),
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

function child(phase: string, dataDir: string): PhaseResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, phase, dataDir], {
    cwd: REPO,
    env: { ...process.env, EMBARGO_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}` },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as PhaseResult;
}

async function main(): Promise<void> {
  const [phase, dataDir] = process.argv.slice(2);
  if (phase) {
    const r = phase === 'floor' ? await phaseFloor() : phase === 'validate' ? await phaseValidate() : phase === 'import' ? await phaseImport(dataDir as string) : await phaseScan(dataDir as string);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const floors: PhaseResult[] = [];
  const validations: PhaseResult[] = [];
  const imports: PhaseResult[] = [];
  const scans: PhaseResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'embargo-bench-scan-'));
    try {
      floors.push(child('floor', dir));
      validations.push(child('validate', dir));
      imports.push(child('import', dir));
      scans.push(child('scan', dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const m = (rs: PhaseResult[], k: string) => median(rs.map((r) => Number(r[k])));
  const floor = m(floors, 'ms');
  const imp = m(imports, 'ms');
  const cold = m(scans, 'ms');
  const warm = m(scans, 'warmMs');
  const s = scans[0] as PhaseResult;
  const i = imports[0] as PhaseResult;
  const row = (name: string, ms: number, rss: number | string, note = '') =>
    `${name.padEnd(44)}${ms.toFixed(0).padStart(8)} ms${String(rss).padStart(8)} MB  ${note}`;
  const lines = [
    `OSV sample: ${String(floors[0]?.records)} records (${String(i.imported)} imported, ${String(i.rejected)} rejected); ${String(s.lockfiles)} lockfiles, ${String(s.packages)} packages, ${String(s.findings)} findings`,
    `medians of ${ROUNDS} rounds, each phase in a fresh process (peak RSS = that process's maxRSS)`,
    '',
    `${'phase'.padEnd(44)}${'wall'.padStart(11)}${'peak RSS'.padStart(11)}`,
    row('floor: read + inflate + JSON.parse records', floor, m(floors, 'maxRssMb')),
    row('floor + OSV schema check (no database)', m(validations, 'ms'), m(validations, 'maxRssMb'), `${(m(validations, 'ms') / floor).toFixed(2)}x floor`),
    row('OSV import into PGlite (fresh database)', imp, m(imports, 'maxRssMb'), `${(imp / floor).toFixed(2)}x floor; ${m(imports, 'rssOpen')} MB reached by PGlite.create (initdb) alone`),
    row('OSV re-import, nothing changed', m(imports, 'reimportMs'), '-', `${(m(imports, 'reimportMs') / floor).toFixed(2)}x floor`),
    row('open database (new process)', m(scans, 'openMs'), m(scans, 'rssOpen'), 'PGlite start on the imported database'),
    row('scan all sample lockfiles, cold', cold, m(scans, 'maxRssMb'), `${String(s.recordsRead)} records read of ${String(i.imported)}`),
    row(`scan all sample lockfiles, warm (median of ${WARM})`, warm, '-'),
    '',
    `aim "warm scan of all samples under 1 s": ${warm < 1000 ? 'MET' : 'NOT MET'} (${warm.toFixed(0)} ms)`,
    `aim "import within 1.5x of the floor": ${imp <= 1.5 * floor ? 'MET' : 'NOT MET'} (${(imp / floor).toFixed(2)}x)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
