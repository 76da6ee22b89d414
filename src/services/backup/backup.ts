import { writeTar, type TarEntry } from '../../adapters/archive/tar.ts';
import { sealArchive } from '../../adapters/archive/envelope.ts';
import { importPublicKey } from '../../adapters/pgp/keys.ts';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupManifest } from '../../core/backup/manifest.ts';
import { DomainError, type FieldProblem } from '../../core/errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import { readDatabaseState } from './state.ts';

export interface BackupInput {
  /** Encrypt to this passphrase (at least 12 characters) … */
  passphrase?: string | undefined;
  /** … and/or to these armored OpenPGP public keys. */
  recipients?: readonly string[] | undefined;
  /** Put the encryption keys and session secret into the archive (keys.json): whoever opens it can read everything. */
  includeKeys?: boolean | undefined;
}

export interface BackupResult {
  archive: Buffer;
  manifest: BackupManifest;
}

export const MIN_PASSPHRASE = 12;

async function checkInput(input: BackupInput, now: Date): Promise<string[]> {
  const problems: FieldProblem[] = [];
  const recipients = input.recipients ?? [];
  if (!input.passphrase && !recipients.length) problems.push({ field: 'passphrase', message: 'a backup is always encrypted: give a passphrase or an OpenPGP recipient key' });
  if (input.passphrase !== undefined && input.passphrase.length < MIN_PASSPHRASE) problems.push({ field: 'passphrase', message: `must be at least ${MIN_PASSPHRASE} characters` });
  const fingerprints: string[] = [];
  for (const [i, armored] of recipients.entries()) {
    try {
      fingerprints.push((await importPublicKey(armored, { now, requireEncryption: true })).fingerprint);
    } catch (e) {
      problems.push({ field: `recipients.${i}`, message: (e as Error).message });
    }
  }
  if (problems.length) throw DomainError.validation(problems, 'Cannot make this backup');
  return fingerprints;
}

/**
 * A consistent, encrypted snapshot of the whole instance while it keeps running (docs/operations.md): the database
 * as its engine dumps it, a manifest read in the same snapshot, and — only when asked — the keys. Audited.
 */
export async function createBackup(ctx: ServiceContext, actor: string, input: BackupInput): Promise<BackupResult> {
  const source = ctx.backup;
  if (!source) throw new DomainError('unavailable', 'This process cannot take backups');
  const startedAt = ctx.now();
  const fingerprints = await checkInput(input, startedAt);
  const snap = await source.snapshotter.take((db) => readDatabaseState(db));
  const databaseFile = snap.format === 'pglite-datadir-tgz' ? 'database.tar.gz' : 'database.pgdump';
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    created_at: startedAt.toISOString(),
    engine: source.snapshotter.engine,
    database_format: snap.format,
    database_file: databaseFile,
    last_migration: snap.meta.lastMigration,
    counts: snap.meta.counts,
    audit_head: snap.meta.auditHead,
    key_ids: [...source.keyIds],
    includes_keys: input.includeKeys === true,
  };
  const entries: TarEntry[] = [
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), mtime: startedAt },
    { name: databaseFile, data: snap.data, mtime: startedAt },
  ];
  if (input.includeKeys) entries.push({ name: 'keys.json', data: Buffer.from(`${JSON.stringify(source.secrets(), null, 2)}\n`), mtime: startedAt });
  const archive = await sealArchive(writeTar(entries), { passphrase: input.passphrase, recipients: input.recipients });
  await ctx.db.transaction().execute((tx) =>
    appendAudit(
      tx,
      {
        actor,
        action: 'instance.backup',
        data: {
          engine: manifest.engine,
          last_migration: manifest.last_migration,
          audit_seq: manifest.audit_head.seq,
          reports: manifest.counts.reports ?? 0,
          bytes: archive.length,
          includes_keys: manifest.includes_keys,
          encrypted_to: { passphrase: Boolean(input.passphrase), recipients: fingerprints },
        },
      },
      ctx.now(),
    ),
  );
  return { archive, manifest };
}
