import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { apiFromEnv } from '../api-client.ts';
import { archivePassphrase, collect, readKeyFiles } from '../archive-secrets.ts';
import { CLI_ACTOR, CLI_LABEL, withServices } from '../database.ts';
import { CliError } from '../errors.ts';
import { err, out } from '../output.ts';

interface Options {
  out: string;
  encrypt?: boolean;
  passphraseFile?: string;
  recipient?: string[];
}

export const projectExportCommand = (): Command =>
  new Command('export')
    .description("write a project's reports, threads, attachments, advisories and audit entries in clear to a tar archive (project admins; docs/operations.md)")
    .argument('<slug>', 'the project')
    .requiredOption('--out <file>', 'where to write the archive (refuses an existing file)')
    .option('--encrypt', 'encrypt the archive with OpenPGP (passphrase from --passphrase-file or EMBARGO_BACKUP_PASSPHRASE, or --recipient)')
    .option('--passphrase-file <file>', 'the passphrase to encrypt to (implies --encrypt)')
    .option('--recipient <keyfile>', 'an armored OpenPGP public key to encrypt to (repeatable; implies --encrypt)', collect)
    .action(async (slug: string, opts: Options) => {
      const recipients = await readKeyFiles(opts.recipient ?? []);
      const encrypt = opts.encrypt || Boolean(opts.passphraseFile) || recipients.length > 0;
      const passphrase = encrypt ? await archivePassphrase(opts.passphraseFile, process.env, { confirm: true, optional: recipients.length > 0 }) : undefined;
      if (encrypt && !passphrase && !recipients.length) throw new CliError('--encrypt needs --passphrase-file, EMBARGO_BACKUP_PASSPHRASE or --recipient');
      const api = apiFromEnv(process.env);
      let archive = api
        ? await api.download('GET', `/api/v1/projects/${encodeURIComponent(slug)}/export`)
        : await withServices(process.env, { bootstrap: false }, async (ctx) => {
            const [{ exportProject }, { getProject }] = await Promise.all([import('../../services/portability/export.ts'), import('../../services/projects/projects.ts')]);
            return (await exportProject(ctx, await getProject(ctx.db, slug), CLI_ACTOR, CLI_LABEL)).archive;
          });
      if (encrypt) archive = await (await import('../../adapters/archive/envelope.ts')).sealArchive(archive, { passphrase, recipients });
      else err('The archive holds the project\'s reports in clear: store it encrypted, or use --encrypt.');
      try {
        await writeFile(opts.out, archive, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        throw new CliError(`Cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      out(`export of ${slug} written to ${opts.out} (${archive.length} bytes${encrypt ? ', encrypted' : ''})`);
    });
