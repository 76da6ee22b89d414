import { DomainError } from '../../core/errors.ts';
import { verifyPassword } from '../../adapters/crypto/passwords.ts';
import { hashRecoveryCode, newRecoveryCode, newTotpSecret, totpStep, totpUri } from '../../adapters/crypto/totp.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import type { UserRecord } from './users.ts';

/**
 * Second factors (issue 15): TOTP with recovery codes here, passkeys in passkeys.ts. `users.two_factor` mirrors
 * "has a confirmed TOTP or a passkey" and is refreshed in the transaction of every change to either.
 */

export const RECOVERY_CODE_COUNT = 10;
const SITE_SETTING = 'require_two_factor';
const totpAad = (userId: string) => `totp:${userId}`;

export interface TwoFactorStatus {
  totp: boolean;
  recoveryCodesLeft: number;
  passkeys: number;
  /** Why the user must have a second factor: the site setting and/or the projects whose policy asks it. */
  requiredBySite: boolean;
  requiredByProjects: string[];
}

export async function refreshTwoFactorFlag(tx: DbOrTx, userId: string): Promise<boolean> {
  const totp = await tx.selectFrom('user_totp').select('user_id').where('user_id', '=', userId).where('confirmed_at', 'is not', null).executeTakeFirst();
  const passkey = totp ? undefined : await tx.selectFrom('passkeys').select('id').where('user_id', '=', userId).limit(1).executeTakeFirst();
  const on = Boolean(totp ?? passkey);
  await tx.updateTable('users').set({ two_factor: on }).where('id', '=', userId).execute();
  return on;
}

/** Whether the site requires every user to have a second factor (site admins switch it). */
export async function siteRequiresTwoFactor(db: DbOrTx): Promise<boolean> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SITE_SETTING).executeTakeFirst();
  return row?.value === 'true';
}

/** The same, through the per-process cache (the auth hook asks on every request; another instance's change shows within seconds). */
export async function siteRequiresTwoFactorCached(ctx: ServiceContext): Promise<boolean> {
  const nowMs = ctx.now().getTime();
  const hit = ctx.twoFactorSetting.get(SITE_SETTING, nowMs);
  if (hit !== undefined) return hit;
  const value = await siteRequiresTwoFactor(ctx.db);
  ctx.twoFactorSetting.set(SITE_SETTING, value, nowMs);
  return value;
}

export async function setSiteRequiresTwoFactor(ctx: ServiceContext, admin: UserRecord, required: boolean): Promise<void> {
  if (required && !admin.twoFactor) {
    throw new DomainError('conflict', 'Enrol a second factor yourself before requiring one of everyone (you would be locked out of all but your account page)');
  }
  await ctx.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('settings').where('key', '=', SITE_SETTING).execute();
    await tx.insertInto('settings').values({ key: SITE_SETTING, value: String(required) }).execute();
    await appendAudit(tx, { actor: `user:${admin.id}`, action: 'site.two-factor-required', data: { required } }, ctx.now());
  });
  ctx.twoFactorSetting.delete(SITE_SETTING);
}

/** Slugs of the user's projects whose policy requires members to have a second factor. */
export async function projectsRequiringTwoFactor(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('projects', 'projects.id', 'memberships.project_id')
    .select(['projects.slug', 'projects.policy'])
    .where('memberships.user_id', '=', userId)
    .execute();
  return rows.filter((r) => (r.policy as { access?: { require_two_factor?: boolean } }).access?.require_two_factor === true).map((r) => r.slug).sort();
}

export async function twoFactorStatus(ctx: ServiceContext, user: UserRecord): Promise<TwoFactorStatus> {
  const [totp, codes, passkeys, requiredBySite, requiredByProjects] = await Promise.all([
    ctx.db.selectFrom('user_totp').select('confirmed_at').where('user_id', '=', user.id).executeTakeFirst(),
    ctx.db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', user.id).where('used_at', 'is', null).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('passkeys').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow(),
    siteRequiresTwoFactor(ctx.db),
    projectsRequiringTwoFactor(ctx.db, user.id),
  ]);
  return { totp: Boolean(totp?.confirmed_at), recoveryCodesLeft: Number(codes.n), passkeys: Number(passkeys.n), requiredBySite, requiredByProjects };
}

