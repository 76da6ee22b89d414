import { Command } from 'commander';
import { isDomainError } from '../../core/errors.ts';
import { CLI_LABEL, withServices } from '../database.ts';
import { CliError } from '../errors.ts';
import { promptHidden, readStdin } from '../input.ts';
import { out } from '../output.ts';

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  const fromEnv = process.env.EMBARGO_ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new CliError('No password: pass --password-stdin, set EMBARGO_ADMIN_PASSWORD, or run in a terminal to be asked', 2);
  const first = await promptHidden('Password: ');
  if ((await promptHidden('Repeat password: ')) !== first) throw new CliError('The passwords do not match');
  return first;
}

export const adminCreateCommand = (): Command =>
  new Command('create')
    .description('create a site administrator directly in the database (bootstraps a new instance)')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from stdin instead of EMBARGO_ADMIN_PASSWORD or a prompt')
    .action(async (opts: { email: string; name: string; passwordStdin?: boolean }) => {
      try {
        const user = await withServices(process.env, { bootstrap: true }, async (ctx) => {
          const { createUser } = await import('../../services/access/users.ts');
          const password = await readPassword(opts.passwordStdin === true);
          return createUser(ctx, { email: opts.email, name: opts.name, password, siteAdmin: true }, CLI_LABEL);
        });
        out(`Created site admin ${user.email} (${user.id})`);
      } catch (e) {
        if (!isDomainError(e) || e.code !== 'locked') throw e;
        throw new CliError(
          `The database is locked by another Embargo process (pid ${String(e.details.pid)}, lock file ${String(e.details.lockFile)}), probably the server. ` +
            'admin create needs the database to itself: stop the server and run it again, or create the first admin through the ' +
            'running server with the one-time setup token it printed at start-up (POST /api/v1/setup).',
        );
      }
    });
