/**
 * Start-up benchmark: how far above a bare `node` do the CLI and the server start?
 *
 *   npm run bench:startup                     (= node --import tsx bench/startup.ts)
 *   BENCH_ROUNDS=10 npm run bench:startup
 *
 * Each row is a child process timed from spawn to exit (CLI) or to the first 200 from /healthz (server, polled every
 * 10 ms) on a data directory that already exists (created and migrated by a first start before the rounds). Rows are
 * interleaved round by round, so load from elsewhere hits them alike; the table gives medians and the best round,
 * and every ratio is against `node -e ''` measured in the same rounds; the server's floor is the embedded
 * database's own opening (a process that opens PGlite on the same directory and runs one query). The tsx rows run this checkout's TypeScript
 * directly (transpiled at every start), as everything ran before the compiled build. With BENCH_BASELINE set to
 * another checkout (e.g. `git archive <commit>` unpacked, with node_modules linked), its bin and its server under
 * tsx are measured too, as they were before.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureBuilt, REPO } from '../scripts/dist-stamp.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** CLI runs per row and round (the round's figure is their median). */
const CLI_RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const HELP_AIM = 2;
const SERVER_AIM_MS = 2000;

const node = process.execPath;
/** The environment of every child: no loader or test settings inherited from whoever runs the bench. */
const childEnv = (extra: Record<string, string> = {}): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(NODE_OPTIONS|EMBARGO_.*|DATA_DIR|DATABASE_URL|PORT|HOST)$/.test(k)) env[k] = v;
  return { ...env, ...extra };
};

interface Row {
  name: string;
  kind: 'cli' | 'server';
  argv: string[];
  cwd: string;
  samples: number[];
}

const BASELINE = process.env.BENCH_BASELINE;
const cli = (name: string, argv: string[], cwd = REPO): Row => ({ name, kind: 'cli', argv, cwd, samples: [] });
const server = (name: string, argv: string[], cwd = REPO): Row => ({ name, kind: 'server', argv, cwd, samples: [] });

ensureBuilt(['app', 'web']);
const dataDir = mkdtempSync(join(tmpdir(), 'embargo-bench-startup-'));
/** The embedded database's own opening: PGlite on the same data directory, and one query. */
const PGLITE_OPEN = `const { PGlite } = await import('@electric-sql/pglite'); const db = await PGlite.create({ dataDir: ${JSON.stringify(join(dataDir, 'pglite'))} }); await db.query('select count(*) from reports'); await db.close();`;

const ROWS: Row[] = [
  cli("node -e ''", [node, '-e', '']),
  cli('embargo --help (bin, checkout)', [node, 'bin/embargo.mjs', '--help']),
  cli('embargo --help (dist/app/cli.js)', [node, 'dist/app/cli.js', '--help']),
  cli('embargo cvss VECTOR (bin, checkout)', [node, 'bin/embargo.mjs', 'cvss', VECTOR]),
  cli('embargo --help (tsx, source)', [node, '--import', 'tsx', 'src/cli/main.ts', '--help']),
  cli('embargo cvss VECTOR (tsx, source)', [node, '--import', 'tsx', 'src/cli/main.ts', 'cvss', VECTOR]),
  ...(BASELINE ? [cli('baseline: embargo --help (its bin)', [node, 'bin/embargo.mjs', '--help'], BASELINE), cli('baseline: embargo cvss VECTOR (its bin)', [node, 'bin/embargo.mjs', 'cvss', VECTOR], BASELINE)] : []),
  cli('floor: PGlite open + 1 query (same dir)', [node, '--input-type=module', '-e', PGLITE_OPEN]),
  server('server: node dist/app/server.js', [node, 'dist/app/server.js']),
  server('server: npm start (check + dist)', ['npm', 'start', '--silent']),
  server('server: tsx (source)', [node, '--import', 'tsx', 'src/server/main.ts']),
  ...(BASELINE ? [server('baseline: server (tsx)', [node, '--import', 'tsx', 'src/server/main.ts'], BASELINE)] : []),
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

function timeCli(argv: string[], cwd: string): number {
  const [cmd = '', ...args] = argv;
  const t0 = performance.now();
  const run = spawnSync(cmd, args, { cwd, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (run.status !== 0) throw new Error(`${argv.join(' ')} exited ${run.status}: ${run.stderr.toString()}`);
  return ms;
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const address = s.address();
  await new Promise((r) => s.close(r));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Milliseconds from spawn to the first 200 from /healthz; the process (group) is stopped after. */
async function timeServer(argv: string[], dataDir: string, cwd = REPO): Promise<number> {
  const port = await freePort();
  const [cmd = '', ...args] = argv;
  const t0 = performance.now();
  // Its own process group, so that `npm start` and the node it runs are stopped together.
  const child = spawn(cmd, args, { cwd, env: childEnv({ DATA_DIR: dataDir, PORT: String(port), EMBARGO_LOG_LEVEL: 'warn' }), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  try {
    for (;;) {
      if (exited) throw new Error(`${argv.join(' ')} exited before answering: ${stderr}`);
      if (performance.now() - t0 > 120_000) throw new Error(`${argv.join(' ')} did not answer within 120 s`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.status === 200) return performance.now() - t0;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    if (!exited && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exit;
  }
}

try {
  // The first start creates and migrates the data directory; every measured start finds it existing.
  await timeServer([node, 'dist/app/server.js'], dataDir);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const row of ROWS) {
      if (row.kind === 'cli') row.samples.push(median(Array.from({ length: CLI_RUNS }, () => timeCli(row.argv, row.cwd))));
      else row.samples.push(await timeServer(row.argv, dataDir, row.cwd));
    }
    process.stderr.write(`round ${round}/${ROUNDS} done\n`);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const floor = median(ROWS[0]?.samples ?? []);
const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
process.stdout.write(`Node ${process.version}, ${availableParallelism()} cores, load average ${load}; ${ROUNDS} rounds, CLI rows the median of ${CLI_RUNS} runs per round\n\n`);
process.stdout.write(`${'measurement'.padEnd(42)}${'median ms'.padStart(10)}${'best ms'.padStart(10)}${"× node -e ''".padStart(15)}\n`);
for (const row of ROWS) {
  const m = median(row.samples);
  process.stdout.write(`${row.name.padEnd(42)}${m.toFixed(0).padStart(10)}${Math.min(...row.samples).toFixed(0).padStart(10)}${(m / floor).toFixed(2).padStart(15)}\n`);
}
const rowNamed = (name: string): number[] => ROWS.find((r) => r.name === name)?.samples ?? [];
const helpRatio = median(rowNamed('embargo --help (bin, checkout)')) / floor;
const serverMs = median(rowNamed('server: node dist/app/server.js'));
const pgliteMs = median(rowNamed('floor: PGlite open + 1 query (same dir)'));
process.stdout.write(
  `\naim "embargo --help <= ${HELP_AIM}x node -e ''": ${helpRatio <= HELP_AIM ? 'met' : 'NOT MET'} (${helpRatio.toFixed(2)}x)\n` +
    `aim "server first response <= ${SERVER_AIM_MS} ms after start on an existing data directory": ${serverMs <= SERVER_AIM_MS ? 'met' : 'NOT MET'} (${serverMs.toFixed(0)} ms)\n` +
    `server first response / PGlite open alone: ${(serverMs / pgliteMs).toFixed(2)}x\n`,
);
