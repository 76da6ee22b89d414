import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { ensureBuilt } from '../../scripts/dist-stamp.mjs';
import { sealArchive } from '../../src/adapters/archive/envelope.ts';
import { writeTar } from '../../src/adapters/archive/tar.ts';
import { generateProjectKey } from '../../src/adapters/pgp/keys.ts';
import { createBackup } from '../../src/services/backup/backup.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';
import { join } from 'node:path';
import { loadConfig } from '../../src/server/config.ts';
import { createServiceContext } from '../../src/server/service-context.ts';
import { openDatabase } from '../../src/adapters/db/open-database.ts';
import { createUser } from '../../src/services/access/users.ts';
import { createApiToken } from '../../src/services/access/tokens.ts';
import { verifyAudit } from '../../src/services/audit/audit-log.ts';
import { readBackup } from '../../src/services/backup/restore.ts';
import { createPgDatabase, ENGINES, startTestRuntime, tempDir } from '../support/harness.ts';
import { examplePolicy, REPO, submit, validReport } from '../support/fixtures.ts';
import { freePort, startServer, waitForExit, type ServerProcess } from '../support/server-process.ts';
import { runEmbargo, type CliRun } from '../support/cli-process.ts';

/**
 * Backup while the server takes a burst of submissions, restore into a fresh place, prove the copy (issue 21):
 * every report acknowledged before the backup began is there, nothing is there that was never acknowledged,
 * counts equal the manifest, the audit chain verifies, and a server on the restored store serves every report.
 */

const START_TIMEOUT = 60_000;
const PASSPHRASE = 'backup test passphrase 1';
const BURST = 200;

type Run = CliRun;

/** The installed CLI (bin/embargo.mjs over the build startServer brought up to date), async so the burst goes on. */
const embargo = (args: string[], env: Record<string, string>): Promise<Run> => runEmbargo(args, env, { timeoutMs: 180_000 });

async function serverEnv(base: Record<string, string>): Promise<Record<string, string>> {
  return { ...base, PORT: String(await freePort()), HOST: '127.0.0.1', EMBARGO_INTAKE_RATE_LIMIT: '100000', EMBARGO_LOG_LEVEL: 'error' };
}

/** A site admin and an API token, written into the store before any server opens it. */
async function bootstrapAdmin(env: Record<string, string>): Promise<string> {
  const config = loadConfig(env);
  const database = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const ctx = createServiceContext(config, database.db);
  try {
    const user = await createUser(ctx, { email: 'ops@example.org', name: 'Ops', password: 'correct horse battery staple', siteAdmin: true }, 'test');
    return (await createApiToken(ctx, user, 'backup')).token;
  } finally {
    await ctx.parsers.close();
    await database.close();
  }
}

async function stop(server: ServerProcess) {
  server.child.kill('SIGTERM');
  const exit = await waitForExit(server, 30_000);
  assert.equal(exit.timedOut, false);
}

interface Acked {
  tracking_id: string;
  reporter_token: string;
}

