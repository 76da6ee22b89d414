import { Command } from 'commander';
import { DomainError } from '../../core/errors.ts';
import { withServices } from '../database.ts';
import { err, out } from '../output.ts';

export const tokenCreateCommand = (): Command =>
  new Command('create')
    .description("create an API token for a user directly in the database; it is printed once, alone on stdout")
    .requiredOption('--email <email>', "the token owner's email")
    .requiredOption('--name <name>', 'what the token is for, e.g. ci')
    .option('--expires-in-days <n>', 'days until it stops working (default 90, at most 366)')
    .option('--scopes <list>', 'comma-separated: read,triage,publish,admin (default all; never more than the role allows)')
    .option('--projects <slugs>', 'comma-separated project slugs it is limited to (default every project of the user)')
    .action(async (opts: { email: string; name: string; expiresInDays?: string; scopes?: string; projects?: string }) => {
      const days = opts.expiresInDays === undefined ? undefined : Number(opts.expiresInDays);
      if (days !== undefined && !(Number.isInteger(days) && days > 0)) throw new DomainError('validation', '--expires-in-days must be a positive whole number');
      const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter(Boolean));
      const created = await withServices(process.env, { bootstrap: false }, async (ctx) => {
        const row = await ctx.db
          .selectFrom('users')
          .select(['id', 'email', 'name', 'site_admin'])
          .where('email', '=', opts.email.trim().toLowerCase())
          .where('disabled', '=', false)
          .executeTakeFirst();
        if (!row) throw new DomainError('not_found', `No active user with email ${opts.email}`);
        const { createApiToken } = await import('../../services/access/tokens.ts');
        const token = await createApiToken(ctx, { id: row.id, email: row.email, name: row.name, siteAdmin: row.site_admin }, {
          name: opts.name,
          expiresAt: days === undefined ? undefined : new Date(ctx.now().getTime() + days * 86_400_000),
          scopes: list(opts.scopes),
          projects: list(opts.projects),
        });
        return { ...token, email: row.email };
      });
      out(created.token);
      err(`API token "${opts.name}" (${created.id}) for ${created.email}, valid until ${created.info.expiresAt.toISOString()}: store it now, it is not shown again.`);
    });
