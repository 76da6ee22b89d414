import { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { archivePassphrase } from '../archive-secrets.ts';
import { CliError } from '../errors.ts';
import { readTextFile } from '../input.ts';
import { err, out } from '../output.ts';

interface Options {
  dataDir?: string;
  databaseUrl?: string;
  passphraseFile?: string;
  key?: string;
  keysOut?: string;
}

export const restoreCommand = (): Command =>
  new Command('restore')
    .description('restore a backup into an empty data directory or database, then verify it (counts, audit chain, every report); database mode')
    .argument('<file>', 'the archive `embargo backup` wrote')
    .option('--data-dir <dir>', 'an empty data directory for the embedded database')
    .option('--database-url <url>', 'an empty PostgreSQL database (pg_restore must be installed)')
    .option('--passphrase-file <file>', 'the passphrase in this file (else EMBARGO_BACKUP_PASSPHRASE, else asked)')
    .option('--key <file>', 'the armored OpenPGP private key the backup was encrypted to')
    .option('--keys-out <file>', 'where to write the keys of a backup made with --include-keys (default: DIR/secrets.json, or ./restored-keys.env)')
    .action(async (file: string, opts: Options) => {
      if (Boolean(opts.dataDir) === Boolean(opts.databaseUrl)) throw new CliError('Give exactly one of --data-dir and --database-url');
      const [{ readBackup, restoreBackup, assertEmptyTarget }, { parseKeys }] = await Promise.all([import('../../services/backup/restore.ts'), import('../../server/config.ts')]);
      const target = opts.dataDir ? { kind: 'pglite' as const, dataDir: resolve(opts.dataDir) } : { kind: 'postgres' as const, databaseUrl: opts.databaseUrl ?? '' };
      await assertEmptyTarget(target);
      const privateKey = opts.key ? await readTextFile(opts.key) : undefined;
      const passphrase = await archivePassphrase(opts.passphraseFile, process.env, { confirm: false, optional: Boolean(privateKey) });
      const sealed = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new CliError(`Cannot read ${file}: ${e.code ?? e.message}`);
      });
      const backup = await readBackup(sealed, { passphrase, privateKey, privateKeyPassphrase: process.env.EMBARGO_BACKUP_KEY_PASSPHRASE });
      const m = backup.manifest;
      out(`backup of ${m.created_at}: ${m.engine}, schema ${m.last_migration}, ${m.counts.reports ?? 0} reports, audit head ${m.audit_head.seq}${m.includes_keys ? ', with its keys' : ''}`);

      // The keys the restored data opens with: the archive's, else the environment's, else a secrets.json already in the directory.
      let keys: { encryptionKeys: Map<string, Buffer>; activeKeyId: string };
      const dirSecrets = target.kind === 'pglite' ? join(target.dataDir, 'secrets.json') : null;
      if (backup.secrets) {
        keys = { encryptionKeys: new Map(backup.secrets.encryption_keys.map((k) => [k.id, Buffer.from(k.key, 'base64')])), activeKeyId: backup.secrets.active_key_id };
      } else if (process.env.EMBARGO_ENCRYPTION_KEYS) {
        const problems: string[] = [];
        const parsed = parseKeys(process.env.EMBARGO_ENCRYPTION_KEYS, problems);
        if (problems.length) throw new CliError(problems.join('; '));
        keys = { encryptionKeys: parsed, activeKeyId: process.env.EMBARGO_ENCRYPTION_KEY_ID || [...parsed.keys()][0] || '' };
      } else if (dirSecrets && existsSync(dirSecrets)) {
        const s = JSON.parse(readFileSync(dirSecrets, 'utf8')) as { keyId: string; key: string };
        keys = { encryptionKeys: new Map([[s.keyId, Buffer.from(s.key, 'base64')]]), activeKeyId: s.keyId };
      } else {
        throw new CliError(
          `The backup holds no keys: its data opens only with the encryption keys ${m.key_ids.join(', ')}. Set EMBARGO_ENCRYPTION_KEYS, or copy the old data directory's secrets.json into ${opts.dataDir ?? 'the data directory'} first`,
        );
      }
      const report = await restoreBackup(backup, target, keys);
      if (backup.secrets) writeKeys(backup.secrets, opts.keysOut, target.kind === 'pglite' ? target.dataDir : null);
      if (report.migratedFrom) out(`schema migrated from ${report.migratedFrom} to this version's`);
      out(`restored and verified: ${report.reportsChecked} reports open, audit chain of ${report.auditEntries} entries intact, row counts match the manifest`);
    });

/** The archive's keys, where the restored instance finds them: secrets.json (one key, embedded database) or an env file. */
function writeKeys(s: import('../../services/backup/source.ts').BackupSecrets, keysOut: string | undefined, dataDir: string | null): void {
  const only = s.encryption_keys.length === 1 ? s.encryption_keys[0] : undefined;
  if (!keysOut && dataDir && only && !existsSync(join(dataDir, 'secrets.json'))) {
    writeFileSync(join(dataDir, 'secrets.json'), JSON.stringify({ keyId: only.id, key: only.key, sessionSecret: s.session_secret }, null, 2), { mode: 0o600, flag: 'wx' });
    out(`the backup's keys were written to ${join(dataDir, 'secrets.json')}`);
    return;
  }
  const file = resolve(keysOut ?? 'restored-keys.env');
  const keys = s.encryption_keys.map((k) => `${k.id}:${k.key}`).join(',');
  writeFileSync(file, `EMBARGO_ENCRYPTION_KEYS=${keys}\nEMBARGO_ENCRYPTION_KEY_ID=${s.active_key_id}\nEMBARGO_SESSION_SECRET=${s.session_secret}\n`, { mode: 0o600, flag: 'wx' });
  err(`the backup's keys were written to ${file}: set them in the server's environment, then delete the file`);
}