/**
 * Starts TOTP enrolment: a new secret (sealed at rest) and its otpauth URI for the authenticator app. Nothing
 * changes for sign-in until a code from the app confirms it; starting again replaces an unconfirmed secret.
 */
export async function startTotpEnrolment(ctx: ServiceContext, user: UserRecord): Promise<{ secret: string; uri: string }> {
  const secret = newTotpSecret();
  const { keyId, sealed } = ctx.sealer.seal(secret, totpAad(user.id));
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('user_totp').select('confirmed_at').where('user_id', '=', user.id).forUpdate().executeTakeFirst();
    if (existing?.confirmed_at) throw new DomainError('conflict', 'Two-factor authentication with an app is already on; turn it off first to enrol a new app');
    await tx.deleteFrom('user_totp').where('user_id', '=', user.id).execute();
    await tx.insertInto('user_totp').values({ user_id: user.id, key_id: keyId, secret_sealed: sealed, created_at: now }).execute();
  });
  let host = 'Embargo';
  try {
    host = `Embargo (${new URL(ctx.publicUrl).host})`;
  } catch {
    // a bare label is fine
  }
  return { secret, uri: totpUri(secret, user.email, host) };
}

async function loadSecret(ctx: ServiceContext, tx: DbOrTx, userId: string) {
  const row = await tx.selectFrom('user_totp').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
  if (!row) return null;
  return { row, secret: ctx.sealer.open(row.key_id, row.secret_sealed, totpAad(userId)).toString('utf8') };
}

async function issueRecoveryCodes(tx: DbOrTx, userId: string, now: Date): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await tx.insertInto('recovery_codes').values(codes.map((c) => ({ code_hash: hashRecoveryCode(c), user_id: userId, created_at: now }))).execute();
  return codes;
}

/** Confirms enrolment with a code from the app; answers the 10 recovery codes, shown this once. */
export async function confirmTotp(ctx: ServiceContext, user: UserRecord, code: string): Promise<string[]> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const found = await loadSecret(ctx, tx, user.id);
    if (!found) throw new DomainError('not_found', 'Start enrolment first (POST /api/v1/me/totp)');
    if (found.row.confirmed_at) throw new DomainError('conflict', 'Two-factor authentication with an app is already on');
    const step = totpStep(found.secret, code, now);
    if (step === null) throw DomainError.validation([{ field: 'code', message: 'is not the current code of your authenticator app (check its clock)' }]);
    await tx.updateTable('user_totp').set({ confirmed_at: now, last_step: step }).where('user_id', '=', user.id).execute();
    const codes = await issueRecoveryCodes(tx, user.id, now);
    await refreshTwoFactorFlag(tx, user.id);
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.totp-enrolled', data: { user: user.id } }, now);
    return codes;
  });
}

async function requirePassword(ctx: ServiceContext, userId: string, password: string): Promise<void> {
  const row = await ctx.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, password))) throw DomainError.validation([{ field: 'password', message: 'is not your current password' }]);
}

/** Turns TOTP off (password required) and deletes the recovery codes, which exist only beside it. */
export async function disableTotp(ctx: ServiceContext, user: UserRecord, password: string, actor: string): Promise<void> {
  await requirePassword(ctx, user.id, password);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('user_totp').where('user_id', '=', user.id).returning('confirmed_at').executeTakeFirst();
    if (!gone?.confirmed_at) throw new DomainError('not_found', 'Two-factor authentication with an app is not on');
    await tx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
    await refreshTwoFactorFlag(tx, user.id);
    await appendAudit(tx, { actor, action: 'user.totp-disabled', data: { user: user.id } }, now);
  });
}

