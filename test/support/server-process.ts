import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { ensureBuilt } from '../../scripts/dist-stamp.mjs';
import { REPO } from './fixtures.ts';

/** A free TCP port on 127.0.0.1: listen on port 0, read the port, close; the caller reuses it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return address.port;
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null if killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** Kills the process (SIGKILL unless told) and waits for it to be reaped. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Variables of the test process that must not leak into a server under test. */
const SCRUB = /^(DATABASE_URL|DATA_DIR|PORT|HOST|EMBARGO_.*|NODE_TEST_CONTEXT|NODE_OPTIONS)$/;

/**
 * Starts the real server as `npm start` runs it, compiled (`node dist/app/server.js`, no tsx), as a child process.
 * The build is brought up to date first (a stat per input when it is: scripts/dist-stamp.mjs), so a test file run
 * alone after an edit does not test an old build.
 */
export function spawnServer(env: Record<string, string>): ServerProcess {
  ensureBuilt(['app'], { quiet: true });
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUB.test(k)) base[k] = v;
  const child = spawn(process.execPath, ['dist/app/server.js'], {
    cwd: REPO,
    env: { ...base, EMBARGO_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  if (child.pid === undefined) throw new Error('server process did not start');
  return {
    child,
    pid: child.pid,
    baseUrl: `http://${env.HOST ?? '127.0.0.1'}:${env.PORT ?? '8080'}`,
    stdout: () => out,
    stderr: () => err,
    exited,
    hasExited: () => done,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

/** Polls /healthz until it answers 200; fails early if the process exits, and after `timeoutMs`. */
export async function waitForHealthy(server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const { code, signal } = await server.exited;
      throw new Error(`server exited before becoming healthy (code ${code}, signal ${signal})\nstdout:\n${server.stdout()}\nstderr:\n${server.stderr()}`);
    }
    try {
      const res = await fetch(`${server.baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.kill();
  throw new Error(`server not healthy within ${timeoutMs} ms\nstdout:\n${server.stdout()}\nstderr:\n${server.stderr()}`);
}

/** Starts a server and waits until it is healthy (or throws with its output). */
export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const server = spawnServer(env);
  await waitForHealthy(server, timeoutMs);
  return server;
}

/** Waits for a process to exit, killing it after `timeoutMs`. */
export async function waitForExit(server: ServerProcess, timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const result = await Promise.race([server.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') return { ...(await server.kill()), timedOut: true };
  return { ...result, timedOut: false };
}
