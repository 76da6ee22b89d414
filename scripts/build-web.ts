/**
 * Builds the web UI (vite.config.ts: web/ → dist/web/) and records what went into it in dist/web-build.json.
 *
 *   node --import tsx scripts/build-web.ts              always builds (npm run build:web)
 *   node --import tsx scripts/build-web.ts --if-stale   builds only if dist/web is missing or an input changed
 *
 * The test tiers that need the UI (integration: the authorization rows of the UI routes; e2e) run the second
 * form, so each tier passes alone on a fresh clone, and within `npm test`, which has just built the UI, nothing is
 * rebuilt (a rebuild empties dist/web, which would pull the files from under a server that is serving them).
 * The inputs are every file under web/, the build's own module graph outside node_modules (the UI imports
 * src/core modules), vite.config.ts and the package files (dependency versions); each is compared by content.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

const REPO = join(import.meta.dirname, '..');
// vite.config.ts names its root relative to the working directory.
process.chdir(REPO);
const OUT = join(REPO, 'dist', 'web');
const STAMP = join(REPO, 'dist', 'web-build.json');
const FIXED_INPUTS = ['vite.config.ts', 'package.json', 'package-lock.json'];

interface Stamp {
  inputs: string[];
  hash: string;
}

const filesUnder = (dir: string): string[] =>
  readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

/** Every input the build is known to depend on, repository-relative, sorted. */
const inputsWith = (moduleFiles: Iterable<string>): string[] => [...new Set([...FIXED_INPUTS, ...filesUnder('web'), ...moduleFiles])].sort();

function hashOf(inputs: string[]): string | null {
  const hash = createHash('sha256');
  for (const file of inputs) {
    const path = join(REPO, file);
    if (!existsSync(path) || !statSync(path).isFile()) return null; // An input is gone: the build is stale.
    hash.update(`${file}\0`).update(readFileSync(path)).update('\0');
  }
  return hash.digest('hex');
}

function staleReason(): string | null {
  if (!existsSync(join(OUT, 'index.html'))) return 'dist/web is missing';
  if (!existsSync(STAMP)) return 'dist/web has no record of its inputs';
  const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as Stamp;
  // A new file under web/ joins the inputs, so it changes the hash as well.
  if (hashOf(inputsWith(stamp.inputs)) !== stamp.hash) return 'its inputs changed';
  return null;
}

async function buildWeb(): Promise<void> {
  // Loaded only to build: the up-to-date check alone stays fast.
  const { build } = await import('vite');
  const modules = new Set<string>();
  const recordInputs: Plugin = {
    name: 'embargo-record-inputs',
    buildEnd() {
      for (const id of this.getModuleIds()) {
        const path = id.split('?')[0] ?? '';
        if (!isAbsolute(path) || !path.startsWith(REPO + sep) || path.includes(`${sep}node_modules${sep}`) || !existsSync(path)) continue;
        modules.add(relative(REPO, path));
      }
    },
  };
  await build({ configFile: join(REPO, 'vite.config.ts'), logLevel: 'warn', plugins: [recordInputs] });
  const inputs = inputsWith(modules);
  const hash = hashOf(inputs);
  if (hash) writeFileSync(STAMP, `${JSON.stringify({ inputs, hash } satisfies Stamp, null, 2)}\n`);
}

if (process.argv.includes('--if-stale')) {
  const reason = staleReason();
  if (reason) {
    process.stdout.write(`Building the web UI: ${reason}.\n`);
    await buildWeb();
  }
} else {
  await buildWeb();
}