/** New recovery codes (password required); the old ones stop working. */
export async function regenerateRecoveryCodes(ctx: ServiceContext, user: UserRecord, password: string): Promise<string[]> {
  await requirePassword(ctx, user.id, password);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const totp = await tx.selectFrom('user_totp').select('confirmed_at').where('user_id', '=', user.id).executeTakeFirst();
    if (!totp?.confirmed_at) throw new DomainError('conflict', 'Recovery codes come with two-factor authentication by app; turn that on first');
    const codes = await issueRecoveryCodes(tx, user.id, now);
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.recovery-codes-regenerated', data: { user: user.id } }, now);
    return codes;
  });
}

export type SecondFactorAnswer = { totpCode?: string; recoveryCode?: string };

/** Which second factors a user has (for the sign-in answer); empty when they have none. */
export async function secondFactorMethods(db: DbOrTx, userId: string): Promise<Array<'totp' | 'recovery_code' | 'passkey'>> {
  const [totp, passkey] = await Promise.all([
    db.selectFrom('user_totp').select('user_id').where('user_id', '=', userId).where('confirmed_at', 'is not', null).executeTakeFirst(),
    db.selectFrom('passkeys').select('id').where('user_id', '=', userId).limit(1).executeTakeFirst(),
  ]);
  return [...(totp ? (['totp', 'recovery_code'] as const) : []), ...(passkey ? (['passkey'] as const) : [])];
}

/**
 * Checks a TOTP or recovery code at sign-in. A TOTP code is accepted only for a step later than the last one used
 * (the update is conditional, so two requests racing with one code cannot both pass); a recovery code is used up.
 * Answers false for a wrong, replayed or used code.
 */
export async function verifySecondFactor(ctx: ServiceContext, user: UserRecord, answer: SecondFactorAnswer, ip: string): Promise<boolean> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    if (answer.totpCode) {
      const found = await loadSecret(ctx, tx, user.id);
      if (!found?.row.confirmed_at) return false;
      const step = totpStep(found.secret, answer.totpCode, now);
      if (step === null || step <= found.row.last_step) return false;
      const claimed = await tx.updateTable('user_totp').set({ last_step: step }).where('user_id', '=', user.id).where('last_step', '<', step).returning('user_id').executeTakeFirst();
      return Boolean(claimed);
    }
    if (answer.recoveryCode) {
      const used = await tx
        .updateTable('recovery_codes')
        .set({ used_at: now })
        .where('user_id', '=', user.id)
        .where('code_hash', '=', hashRecoveryCode(answer.recoveryCode))
        .where('used_at', 'is', null)
        .returning('code_hash')
        .executeTakeFirst();
      if (!used) return false;
      const left = await tx.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', user.id).where('used_at', 'is', null).executeTakeFirstOrThrow();
      await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.recovery-code-used', data: { user: user.id, left: Number(left.n), ip } }, now);
      return true;
    }
    return false;
  });
}

/** Whether the user must still enrol a second factor (the site or one of their projects requires it). */
export async function enrolmentRequired(ctx: ServiceContext, user: UserRecord): Promise<boolean> {
  if (user.twoFactor) return false;
  if (await siteRequiresTwoFactorCached(ctx)) return true;
  return (await projectsRequiringTwoFactor(ctx.db, user.id)).length > 0;
}

/** A site admin removes a user's second factors (a lost phone and lost codes); the user enrols again. */
export async function resetTwoFactor(ctx: ServiceContext, admin: UserRecord, userId: string): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw new DomainError('not_found', 'No such user');
    const totp = await tx.deleteFrom('user_totp').where('user_id', '=', userId).returning('user_id').execute();
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    const passkeys = await tx.deleteFrom('passkeys').where('user_id', '=', userId).returning('id').execute();
    await refreshTwoFactorFlag(tx, userId);
    await appendAudit(tx, { actor: `user:${admin.id}`, action: 'user.two-factor-reset', data: { user: userId, totp: totp.length > 0, passkeys: passkeys.length } }, now);
  });
}
