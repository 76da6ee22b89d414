import { importPublicKey } from '../../adapters/pgp/keys.ts';
import { DomainError } from '../../core/errors.ts';
import { isProjectRole, type ProjectRole } from '../../core/access/permissions.ts';
import { defaultLevel, isNotificationLevel, type NotificationLevel } from '../../core/notifications/preferences.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';

/** A signed-in user's notification settings, one per project they are a member of (docs/notifications.md). */
export interface ProjectNotificationSetting {
  slug: string;
  name: string;
  role: ProjectRole;
  level: NotificationLevel;
  includeTitles: boolean;
  /** True while the user kept the role's default. */
  isDefault: boolean;
}

type User = { id: string };

export async function listNotificationSettings(ctx: ServiceContext, user: User): Promise<ProjectNotificationSetting[]> {
  const rows = await ctx.db
    .selectFrom('memberships')
    .innerJoin('projects', 'projects.id', 'memberships.project_id')
    .leftJoin('notification_preferences as np', (j) => j.onRef('np.user_id', '=', 'memberships.user_id').onRef('np.project_id', '=', 'memberships.project_id'))
    .select(['projects.slug', 'projects.name', 'memberships.role', 'np.level', 'np.include_titles'])
    .where('memberships.user_id', '=', user.id)
    .orderBy('projects.slug')
    .execute();
  return rows.flatMap((r) => {
    if (!isProjectRole(r.role)) return [];
    const own = isNotificationLevel(r.level);
    return [{ slug: r.slug, name: r.name, role: r.role, level: own ? (r.level as NotificationLevel) : defaultLevel(r.role), includeTitles: r.include_titles ?? false, isDefault: !own }];
  });
}

/** Sets what the user is mailed about one of their projects; audited. A non-member's project is 404. */
export async function setNotificationSetting(ctx: ServiceContext, user: User, input: { project: string; level: NotificationLevel; includeTitles: boolean }): Promise<ProjectNotificationSetting> {
  const member = await ctx.db
    .selectFrom('memberships')
    .innerJoin('projects', 'projects.id', 'memberships.project_id')
    .select(['projects.id', 'projects.slug', 'projects.name', 'memberships.role'])
    .where('memberships.user_id', '=', user.id)
    .where('projects.slug', '=', input.project)
    .executeTakeFirst();
  if (!member || !isProjectRole(member.role)) throw new DomainError('not_found', `You are not a member of ${input.project}`);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('notification_preferences')
      .values({ user_id: user.id, project_id: member.id, level: input.level, include_titles: input.includeTitles, updated_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'project_id']).doUpdateSet({ level: input.level, include_titles: input.includeTitles, updated_at: now }))
      .execute();
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.notifications-set', projectId: member.id, data: { user: user.id, level: input.level, include_titles: input.includeTitles } }, now);
  });
  return { slug: member.slug, name: member.name, role: member.role, level: input.level, includeTitles: input.includeTitles, isDefault: false };
}

export interface UserKeyInfo {
  fingerprint: string;
  expiresAt: Date | null;
  createdAt: Date;
}

export async function getUserKey(ctx: ServiceContext, user: User): Promise<UserKeyInfo | null> {
  const row = await ctx.db.selectFrom('user_pgp_keys').select(['fingerprint', 'expires_at', 'created_at']).where('user_id', '=', user.id).executeTakeFirst();
  return row ? { fingerprint: row.fingerprint, expiresAt: row.expires_at ? new Date(row.expires_at) : null, createdAt: new Date(row.created_at) } : null;
}

/** Registers the user's OpenPGP public key (it must be able to encrypt): their notification mails are encrypted to it. */
export async function setUserKey(ctx: ServiceContext, user: User, armored: string): Promise<UserKeyInfo> {
  const now = ctx.now();
  const key = await importPublicKey(armored, { now, requireEncryption: true });
  await ctx.db.transaction().execute(async (tx) => {
    const values = { fingerprint: key.fingerprint, public_key_armored: key.publicKeyArmored, expires_at: key.expires, created_at: now };
    await tx.insertInto('user_pgp_keys').values({ user_id: user.id, ...values }).onConflict((oc) => oc.column('user_id').doUpdateSet(values)).execute();
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.pgp-key-set', data: { user: user.id, fingerprint: key.fingerprint } }, now);
  });
  return { fingerprint: key.fingerprint, expiresAt: key.expires, createdAt: now };
}

export async function removeUserKey(ctx: ServiceContext, user: User): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('user_pgp_keys').where('user_id', '=', user.id).returning('fingerprint').executeTakeFirst();
    if (!gone) throw new DomainError('not_found', 'You have no OpenPGP key registered');
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.pgp-key-removed', data: { user: user.id, fingerprint: gone.fingerprint } }, now);
  });
}
