// @ts-check
/**
 * What each build in dist/ was made from, and whether it is still current.
 *
 * A build (scripts/build.ts) writes `dist/<target>-build.json`: every input file with its size, mtime and SHA-256,
 * and the folders whose every file is an input (web/, where a new file may be picked up without any import).
 * A target is current when its output exists, no file appeared in or left those folders, and every input has its
 * recorded size and either its recorded mtime or, when only the mtime moved (a checkout, a touch), its recorded
 * content; the stamp then takes the new mtimes, so the next check is stat-only again.
 *
 * Plain JavaScript, so that `npm start` (prestart) and the bins of a source checkout check in a few milliseconds
 * without loading tsx; only a stale target costs a build (`node --import tsx scripts/build.ts --if-stale TARGET…`).
 *
 *   node scripts/dist-stamp.mjs app web     builds the stale ones of these targets, silent when all are current
 */
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';

export const REPO = join(import.meta.dirname, '..');
// Loaded only when needed (a changed mtime, a build): the bins of a checkout run this check before every command.
const require = createRequire(import.meta.url);

/** @typedef {{ size: number, mtimeMs: number, sha256: string }} InputRecord */
/** @typedef {{ output: string, dirs: string[], files: Record<string, InputRecord> }} Stamp */

/** The file that must exist for each target, and where its stamp lives (repository-relative). */
export const TARGETS = /** @type {const} */ ({
  app: { output: 'dist/app/cli.js', stamp: 'dist/app-build.json' },
  web: { output: 'dist/web/index.html', stamp: 'dist/web-build.json' },
});

/** @param {string} file */
const sha256 = (file) => /** @type {typeof import('node:crypto')} */ (require('node:crypto')).createHash('sha256').update(readFileSync(join(REPO, file))).digest('hex');

/** Repository-relative paths ('/'-separated) of every file under `dir`, sorted. @param {string} dir @returns {string[]} */
export function filesUnder(dir) {
  return readdirSync(join(REPO, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(`${dir}/${e.name}`) : [`${dir}/${e.name}`]))
    .sort();
}

/**
 * Records `files` (repository-relative) as the inputs of `target`'s build, `dirs` as folders whose file list is an input.
 * @param {keyof typeof TARGETS} target @param {Iterable<string>} files @param {string[]} [dirs]
 */
export function writeStamp(target, files, dirs = []) {
  /** @type {Record<string, InputRecord>} */
  const records = {};
  for (const file of [...new Set([...files, ...dirs.flatMap(filesUnder)])].map((f) => f.split(sep).join('/')).sort()) {
    const st = statSync(join(REPO, file));
    records[file] = { size: st.size, mtimeMs: st.mtimeMs, sha256: sha256(file) };
  }
  save(TARGETS[target].stamp, { output: TARGETS[target].output, dirs, files: records });
}

/** @param {string} path @param {Stamp} stamp */
function save(path, stamp) {
  const tmp = join(REPO, `${path}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(stamp)}\n`);
  renameSync(tmp, join(REPO, path));
}

/** Why `target` must be rebuilt, or null when its build is current. @param {keyof typeof TARGETS} target */
export function staleReason(target) {
  const { output, stamp: stampPath } = TARGETS[target];
  if (!existsSync(join(REPO, output))) return `${output} is missing`;
  /** @type {Stamp} */
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(REPO, stampPath), 'utf8'));
    if (!stamp.files || !Array.isArray(stamp.dirs)) throw new Error('old format');
  } catch {
    return `${stampPath} is missing or unreadable`;
  }
  for (const dir of stamp.dirs) {
    for (const file of existsSync(join(REPO, dir)) ? filesUnder(dir) : []) {
      if (!stamp.files[file]) return `${file} is new`;
    }
  }
  let touched = false;
  for (const [file, rec] of Object.entries(stamp.files)) {
    const st = statSync(join(REPO, file), { throwIfNoEntry: false });
    if (!st) return `${file} is gone`;
    if (st.size !== rec.size) return `${file} changed`;
    if (st.mtimeMs === rec.mtimeMs) continue;
    if (sha256(file) !== rec.sha256) return `${file} changed`;
    rec.mtimeMs = st.mtimeMs;
    touched = true;
  }
  if (touched) {
    try {
      save(stampPath, stamp);
    } catch {
      // A read-only checkout: the next check hashes again, nothing worse.
    }
  }
  return null;
}

/**
 * Builds the stale ones of `targets` (a child process: the build needs tsx, esbuild and Vite, the check does not).
 * @param {(keyof typeof TARGETS)[]} targets @param {{ quiet?: boolean }} [opts]
 */
export function ensureBuilt(targets, opts = {}) {
  const stale = targets.filter((t) => staleReason(t) !== null);
  if (!stale.length) return;
  const { spawnSync } = /** @type {typeof import('node:child_process')} */ (require('node:child_process'));
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'scripts', 'build.ts'), '--if-stale', ...stale], {
    cwd: REPO,
    stdio: opts.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
  if (run.status !== 0) throw new Error(`the build of ${stale.join(' and ')} failed (node --import tsx scripts/build.ts ${stale.join(' ')})`);
}

if (process.argv[1] === import.meta.filename) {
  const targets = process.argv.slice(2);
  const unknown = targets.filter((t) => !(t in TARGETS));
  if (unknown.length || !targets.length) {
    process.stderr.write(`usage: node scripts/dist-stamp.mjs ${Object.keys(TARGETS).join('|')}…\n`);
    process.exit(2);
  }
  try {
    ensureBuilt(/** @type {(keyof typeof TARGETS)[]} */ (targets));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
