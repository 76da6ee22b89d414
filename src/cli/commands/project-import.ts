import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import type { ProjectImport } from '../../api/schemas/operations.ts';
import { apiFromEnv } from '../api-client.ts';
import { archivePassphrase } from '../archive-secrets.ts';
import { CLI_ACTOR, CLI_LABEL, withServices } from '../database.ts';
import { CliError } from '../errors.ts';
import { readTextFile } from '../input.ts';
import { out, table } from '../output.ts';

interface Options {
  passphraseFile?: string;
  key?: string;
}

/** A tar archive begins with a header whose bytes 257.. read "ustar"; anything else is taken for OpenPGP. */
const isTar = (b: Buffer): boolean => b.length > 262 && b.subarray(257, 262).toString('latin1') === 'ustar';

export const projectImportCommand = (): Command =>
  new Command('import')
    .description('load a project export into this instance, tracking IDs kept; refuses a project or tracking ID it already has (site admins)')
    .argument('<file>', 'the archive `embargo project export` wrote (encrypted or not)')
    .option('--passphrase-file <file>', 'the passphrase of an encrypted export (else EMBARGO_BACKUP_PASSPHRASE, else asked)')
    .option('--key <file>', 'the armored OpenPGP private key an encrypted export was encrypted to')
    .action(async (file: string, opts: Options) => {
      let archive: Buffer = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new CliError(`Cannot read ${file}: ${e.code ?? e.message}`);
      });
      if (!isTar(archive)) {
        const privateKey = opts.key ? await readTextFile(opts.key) : undefined;
        const passphrase = await archivePassphrase(opts.passphraseFile, process.env, { confirm: false, optional: Boolean(privateKey) });
        archive = await (await import('../../adapters/archive/envelope.ts')).openArchive(archive, { passphrase, privateKey, privateKeyPassphrase: process.env.EMBARGO_BACKUP_KEY_PASSPHRASE }).catch((e: Error) => {
          throw new CliError(e.message);
        });
      }
      const api = apiFromEnv(process.env);
      const done = api
        ? (await api.upload<ProjectImport>('/api/v1/admin/projects/import', archive, 'application/x-tar')).body
        : await withServices(process.env, { bootstrap: true }, async (ctx) => (await import('../../services/portability/import.ts')).importProject(ctx, CLI_ACTOR, CLI_LABEL, archive));
      out(`imported project ${done.slug}`);
      out(table(['table', 'rows'], Object.entries(done.counts).map(([k, v]) => [k, String(v)])));
    });
