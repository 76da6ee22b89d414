import { Command } from 'commander';
import { DomainError } from '../../core/errors.ts';
import { withServices } from '../database.ts';
import { err, out } from '../output.ts';

export const tokenCreateCommand = (): Command =>
  new Command('create')
    .description("create an API token for a user directly in the database; it is printed once, alone on stdout")
    .requiredOption('--email <email>', "the token owner's email")
    .requiredOption('--name <name>', 'what the token is for, e.g. ci')
    .action(async (opts: { email: string; name: string }) => {
      const created = await withServices(process.env, { bootstrap: false }, async (ctx) => {
        const row = await ctx.db
          .selectFrom('users')
          .select(['id', 'email', 'name', 'site_admin'])
          .where('email', '=', opts.email.trim().toLowerCase())
          .where('disabled', '=', false)
          .executeTakeFirst();
        if (!row) throw new DomainError('not_found', `No active user with email ${opts.email}`);
        const { createApiToken } = await import('../../services/access/users.ts');
        const token = await createApiToken(ctx, { id: row.id, email: row.email, name: row.name, siteAdmin: row.site_admin }, opts.name);
        return { ...token, email: row.email };
      });
      out(created.token);
      err(`API token "${opts.name}" (${created.id}) for ${created.email}: store it now, it is not shown again.`);
    });
