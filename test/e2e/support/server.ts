import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { simpleParser, type ParsedMail } from 'mailparser';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedPgliteDataDir } from '../../support/db-template.ts';
import { examplePolicy } from '../../support/fixtures.ts';
import { freePort, startServer, type ServerProcess } from '../../support/server-process.ts';

/**
 * The real server (compiled: `dist/app/server.js`) as a child process on the embedded database in a temp DATA_DIR, on an
 * ephemeral port, seeded through its own HTTP API the way an operator would: the one-time setup token from its
 * output, the first admin, projects from the example policies, and maintainers with roles (`startE2eServer`);
 * or left as at first start (`startEmptyE2eServer`).
 */

export const PASSWORD = 'correct horse battery staple';
/** Small enough that a test can pick a file over it without writing megabytes. */
export const MAX_ATTACHMENT_BYTES = 200_000;

export interface Maintainer {
  email: string;
  name: string;
  token: string;
}

export interface E2eServer {
  baseUrl: string;
  process: ServerProcess;
  /** DATA_DIR: without a relay, the outbox (when EMBARGO_JOBS is on) delivers to its development maildir. */
  dataDir: string;
  /** The site admin's API token. */
  adminToken: string;
  /** A JSON API call with a Bearer token (throws on a non-2xx answer, with the body). */
  api<T = unknown>(token: string, method: string, path: string, body?: unknown): Promise<T>;
  /** Creates a user with a role on a project and returns an API token of theirs. */
  addMaintainer(slug: string, role: 'admin' | 'triager' | 'viewer', email: string, name: string): Promise<Maintainer>;
  stop(): Promise<void>;
}

async function call<T>(baseUrl: string, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  const body = (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return { status: res.status, body, headers: res.headers };
}

/** Signs in with a password (cookie session) and creates an API token with it, as a person would. */
async function tokenFor(baseUrl: string, email: string): Promise<string> {
  const session = await call<{ csrf_token: string }>(baseUrl, 'POST', '/api/v1/session', { body: { email, password: PASSWORD } });
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await call<{ token: string }>(baseUrl, 'POST', '/api/v1/tokens', { body: { name: 'e2e' }, headers: { cookie, 'x-csrf-token': session.body.csrf_token } });
  return created.body.token;
}

/** A server as it is at first start: no user, no project, and the one-time setup token it printed. */
export interface EmptyE2eServer {
  baseUrl: string;
  process: ServerProcess;
  dataDir: string;
  /** Read from the server's output, as an operator would. */
  setupToken: string;
  stop(): Promise<void>;
}

/**
 * Starts the real server on an empty store and reads its setup token; nothing is seeded. `startE2eServer` builds
 * on it; test/e2e/first-run.test.ts uses it alone, to set the instance up in the browser.
 */
export async function startEmptyE2eServer(env: Record<string, string> = {}): Promise<EmptyE2eServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'embargo-e2e-'));
  // An empty store with the migrations already applied (a copy of the run's template): the server's first start
  // on a truly empty directory is covered by the integration tier (readme-walkthrough, durability, cli).
  await seedPgliteDataDir(dataDir);
  const port = await freePort();
  // A cold start is slow on a busy machine.
  const proc = await startServer({
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    EMBARGO_JOBS: 'off',
    EMBARGO_INTAKE_RATE_LIMIT: '1000',
    EMBARGO_MAX_ATTACHMENT_BYTES: String(MAX_ATTACHMENT_BYTES),
    EMBARGO_MAX_ATTACHMENTS: '3',
    ...env,
  }, 180_000);
  const stop = async () => {
    await proc.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    return { baseUrl: proc.baseUrl, process: proc, dataDir, setupToken: await setupTokenOf(proc), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The token the server prints after it starts listening (so it may reach the pipe just after /healthz answers). */
async function setupTokenOf(proc: ServerProcess, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const token = /setup_[A-Za-z0-9_-]+/.exec(proc.stdout())?.[0];
    if (token) return token;
    if (Date.now() > deadline) throw new Error(`no setup token in the server output:\n${proc.stdout()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startE2eServer(projects: string[], env: Record<string, string> = {}): Promise<E2eServer> {
  const empty = await startEmptyE2eServer(env);
  const { baseUrl, setupToken } = empty;
  try {
    await call(baseUrl, 'POST', '/api/v1/setup', { body: { token: setupToken, email: 'root@example.org', name: 'Site Admin', password: PASSWORD } });
    const adminToken = await tokenFor(baseUrl, 'root@example.org');
    const api = async <T>(token: string, method: string, path: string, body?: unknown) =>
      (await call<T>(baseUrl, method, path, { ...(body !== undefined ? { body } : {}), headers: { authorization: `Bearer ${token}` } })).body;
    for (const name of projects) await api(adminToken, 'POST', '/api/v1/projects', { policy_yaml: examplePolicy(name) });
    return {
      baseUrl,
      process: empty.process,
      dataDir: empty.dataDir,
      adminToken,
      api,
      async addMaintainer(slug, role, email, name) {
        await api(adminToken, 'POST', '/api/v1/users', { email, name, password: PASSWORD });
        await api(adminToken, 'PUT', `/api/v1/projects/${slug}/members`, { email, role });
        return { email, name, token: await tokenFor(baseUrl, email) };
      },
      stop: empty.stop,
    };
  } catch (e) {
    await empty.stop();
    throw e;
  }
}

/** Waits for the outbox to deliver a mail to `to` into the server's development maildir, and parses it. */
export async function mailTo(server: E2eServer, to: string, timeoutMs = 30_000): Promise<ParsedMail> {
  const dir = join(server.dataDir, 'maildir', 'new');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // The maildir appears with the first mail.
    }
    for (const name of names) {
      const mail = await simpleParser(readFileSync(join(dir, name)));
      const rcpt = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
      if (rcpt.some((a) => a.address === to)) return mail;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} in ${dir}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
