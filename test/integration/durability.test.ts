import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPgDatabase, tempDir } from '../support/harness.ts';
import { seedPgliteDataDir } from '../support/db-template.ts';
import { validReport } from '../support/fixtures.ts';
import { freePort, spawnServer, startServer, waitForExit, type ServerProcess } from '../support/server-process.ts';
import { openDatabase } from '../../src/adapters/db/open-database.ts';
import { verifyAudit } from '../../src/services/audit/audit-log.ts';

/**
 * Real processes, real HTTP: an acknowledged (201) report must survive the server being SIGKILLed right after
 * answering, and the next process on the same store must come up and serve it.
 */

const START_TIMEOUT = 60_000;

const secrets = () => ({
  EMBARGO_ENCRYPTION_KEYS: `dur1:${randomBytes(32).toString('base64')}`,
  EMBARGO_SESSION_SECRET: randomBytes(32).toString('base64'),
});

async function serverEnv(base: Record<string, string>): Promise<Record<string, string>> {
  return { ...base, PORT: String(await freePort()), HOST: '127.0.0.1', EMBARGO_POLICY_DIR: 'examples/policies' };
}

/** POSTs one report over real HTTP and SIGKILLs the server as soon as the 201 is in hand. */
async function submitThenKill(server: ServerProcess, title: string) {
  const res = await fetch(`${server.baseUrl}/api/v1/projects/privastream/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(validReport({ title })),
  });
  const text = await res.text();
  const killed = await server.kill('SIGKILL');
  assert.equal(res.status, 201, text);
  assert.equal(killed.signal, 'SIGKILL', 'the server was killed, not shut down');
  return JSON.parse(text) as { tracking_id: string; reporter_token: string };
}

async function assertReporterView(server: ServerProcess, token: string, trackingId: string, title: string) {
  const res = await fetch(`${server.baseUrl}/api/v1/reporter/${token}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const view = JSON.parse(text) as { tracking_id: string; title: string; state: string };
  assert.equal(view.tracking_id, trackingId);
  assert.equal(view.title, title);
  assert.equal(view.state, 'new');
}

/** Stops a server the polite way and checks it went cleanly. */
async function stop(server: ServerProcess) {
  server.child.kill('SIGTERM');
  const exit = await waitForExit(server, 30_000);
  assert.equal(exit.timedOut, false, 'server stopped within 30 s of SIGTERM');
  assert.equal(exit.code, 0, server.stderr());
}

describe('durability on PGlite (real server processes)', () => {
  test('a report acknowledged with 201 survives SIGKILL; the next process takes over the stale lock', { timeout: 4 * START_TIMEOUT }, async () => {
    const dataDir = tempDir('embargo-durability-');
    const base = { DATA_DIR: dataDir, ...secrets() };
    const lockFile = join(dataDir, 'embargo.lock');

    const first = await startServer(await serverEnv(base), START_TIMEOUT);
    try {
      assert.equal(readFileSync(lockFile, 'utf8').trim(), String(first.pid), 'the running server holds the lock');
      const title = `Durable report ${Date.now()}`;
      const submitted = await submitThenKill(first, title);
      assert.ok(existsSync(lockFile), 'SIGKILL leaves the lock file behind');
      assert.equal(readFileSync(lockFile, 'utf8').trim(), String(first.pid), 'the stale lock names the dead process');

      const second = await startServer(await serverEnv(base), START_TIMEOUT);
      try {
        assert.equal(readFileSync(lockFile, 'utf8').trim(), String(second.pid), 'the new process took the lock over');
        await assertReporterView(second, submitted.reporter_token, submitted.tracking_id, title);
        // The sequence carried on from the durable state: the next report gets the next number.
        const next = await fetch(`${second.baseUrl}/api/v1/projects/privastream/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(validReport({ title: 'After the crash' })),
        });
        assert.equal(next.status, 201);
        const nextId = ((await next.json()) as { tracking_id: string }).tracking_id;
        assert.equal(Number(nextId.split('-')[2]), Number(submitted.tracking_id.split('-')[2]) + 1);
      } finally {
        await stop(second);
      }
      assert.equal(existsSync(lockFile), false, 'a clean shutdown releases the lock');

      // With every server stopped, open the store in-process: the audit chain survived the crash intact.
      const database = await openDatabase({ dataDir });
      try {
        const audit = await verifyAudit(database.db);
        assert.deepEqual(audit.problems, []);
        const reports = await database.db.selectFrom('reports').select('tracking_id').execute();
        assert.equal(reports.length, 2);
      } finally {
        await database.close();
      }
    } finally {
      await first.kill();
    }
  });

  test('a second server on a data directory in use exits non-zero and says the directory is in use', { timeout: 3 * START_TIMEOUT }, async () => {
    const dataDir = tempDir('embargo-durability-');
    // The lock is under test here, not a first start (the test above starts on an empty directory): a migrated copy.
    await seedPgliteDataDir(dataDir);
    const base = { DATA_DIR: dataDir, ...secrets() };
    const first = await startServer(await serverEnv(base), START_TIMEOUT);
    try {
      const second = spawnServer(await serverEnv(base));
      const exit = await waitForExit(second, START_TIMEOUT);
      assert.equal(exit.timedOut, false, 'the second server gave up instead of starting');
      assert.notEqual(exit.code, 0);
      assert.notEqual(exit.code, null);
      assert.match(second.stderr(), /data directory .* is in use/i);
      assert.ok(second.stderr().includes(dataDir), `stderr names the directory: ${second.stderr()}`);
      assert.ok(second.stderr().includes(String(first.pid)), `stderr names the owner pid: ${second.stderr()}`);

      // The first server is unharmed and still holds the lock.
      assert.equal((await fetch(`${first.baseUrl}/healthz`)).status, 200);
      assert.equal(readFileSync(join(dataDir, 'embargo.lock'), 'utf8').trim(), String(first.pid));
      await stop(first);
    } finally {
      await first.kill();
    }
  });
});

const adminUrl = process.env.EMBARGO_TEST_DATABASE_URL;
describe('durability on PostgreSQL (real server processes)', { skip: adminUrl ? false : 'EMBARGO_TEST_DATABASE_URL is not set' }, () => {
  test('a report acknowledged with 201 survives SIGKILL of the server', { timeout: 3 * START_TIMEOUT }, async () => {
    const base = { DATA_DIR: tempDir('embargo-durability-'), DATABASE_URL: await createPgDatabase(adminUrl ?? ''), ...secrets() };
    const first = await startServer(await serverEnv(base), START_TIMEOUT);
    try {
      const title = `Durable report ${Date.now()}`;
      const submitted = await submitThenKill(first, title);
      const second = await startServer(await serverEnv(base), START_TIMEOUT);
      try {
        await assertReporterView(second, submitted.reporter_token, submitted.tracking_id, title);
      } finally {
        await stop(second);
      }
      const database = await openDatabase({ dataDir: base.DATA_DIR, databaseUrl: base.DATABASE_URL });
      try {
        assert.deepEqual((await verifyAudit(database.db)).problems, []);
      } finally {
        await database.close();
      }
    } finally {
      await first.kill();
    }
  });
});
