import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { parseLockfileCached } from '../../adapters/lockfiles/parse-cache.ts';
import { openLocalOsv } from '../../adapters/osv/local-osv.ts';
import { defaultCacheFile } from '../../adapters/osv/osv-cache.ts';
import { isDomainError } from '../../core/errors.ts';
import { findVulnerabilities } from '../../core/scanner/find-vulnerabilities.ts';
import type { CatalogIndex, RejectedRecord } from '../../core/scanner/record-catalog.ts';
import type { LockedPackage, ParsedLockfile } from '../../core/scanner/types.ts';
import { isLockfileName } from '../../core/scanner/detect-format.ts';
import { renderSarif } from '../../core/scanner/render-sarif.ts';
import { OSV_DATA_HELP, uncheckedForMissingData } from '../../core/scanner/missing-data.ts';
import type { LockfileScan } from '../../core/scanner/scan-lockfile.ts';
import { CliError } from '../errors.ts';
import { table } from '../output.ts';
import { packageVersion } from '../version.ts';

export const SCAN_FORMATS = ['table', 'json', 'sarif'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export interface ScanOptions {
  osv: string;
  format: ScanFormat;
  /** The local cache file of the OSV source; none: read the source every time. */
  cache?: string;
  /** Ecosystems the OSV data holds no records of are a known gap: reported unchecked, not an error (exit 2). */
  allowMissing?: boolean;
}

/** Where `runScan` writes; `progress` is only set when a person watches (stderr is a terminal). */
export interface ScanIo {
  out(text: string): void;
  err(text: string): void;
  progress?: (text: string) => void;
}

interface InputError {
  file: string;
  message: string;
}

/** Folders that hold other projects' files, not this project's lockfiles. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'target', 'vendor', '.venv', 'venv', '__pycache__', '.tox']);

function lockfilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) => (d.isDirectory() ? (SKIPPED_FOLDERS.has(d.name) ? [] : lockfilesUnder(join(dir, d.name))) : isLockfileName(d.name) ? [join(dir, d.name)] : []));
}

/** The files named, and the lockfiles found under the folders named. */
function expandPaths(paths: string[], errors: InputError[]): string[] {
  return paths.flatMap((p) => {
    try {
      if (!statSync(p).isDirectory()) return [p];
      const found = lockfilesUnder(p);
      if (!found.length) errors.push({ file: p, message: 'no lockfiles found in this folder' });
      return found;
    } catch (e) {
      errors.push({ file: p, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return [];
    }
  });
}

const readIncluded = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

const SHOWN_REJECTIONS = 3;

function reportRejected(rejected: RejectedRecord[], io: ScanIo): void {
  if (!rejected.length) return;
  io.err(`embargo: skipped ${rejected.length} OSV record(s) that break the OSV schema:`);
  for (const r of rejected.slice(0, SHOWN_REJECTIONS)) io.err(`  ${r.source}: ${r.problems.join('; ')}`);
  if (rejected.length > SHOWN_REJECTIONS) io.err(`  and ${rejected.length - SHOWN_REJECTIONS} more (--format json lists them all)`);
}

/**
 * The advisory index for these packages (`openLocalOsv`): parts of the source named after ecosystems none of
 * them is in are not read; with a cache, unchanged parts come from it. A damaged cache is rebuilt with a
 * warning; a cache that cannot be written is a warning too, the scan goes on.
 */
function loadIndex(osv: string, packages: readonly LockedPackage[], cache: string | undefined, io: ScanIo): CatalogIndex {
  try {
    const index = openLocalOsv(osv, {
      packages,
      version: toolVersion(),
      ...(cache ? { cache } : {}),
      onProgress: (n) => io.progress?.(`reading OSV records: ${n}`),
      onWarning: (text) => io.err(`embargo: ${text}`),
    });
    io.progress?.(`reading OSV records: done\n`);
    return index;
  } catch (e) {
    throw new CliError(isDomainError(e) ? e.message : `Cannot read OSV data at ${osv}: ${(e as Error).message}`, 2);
  }
}

function renderTable(scans: LockfileScan[], io: ScanIo): void {
  for (const scan of scans) {
    const noData = scan.unchecked.filter((u) => u.reason === 'no-osv-data');
    const verdict = scan.findings.length ? `${scan.findings.length} finding(s)` : noData.length ? 'not fully checked' : 'no known vulnerabilities';
    io.out(`${scan.file} (${scan.format}, ${scan.packages} packages): ${verdict}`);
    if (scan.findings.length) {
      const rows = scan.findings.map((f) => [f.package, f.version, [f.id, ...f.aliases.filter((a) => a.startsWith('CVE-'))].join(' '), f.severity ?? '-', f.fixed.join(', ') || '-']);
      io.out(table(['PACKAGE', 'VERSION', 'ADVISORY', 'SEVERITY', 'FIXED IN'], rows));
    }
    // One line per ecosystem without data, not one per package (a lockfile has hundreds).
    for (const ecosystem of [...new Set(noData.map((u) => u.ecosystem))]) {
      const n = noData.filter((u) => u.ecosystem === ecosystem).length;
      io.out(`  not checked (no-osv-data): ${n} ${ecosystem} package${n === 1 ? '' : 's'}: the OSV data holds no ${ecosystem} records`);
    }
    for (const u of scan.unchecked) {
      if (u.reason === 'no-osv-data') continue;
      io.out(`  not checked (${u.reason}): ${u.spec}  [${u.file}${u.line === undefined ? '' : `:${u.line}`}]`);
    }
    io.out('');
  }
}

/** Says which ecosystems had no OSV data, where the data comes from, and how to accept the gap. */
function reportMissing(missing: readonly string[], osv: string, allowed: boolean, io: ScanIo): void {
  if (!missing.length) return;
  const list = missing.join(', ');
  io.err(`embargo: the OSV data at ${osv} holds no ${list} records: those packages were not checked.`);
  io.err(`  ${OSV_DATA_HELP}`);
  io.err(`  e.g. ${missing.map((e) => `https://osv-vulnerabilities.storage.googleapis.com/${e}/all.zip`).join(' ')}`);
  if (!allowed) io.err('  Pass --allow-missing to accept the gap (exit 0/1 instead of 2).');
}

const toolVersion = (): string => packageVersion();

/**
 * Scans lockfiles and returns the exit code: 0 clean, 1 findings, 2 an input could not be read or an ecosystem
 * had no OSV data at all (unless `allowMissing`).
 */
export async function runScan(paths: string[], options: ScanOptions, io: ScanIo): Promise<number> {
  if (!options.osv) throw new CliError(`no OSV data: pass --osv DIR|ZIP or set EMBARGO_OSV. ${OSV_DATA_HELP}`, 2);
  const errors: InputError[] = [];
  const files = expandPaths(paths, errors);
  if (!files.length) {
    for (const e of errors) io.err(`embargo: ${e.file}: ${e.message}`);
    return 2;
  }
  const parsed: { file: string; lockfile: ParsedLockfile }[] = [];
  const lockfileCache = options.cache ? join(dirname(options.cache), 'lockfiles') : null;
  const version = toolVersion();
  for (const file of files) {
    try {
      parsed.push({ file, lockfile: parseLockfileCached(file, readFileSync(file, 'utf8'), readIncluded, lockfileCache, version) });
    } catch (e) {
      errors.push({ file, message: isDomainError(e) ? e.message : `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
  }
  const index = loadIndex(options.osv, parsed.flatMap((p) => p.lockfile.packages), options.cache, io);
  const missing = new Set<string>();
  const scans: LockfileScan[] = parsed.map(({ file, lockfile }) => {
    const data = uncheckedForMissingData(lockfile.packages, (e) => index.hasRecords(e));
    for (const e of data.missing) missing.add(e);
    return {
      file,
      format: lockfile.format,
      packages: lockfile.packages.length,
      unchecked: [...lockfile.unchecked, ...data.unchecked],
      findings: findVulnerabilities(data.checked, index),
    };
  });
  const missingEcosystems = [...missing].sort();
  // Records are checked against the schema as the lookups need them: the rejected ones are known now.
  const rejected = index.rejected();
  reportRejected(rejected, io);
  if (options.format === 'json') {
    io.out(JSON.stringify({ osv: { records: index.records, rejected }, missing_ecosystems: missingEcosystems, lockfiles: scans, errors }, null, 2));
  } else if (options.format === 'sarif') {
    io.out(JSON.stringify(renderSarif(scans, toolVersion()), null, 2));
  } else {
    renderTable(scans, io);
  }
  for (const e of errors) io.err(`embargo: ${e.message.startsWith(e.file) ? e.message : `${e.file}: ${e.message}`}`);
  reportMissing(missingEcosystems, options.osv, options.allowMissing === true, io);
  if (errors.length || (missingEcosystems.length && !options.allowMissing)) return 2;
  return scans.some((s) => s.findings.length) ? 1 : 0;
}

/** `embargo scan PATH… [--osv DIR|ZIP] [--format table|json|sarif]`. */
export function registerScanCommand(program: Command): Command {
  return program.addCommand(
    new Command('scan')
      .description(
        'check lockfiles and SBOMs against a local OSV database; exit 0 when clean, 1 on findings, 2 on an input error or an ecosystem the OSV data has no records of',
      )
      .argument('<paths...>', 'lockfiles, SBOMs (CycloneDX or SPDX JSON), or folders searched for lockfiles (node_modules, .git, target and vendor skipped)')
      .addOption(new Option('--osv <path>', 'OSV records: a folder of .json records, a zip (osv.dev all.zip) or a folder of zips').env('EMBARGO_OSV'))
      .addOption(new Option('--format <format>', 'output format').choices(SCAN_FORMATS).default('table'))
      .addOption(new Option('--cache <file>', 'the local OSV cache file (default: one per OSV source in $EMBARGO_CACHE_DIR, else ~/.cache/embargo)'))
      .addOption(new Option('--no-cache', 'read the OSV source every time, without a cache file'))
      .addOption(new Option('--allow-missing', 'report ecosystems the OSV data has no records of as unchecked without failing (exit 2 otherwise)'))
      .addHelpText('after', `\n${OSV_DATA_HELP}\nA folder of them works: --osv ~/osv holding npm/all.zip, PyPI/all.zip, … (or npm.zip, PyPI.zip).`)
      .action(async (paths: string[], opts: { osv?: string; format: ScanFormat; cache?: string | boolean; allowMissing?: boolean }) => {
        const io: ScanIo = {
          out: (text) => void process.stdout.write(`${text}\n`),
          err: (text) => void process.stderr.write(`${text}\n`),
          ...(process.stderr.isTTY ? { progress: (text: string) => void process.stderr.write(`\r${text}`) } : {}),
        };
        const osv = opts.osv ?? '';
        const cache = opts.cache === false || !osv ? undefined : typeof opts.cache === 'string' ? opts.cache : defaultCacheFile(osv, process.env);
        process.exitCode = await runScan(paths, { osv, format: opts.format, ...(cache ? { cache } : {}), ...(opts.allowMissing ? { allowMissing: true } : {}) }, io);
      }),
  );
}
