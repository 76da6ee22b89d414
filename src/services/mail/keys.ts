import type { ServiceContext } from '../context.ts';
import { getReporterPublicKey } from '../pgp/intake.ts';
import { loadProjectPrivateKeys } from '../pgp/project-keys.ts';

/**
 * Keys for a mail to a reporter: their public key (null → the mail goes in clear) and the project's current
 * private key to sign it, when the project has one.
 */
/** Keys for a maintainer's notification: the key they registered (null → in clear) and the project's signing key. */
export async function maintainerKeyForMail(ctx: ServiceContext, userId: string, projectId: string | null): Promise<{ recipientKey: string; signingKey: string | null } | null> {
  const key = await ctx.db.selectFrom('user_pgp_keys').select('public_key_armored').where('user_id', '=', userId).executeTakeFirst();
  if (!key) return null;
  const keys = projectId ? await loadProjectPrivateKeys(ctx, projectId) : [];
  return { recipientKey: key.public_key_armored, signingKey: keys.find((k) => k.current)?.privateKey ?? null };
}

export async function reporterKeyForMail(ctx: ServiceContext, reportId: string): Promise<{ reporterKey: string; signingKey: string | null } | null> {
  const reporterKey = await getReporterPublicKey(ctx, reportId);
  if (!reporterKey) return null;
  const report = await ctx.db.selectFrom('reports').select('project_id').where('id', '=', reportId).executeTakeFirst();
  const keys = report ? await loadProjectPrivateKeys(ctx, report.project_id) : [];
  return { reporterKey, signingKey: keys.find((k) => k.current)?.privateKey ?? null };
}
