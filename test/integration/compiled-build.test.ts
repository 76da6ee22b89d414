import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { seedPgliteDataDir } from '../support/db-template.ts';
import { examplePolicy, REPO } from '../support/fixtures.ts';
import { tempDir } from '../support/harness.ts';

/**
 * The compiled build (scripts/build.ts → dist/app/) as it ships: run with plain `node` (no tsx loader), and the
 * packed tarball's file list. `npm run test:integration` builds dist/ first when it is missing or stale.
 */

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** The test runner's environment without its loader (NODE_OPTIONS) and without settings meant for the tests. */
const plainEnv = (extra: Record<string, string> = {}): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(NODE_OPTIONS|NODE_TEST_CONTEXT|EMBARGO_.*|DATA_DIR|DATABASE_URL)$/.test(k)) env[k] = v;
  return { ...env, ...extra };
};

/** A module-resolution hook that prints every URL the process (main thread) resolves as `RESOLVED <url>`. */
const HOOKS = `export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('RESOLVED ' + r.url + '\\n'); return r; }`;
const TRACE = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`)}`;

interface Traced {
  status: number | null;
  stdout: string;
  stderr: string;
  resolved: string[];
}

function runTraced(args: string[], env: Record<string, string> = {}): Traced {
  const run = spawnSync(process.execPath, ['--import', TRACE, ...args], { cwd: REPO, env: plainEnv(env), encoding: 'utf8', timeout: 120_000 });
  const lines = run.stderr.split('\n');
  return {
    status: run.status,
    stdout: run.stdout,
    stderr: lines.filter((l) => !l.startsWith('RESOLVED ')).join('\n'),
    resolved: lines.filter((l) => l.startsWith('RESOLVED ')).map((l) => l.slice('RESOLVED '.length)),
  };
}

/** What no light command may load: the TypeScript loader, the database engines, OpenPGP, the web framework. */
const HEAVY = /\/node_modules\/(tsx|esbuild|typescript|@electric-sql\/pglite|pg|pg-pool|kysely|openpgp|fastify|@fastify\/[^/]+|mailparser|nodemailer|smtp-server)\//;

describe('the compiled CLI runs with plain node', () => {
  for (const entry of ['dist/app/cli.js', 'bin/embargo.mjs']) {
    test(`${entry} --help lists every command without loading a command module, tsx or a heavy package`, () => {
      const run = runTraced([entry, '--help']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^Usage: embargo \[options\] \[command\]/);
      assert.match(run.stdout, /scan \[options\] <paths\.\.\.>\s+check lockfiles/);
      assert.match(run.stdout, /sla \[options\] <slug>/);
      assert.deepEqual(run.resolved.filter((u) => HEAVY.test(u) || u.endsWith('.ts')), []);
      assert.ok(run.resolved.some((u) => u.endsWith('/dist/app/cli.js')), 'the compiled CLI ran');
    });
  }

  test('embargo cvss scores a vector on the compiled build, still without the database, OpenPGP or Fastify', () => {
    const run = runTraced(['bin/embargo.mjs', 'cvss', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^CVSS 3\.1\s+9\.8\s+CRITICAL/);
    assert.deepEqual(run.resolved.filter((u) => HEAVY.test(u) || u.endsWith('.ts')), []);
  });

  test('a policy over 16 KB is parsed by the compiled parse worker (dist/app/parse-worker.js), without tsx', async () => {
    const dataDir = tempDir();
    await seedPgliteDataDir(dataDir);
    const file = join(tempDir(), 'big.yaml');
    const padding = Array.from({ length: 400 }, (_, i) => `# padding ${i}: over the 16 KB the request thread parses itself`).join('\n');
    writeFileSync(file, `${examplePolicy('privastream')}\n${padding}\n`);
    const run = runTraced(['dist/app/cli.js', 'project', 'load', file], { DATA_DIR: dataDir });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Created project privastream/);
    assert.deepEqual(run.resolved.filter((u) => /\/node_modules\/(tsx|esbuild)\//.test(u) || u.endsWith('.ts')), []);
  });
});

describe('the packed tarball (npm pack)', () => {
  const packed = (): string[] => {
    // --ignore-scripts: no prepack build here, the tiers built dist/ already (and a UI rebuild would empty
    // dist/web under the other test files).
    const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, env: plainEnv(), encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const [info] = JSON.parse(run.stdout) as { files: { path: string }[] }[];
    assert.ok(info);
    return info.files.map((f) => f.path);
  };
  let files: string[] = [];

  test('holds the bins, the compiled app, the built UI and the package files, and no sources, tests or build records', () => {
    files = packed();
    for (const f of ['package.json', 'README.md', 'bin/embargo.mjs', 'bin/embargo-server.mjs', 'dist/app/server.js', 'dist/app/cli.js', 'dist/app/parse-worker.js', 'dist/web/index.html']) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    for (const f of readdirSync(join(REPO, 'dist', 'app'))) assert.ok(files.includes(`dist/app/${f}`), `dist/app/${f} is packed`);
    assert.ok(files.some((f) => /^dist\/web\/assets\/.+\.js$/.test(f)), 'the UI bundle is packed');
    const unwanted = files.filter((f) => /^(src|test|scripts|bench|web|data|\.ci)\//.test(f) || /\.(ts|mts|cts|tsx)$/.test(f) || /\.test\./.test(f) || /-build\.json$/.test(f));
    assert.deepEqual(unwanted, []);
  });

  test('its compiled app holds every migration and imports only node builtins and runtime dependencies', () => {
    if (!files.length) files = packed();
    const code = files.filter((f) => f.startsWith('dist/app/') && f.endsWith('.js')).map((f) => readFileSync(join(REPO, f), 'utf8'));
    const all = code.join('\n');
    for (const m of readdirSync(join(REPO, 'src', 'adapters', 'db', 'migrations')).filter((f) => f.endsWith('.ts'))) {
      assert.ok(all.includes(`"${m.replace(/\.ts$/, '')}"`), `migration ${m} is in the compiled app`);
    }
    // esbuild prints one statement per line: `import … from "x";`, `export … from "x";`, `import "x";`, `import("x")`.
    const statements = [/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)";$/gm, /^import\s*"([^"]+)";$/gm, /\bimport\("([^"]+)"\)/g];
    const specifiers = new Set(statements.flatMap((re) => [...all.matchAll(re)].map((m) => m[1] ?? '')));
    const packages = [...specifiers].filter((s) => !s.startsWith('.') && !isBuiltin(s)).map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2) : s.split('/').slice(0, 1)).join('/'));
    assert.ok(packages.includes('fastify') && packages.includes('@electric-sql/pglite'), 'the scan found the bundle imports');
    assert.deepEqual([...new Set(packages.filter((p) => !(p in pkg.dependencies)))].sort(), [], 'imported but not a runtime dependency');
  });
});
