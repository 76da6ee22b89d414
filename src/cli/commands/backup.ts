import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { apiFromEnv } from '../api-client.ts';
import { archivePassphrase, collect, readKeyFiles } from '../archive-secrets.ts';
import { CLI_LABEL, withServices } from '../database.ts';
import { CliError } from '../errors.ts';
import { err, out } from '../output.ts';

interface Options {
  out: string;
  passphraseFile?: string;
  recipient?: string[];
  includeKeys?: boolean;
}

export const backupCommand = (): Command =>
  new Command('backup')
    .description('write a consistent, encrypted backup of the whole instance, also while the server runs (site admins; docs/operations.md)')
    .requiredOption('--out <file>', 'where to write the archive (refuses an existing file)')
    .option('--passphrase-file <file>', 'encrypt to the passphrase in this file (else EMBARGO_BACKUP_PASSPHRASE, else asked)')
    .option('--recipient <keyfile>', 'encrypt to this armored OpenPGP public key (repeatable; with or instead of a passphrase)', collect)
    .option('--include-keys', 'also put the encryption keys and session secret into the archive: whoever opens it reads everything')
    .action(async (opts: Options) => {
      const recipients = await readKeyFiles(opts.recipient ?? []);
      const passphrase = await archivePassphrase(opts.passphraseFile, process.env, { confirm: true, optional: recipients.length > 0 });
      if (!passphrase && !recipients.length) throw new CliError('A backup is always encrypted: give --passphrase-file, EMBARGO_BACKUP_PASSPHRASE or --recipient');
      if (opts.includeKeys) err('WARNING: --include-keys puts the encryption keys into this backup: anyone with the archive and its passphrase or key can read every report. Keep it apart from ordinary backups.');
      const input = { passphrase, recipients, includeKeys: opts.includeKeys ?? false };
      const api = apiFromEnv(process.env);
      let archive: Buffer;
      let summary = '';
      if (api) {
        archive = await api.download('POST', '/api/v1/admin/backup', { ...(passphrase ? { passphrase } : {}), ...(recipients.length ? { recipients } : {}), include_keys: input.includeKeys });
      } else {
        const made = await withServices(process.env, { bootstrap: false }, async (ctx) => (await import('../../services/backup/backup.ts')).createBackup(ctx, CLI_LABEL, input));
        archive = made.archive;
        const m = made.manifest;
        summary = `: ${m.engine}, schema ${m.last_migration}, ${m.counts.reports ?? 0} reports, audit head ${m.audit_head.seq}`;
      }
      try {
        await writeFile(opts.out, archive, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        throw new CliError(`Cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      out(`backup written to ${opts.out} (${archive.length} bytes${summary})`);
    });
