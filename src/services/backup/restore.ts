import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openArchive, type OpenWith } from '../../adapters/archive/envelope.ts';
import { readTar } from '../../adapters/archive/tar.ts';
import { createSealer } from '../../adapters/crypto/sealer.ts';
import { knownMigrations } from '../../adapters/db/migrate.ts';
import { lockDataDir } from '../../adapters/db/data-dir-lock.ts';
import { openDatabase } from '../../adapters/db/open-database.ts';
import { pgliteRestore, pgRestore } from '../../adapters/db/snapshot.ts';
import { checkManifest, countMismatches, type BackupManifest } from '../../core/backup/manifest.ts';
import { DomainError } from '../../core/errors.ts';
import { verifyAudit } from '../audit/audit-log.ts';
import { aad } from '../reports/store.ts';
import type { BackupSecrets } from './source.ts';
import { readDatabaseState } from './state.ts';

export interface OpenedBackup {
  manifest: BackupManifest;
  database: Buffer;
  /** keys.json, when the backup was made with --include-keys. */
  secrets: BackupSecrets | null;
}

/** Decrypts a backup archive and checks its manifest; nothing is written anywhere. */
export async function readBackup(sealed: Buffer, withKey: OpenWith): Promise<OpenedBackup> {
  let files: Map<string, Buffer>;
  try {
    files = readTar(await openArchive(sealed, withKey));
  } catch (e) {
    throw new DomainError('validation', (e as Error).message);
  }
  const raw = files.get('manifest.json');
  if (!raw) throw new DomainError('validation', 'The archive has no manifest.json: it is not an Embargo backup');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new DomainError('validation', 'manifest.json is not JSON');
  }
  const { manifest, problems } = checkManifest(parsed, knownMigrations());
  if (!manifest) throw DomainError.validation(problems, 'The backup manifest cannot be restored by this version');
  const database = files.get(manifest.database_file);
  if (!database) throw new DomainError('validation', `The archive lacks ${manifest.database_file}, which its manifest names`);
  const keys = files.get('keys.json');
  return { manifest, database, secrets: keys ? (JSON.parse(keys.toString('utf8')) as BackupSecrets) : null };
}

export type RestoreTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; databaseUrl: string };

export interface RestoreKeys {
  encryptionKeys: ReadonlyMap<string, Buffer>;
  activeKeyId: string;
}

export interface RestoreReport {
  migratedFrom: string | null;
  counts: Record<string, number>;
  auditEntries: number;
  reportsChecked: number;
}

/** Refuses a target that already holds a database (an operator restores into a new, empty place). */
export async function assertEmptyTarget(target: RestoreTarget): Promise<void> {
  if (target.kind === 'pglite') {
    const dir = join(target.dataDir, 'pglite');
    if (existsSync(dir) && readdirSync(dir).length) throw new DomainError('conflict', `${target.dataDir} already holds a database: restore into an empty data directory`);
    return;
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("select count(*) as n from information_schema.tables where table_schema = 'public'");
    if (Number(rows[0]?.n ?? 0) > 0) throw new DomainError('conflict', 'The target database is not empty: restore into a new, empty database');
  } finally {
    await client.end();
  }
}

/**
 * Loads a backup into an empty target, then proves it: the schema is brought to this version, every table holds
 * the rows the manifest counted, the audit chain verifies from its first entry to the manifest's head, and every
 * report's title and body open with the keys given.
 */
export async function restoreBackup(backup: OpenedBackup, target: RestoreTarget, keys: RestoreKeys): Promise<RestoreReport> {
  const { manifest } = backup;
  if ((manifest.engine === 'pglite') !== (target.kind === 'pglite')) {
    throw new DomainError('validation', `This is a backup of ${manifest.engine === 'pglite' ? 'the embedded database (restore it with --data-dir)' : 'PostgreSQL (restore it with --database-url)'}`);
  }
  const missing = manifest.key_ids.filter((id) => !keys.encryptionKeys.has(id));
  if (missing.length === manifest.key_ids.length && missing.length) {
    throw new DomainError('validation', `None of the backup's encryption keys (${manifest.key_ids.join(', ')}) is available: give the instance's keys (EMBARGO_ENCRYPTION_KEYS or its secrets.json), or a backup made with --include-keys`);
  }
  await assertEmptyTarget(target);
  if (target.kind === 'pglite') {
    // Held while the files are written, so no server or CLI opens a half-restored directory.
    const lock = lockDataDir(target.dataDir);
    try {
      await assertEmptyTarget(target);
      await pgliteRestore(join(target.dataDir, 'pglite'), backup.database);
    } finally {
      lock.release();
    }
  }
  else await pgRestore(target.databaseUrl, backup.database);

  const database = await openDatabase(target.kind === 'pglite' ? { dataDir: target.dataDir } : { dataDir: '.', databaseUrl: target.databaseUrl });
  try {
    const state = await readDatabaseState(database.db);
    const migrated = state.lastMigration !== manifest.last_migration;
    // After a migration the migrations table (and whatever a migration rewrote) may differ: check the data tables.
    const mismatches = countMismatches(manifest.counts, state.counts).filter((m) => !migrated || !m.startsWith('kysely_migration'));
    const problems: string[] = mismatches.map((m) => `row count ${m}`);
    const audit = await verifyAudit(database.db, { full: true });
    for (const p of audit.problems) problems.push(`audit seq ${p.seq}: ${p.problem}: ${p.message}`);
    const head = await database.db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', '=', manifest.audit_head.seq).executeTakeFirst();
    if (manifest.audit_head.seq > 0 && head?.hash !== manifest.audit_head.hash) problems.push(`the audit entry ${manifest.audit_head.seq} is not the manifest's head`);
    const reportsChecked = await openEveryReport(database.db, keys, problems);
    if (problems.length) {
      throw new DomainError('conflict', `The restored database did not verify (${problems.length} problem(s)); do not use it`, { problems: problems.slice(0, 50).map((message) => ({ field: 'restore', message })) });
    }
    return { migratedFrom: migrated ? manifest.last_migration : null, counts: state.counts, auditEntries: audit.entries, reportsChecked };
  } finally {
    await database.close();
  }
}

/** Opens every report's sealed title and body, a page at a time; each failure is a problem. */
async function openEveryReport(db: import('../../adapters/db/database.ts').Db, keys: RestoreKeys, problems: string[]): Promise<number> {
  const sealer = createSealer(new Map(keys.encryptionKeys), keys.encryptionKeys.has(keys.activeKeyId) ? keys.activeKeyId : ([...keys.encryptionKeys.keys()][0] ?? ''));
  let after = '';
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('reports')
      .select(['id', 'tracking_id', 'key_id', 'title_sealed', 'body_sealed'])
      .where(sql<boolean>`id::text > ${after}`)
      .orderBy(sql`id::text`)
      .limit(500)
      .execute();
    for (const r of rows) {
      try {
        sealer.open(r.key_id, r.title_sealed, aad(r.id, 'title'));
        sealer.open(r.key_id, r.body_sealed, aad(r.id, 'body'));
        checked += 1;
      } catch (e) {
        if (problems.length < 1000) problems.push(`report ${r.tracking_id} does not open: ${(e as Error).message}`);
      }
    }
    if (rows.length < 500) return checked;
    after = String(rows.at(-1)?.id);
  }
}
