import { Command } from 'commander';
import { CLI_LABEL, withServices } from '../database.ts';
import { out } from '../output.ts';

export const ssoUnlinkCommand = (): Command =>
  new Command('unlink')
    .description("forget the single sign-on identities linked to an account; its next SSO sign-in links it again by verified email")
    .argument('<email>', "the account's email")
    .action(async (email: string) => {
      const removed = await withServices(process.env, { bootstrap: false }, async (ctx) => (await import('../../services/access/sso.ts')).unlinkSsoIdentities(ctx, email, CLI_LABEL));
      out(removed.length ? removed.map((r) => `unlinked ${r.subject} at ${r.issuer}`).join('\n') : `${email} had no single sign-on identity`);
    });
