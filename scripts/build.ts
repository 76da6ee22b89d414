/**
 * Builds what `npm start`, the `embargo` bins and the packed tarball run, into dist/:
 *
 *   app  esbuild: src/server/main.ts, src/cli/main.ts and the parse worker → dist/app/{server,cli,parse-worker}.js
 *        and the chunks they share (ESM, Node 20, npm packages left as imports: they are the runtime dependencies)
 *   web  Vite: web/ (vite.config.ts) → dist/web/
 *
 *   node --import tsx scripts/build.ts [app] [web]              builds them (both when none is named)
 *   node --import tsx scripts/build.ts --if-stale [app] [web]   builds only those missing or out of date
 *
 * Each build records its inputs in dist/<target>-build.json (scripts/dist-stamp.mjs); `--if-stale` compares them.
 * The app's inputs are its module graph as esbuild read it, plus this script and the package files; the UI's are
 * every file under web/, its module graph outside node_modules (it imports src/core), vite.config.ts and the
 * package files. Type-checking is `npm run typecheck`'s job: esbuild only strips types (whole app: ~0.2 s).
 *
 * The app is written file by file (each to a temporary name, then renamed), then files of earlier builds are
 * removed, so a process starting meanwhile reads either build, never half a file. A UI rebuild empties
 * dist/web first, which would pull the files from under a server serving them: the test tiers use `--if-stale`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';
import { REPO, staleReason, TARGETS, writeStamp } from './dist-stamp.mjs';

// vite.config.ts names its root relative to the working directory.
process.chdir(REPO);
const PACKAGE_FILES = ['package.json', 'package-lock.json'];
const APP_OUT = join(REPO, 'dist', 'app');

type Target = keyof typeof TARGETS;

/** The bundle's entry points: dist/app/<name>.js. The parse pool finds the worker beside itself (parse-pool.ts). */
const APP_ENTRIES = {
  server: 'src/server/main.ts',
  cli: 'src/cli/main.ts',
  'parse-worker': 'src/adapters/workers/parse-worker.ts',
};

/** Packages bundled into dist/app rather than imported at run time (still dependencies: src imports them). */
const BUNDLED = new Set(['kysely', '@sinclair/typebox', '@fastify/type-provider-typebox']);
const { dependencies } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const EXTERNAL = Object.keys(dependencies)
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

async function buildApp(): Promise<void> {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: APP_ENTRIES,
    outdir: APP_OUT,
    // Every chunk beside the entries, so `new URL('./parse-worker.js', import.meta.url)` holds in any of them.
    chunkNames: 'chunk-[hash]',
    bundle: true,
    // `import()` of a module stays a separate chunk, loaded when called: the CLI loads one command's code.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm packages stay imports (they are the runtime dependencies), except the pure-ESM libraries of many small
    // modules that the server loads at every start (TypeBox and Kysely: ~1,900 module resolutions); bundled, the
    // parts used join the chunks.
    external: EXTERNAL,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(APP_OUT, { recursive: true });
  const written = new Set<string>();
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
    written.add(relative(APP_OUT, file.path));
  }
  for (const name of readdirSync(APP_OUT)) if (!written.has(name)) rmSync(join(APP_OUT, name), { recursive: true, force: true });
  // Bundled packages change with package-lock.json, an input too.
  const modules = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/'));
  writeStamp('app', [...modules, ...PACKAGE_FILES, 'scripts/build.ts', 'scripts/dist-stamp.mjs']);
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
        if (!isAbsolute(path) || !path.startsWith(REPO + sep) || path.includes(`${sep}node_modules${sep}`)) continue;
        modules.add(relative(REPO, path));
      }
    },
  };
  await build({ configFile: join(REPO, 'vite.config.ts'), logLevel: 'warn', plugins: [recordInputs] });
  writeStamp('web', [...[...modules].filter((f) => existsSync(join(REPO, f))), 'vite.config.ts', ...PACKAGE_FILES], ['web']);
}

const BUILDERS: Record<Target, () => Promise<void>> = { app: buildApp, web: buildWeb };

const args = process.argv.slice(2);
const ifStale = args.includes('--if-stale');
const named = args.filter((a) => !a.startsWith('--'));
for (const a of named) {
  if (!(a in BUILDERS)) {
    process.stderr.write(`build: unknown target ${a} (app, web)\n`);
    process.exit(2);
  }
}
const targets = (named.length ? named : Object.keys(BUILDERS)) as Target[];
for (const target of targets) {
  if (ifStale) {
    const reason = staleReason(target);
    if (!reason) continue;
    process.stdout.write(`Building ${dirname(TARGETS[target].output)}: ${reason}.\n`);
  }
  await BUILDERS[target]();
}