for (const engine of ENGINES) {
  describe(`backup and restore on ${engine.name} (real server processes)`, () => {
    test('a backup taken during a burst of 200 submissions restores every acknowledged report and verifies', { timeout: 8 * START_TIMEOUT }, async () => {
      const base: Record<string, string> = { ...(await engine.freshEnv()), EMBARGO_POLICY_DIR: 'examples/policies' };
      const token = await bootstrapAdmin(base);
      const server = await startServer(await serverEnv(base), START_TIMEOUT);
      const out = join(tempDir('embargo-backup-'), 'instance.pgp');
      const acked: Acked[] = [];
      let ackedAtBackupStart = -1;
      try {
        let next = 0;
        let backup: Promise<Run> | null = null;
        const submitOne = async (): Promise<void> => {
          while (next < BURST) {
            const i = next++;
            if (i === 60) {
              ackedAtBackupStart = acked.length;
              backup = embargo(['backup', '--out', out], { EMBARGO_URL: server.baseUrl, EMBARGO_TOKEN: token, EMBARGO_BACKUP_PASSPHRASE: PASSPHRASE });
            }
            const res = await fetch(`${server.baseUrl}/api/v1/projects/privastream/reports`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(validReport({ title: `Burst report ${i}` })),
            });
            assert.equal(res.status, 201, await res.clone().text());
            acked.push((await res.json()) as Acked);
          }
        };
        await Promise.all(Array.from({ length: 8 }, submitOne));
        const ran = await (backup as Promise<Run> | null);
        assert.ok(ran, 'the backup ran during the burst');
        assert.equal(ran.code, 0, ran.stderr);
        assert.match(ran.stdout, /backup written to/);
        assert.equal(acked.length, BURST);

        // Not a site admin: no backup. Without a passphrase or recipient: refused before any snapshot.
        const refused = await fetch(`${server.baseUrl}/api/v1/admin/backup`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
        assert.equal(refused.status, 400);
      } finally {
        await stop(server);
      }

      // With the server stopped, the CLI backs up the store itself (database mode): all 200 reports are in it.
      const offline = join(tempDir('embargo-backup-'), 'offline.pgp');
      const direct = await embargo(['backup', '--out', offline], { ...base, EMBARGO_BACKUP_PASSPHRASE: PASSPHRASE });
      assert.equal(direct.code, 0, direct.stderr);
      assert.match(direct.stdout, new RegExp(`${BURST} reports`));
      assert.equal((await readBackup(readFileSync(offline), { passphrase: PASSPHRASE })).manifest.counts.reports, BURST);

      const backup = await readBackup(readFileSync(out), { passphrase: PASSPHRASE });
      assert.equal(backup.manifest.includes_keys, false);
      assert.equal(backup.secrets, null, 'no keys unless asked');
      await assert.rejects(readBackup(readFileSync(out), { passphrase: 'not the passphrase' }), /decrypt/);

      // The original store is not an empty target.
      const targetFlag = engine.name === 'pglite' ? ['--data-dir', base.DATA_DIR as string] : ['--database-url', base.DATABASE_URL as string];
      const clash = await embargo(['restore', out, ...targetFlag], { EMBARGO_BACKUP_PASSPHRASE: PASSPHRASE, EMBARGO_ENCRYPTION_KEYS: base.EMBARGO_ENCRYPTION_KEYS as string });
      assert.notEqual(clash.code, 0);
      assert.match(clash.stderr, /already holds a database|not empty/);

      const restored: Record<string, string> =
        engine.name === 'pglite'
          ? { DATA_DIR: tempDir('embargo-restored-') }
          : { DATA_DIR: tempDir('embargo-restored-'), DATABASE_URL: await createPgDatabase(process.env.EMBARGO_TEST_DATABASE_URL ?? '') };
      const flag = engine.name === 'pglite' ? ['--data-dir', restored.DATA_DIR as string] : ['--database-url', restored.DATABASE_URL as string];
      const run = await embargo(['restore', out, ...flag], { EMBARGO_BACKUP_PASSPHRASE: PASSPHRASE, EMBARGO_ENCRYPTION_KEYS: base.EMBARGO_ENCRYPTION_KEYS as string });
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.match(run.stdout, /restored and verified/);

      const env: Record<string, string> = { ...restored, EMBARGO_ENCRYPTION_KEYS: base.EMBARGO_ENCRYPTION_KEYS as string, EMBARGO_SESSION_SECRET: base.EMBARGO_SESSION_SECRET as string };
      const database = await openDatabase({ dataDir: env.DATA_DIR as string, databaseUrl: env.DATABASE_URL });
      let present: Set<string>;
      try {
        present = new Set((await database.db.selectFrom('reports').select('tracking_id').execute()).map((r) => r.tracking_id));
        assert.deepEqual((await verifyAudit(database.db, { full: true })).problems, []);
        assert.equal(present.size, backup.manifest.counts.reports, 'the restored reports are those the manifest counted');
        const messages = await database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(messages.n), backup.manifest.counts.audit_log);
      } finally {
        await database.close();
      }
      const ackedIds = new Set(acked.map((a) => a.tracking_id));
      for (const a of acked.slice(0, ackedAtBackupStart)) assert.ok(present.has(a.tracking_id), `${a.tracking_id}, acknowledged before the backup began, was restored`);
      for (const id of present) assert.ok(ackedIds.has(id), `${id} was acknowledged`);
      assert.ok(present.size >= ackedAtBackupStart && present.size <= BURST);

      // The restore opened every report's title and body with the keys; a server on the restored store serves them
      // to their reporters (every tenth over HTTP: each costs a request, the restore already opened them all).
      assert.match(run.stdout, new RegExp(`: ${present.size} reports open`));
      const second = await startServer(await serverEnv(env), START_TIMEOUT);
      try {
        const sample = acked.filter((a) => present.has(a.tracking_id)).filter((_, i) => i % 10 === 0);
        await Promise.all(
          sample.map(async (a) => {
            const res = await fetch(`${second.baseUrl}/api/v1/reporter/${a.reporter_token}`);
            assert.equal(res.status, 200);
            assert.equal(((await res.json()) as { tracking_id: string }).tracking_id, a.tracking_id);
          }),
        );
      } finally {
        await stop(second);
      }
    });

    test('with --include-keys, encrypted to an OpenPGP key: the archive and the private key alone restore it', { timeout: 4 * START_TIMEOUT }, async () => {
      ensureBuilt(['app'], { quiet: true });
      const dir = tempDir('embargo-backup-keys-');
      const rt = await startTestRuntime(engine);
      // Made at the runtime's clock, as keys are checked against it.
      const ops = await generateProjectKey({ projectName: 'Ops', email: 'ops@example.org', now: rt.clock.now });
      let trackingId: string;
      try {
        await savePolicy(rt.ctx, examplePolicy('privastream'), 'test');
        trackingId = (await submit(rt)).tracking_id;
        const made = await createBackup(rt.ctx, 'cli', { recipients: [ops.publicKeyArmored], includeKeys: true });
        assert.equal(made.manifest.includes_keys, true);
        assert.equal(made.manifest.counts.reports, 1);
        writeFileSync(join(dir, 'b.pgp'), made.archive);
        const audit = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'instance.backup').executeTakeFirstOrThrow();
        assert.equal((audit.data as { includes_keys: boolean }).includes_keys, true);
        assert.deepEqual((audit.data as { encrypted_to: unknown }).encrypted_to, { passphrase: false, recipients: [ops.fingerprint] });

        // Another key cannot open it; a manifest naming a migration this version lacks is refused.
        const stranger = await generateProjectKey({ projectName: 'Other', email: 'other@example.org', now: rt.clock.now });
        await assert.rejects(readBackup(made.archive, { privateKey: stranger.privateKeyArmored }), /decrypt/);
        const future = writeTar([{ name: 'manifest.json', data: Buffer.from(JSON.stringify({ ...made.manifest, last_migration: '9999-future' })) }, { name: made.manifest.database_file, data: Buffer.alloc(1) }]);
        await assert.rejects(readBackup(await sealArchive(future, { passphrase: PASSPHRASE }), { passphrase: PASSPHRASE }), /cannot be restored by this version/);
      } finally {
        await rt.close();
      }
      writeFileSync(join(dir, 'ops.asc'), ops.privateKeyArmored);
      const target = engine.name === 'pglite' ? ['--data-dir', join(dir, 'restored')] : ['--database-url', await createPgDatabase(process.env.EMBARGO_TEST_DATABASE_URL ?? ''), '--keys-out', join(dir, 'keys.env')];
      const run = await embargo(['restore', join(dir, 'b.pgp'), ...target, '--key', join(dir, 'ops.asc')], {});
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.match(run.stdout, /: 1 reports open/);
      const key = (rt.env.EMBARGO_ENCRYPTION_KEYS as string).split(':')[1];
      const written = engine.name === 'pglite' ? (JSON.parse(readFileSync(join(dir, 'restored', 'secrets.json'), 'utf8')) as { key: string }).key : readFileSync(join(dir, 'keys.env'), 'utf8');
      assert.ok(written.includes(key as string), 'the restored keys are the instance\'s');
      assert.ok(trackingId);
    });
  });
}
