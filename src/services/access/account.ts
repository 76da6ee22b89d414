import { DomainError } from '../../core/errors.ts';
import { passwordReset } from '../../core/mail/templates.ts';
import { UI_ROUTES } from '../../core/ui-paths.ts';
import { dummyPasswordHash, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from '../../adapters/crypto/passwords.ts';
import { hashToken, newSecretToken } from '../../adapters/crypto/tokens.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { normalizeAddress } from '../mail/addresses.ts';
import type { ServiceContext } from '../context.ts';
import { enqueueMail, isMailableAddress } from '../mail/outbox.ts';
import { type UserRecord } from './users.ts';

/**
 * A user's own account (issue 15): password change and reset, sessions; and the site admin's switch to disable a
 * user. Every change is audited; nothing here tells a caller whether an address has an account.
 */

export const RESET_MINUTES = 60;
/** Reset links (and mails) one account gets in an hour at most. */
export const RESET_MAILS_PER_HOUR = 3;

const checkNewPassword = (password: string) => {
  if (password.length < PASSWORD_MIN_LENGTH) throw DomainError.validation([{ field: 'new_password', message: `must be at least ${PASSWORD_MIN_LENGTH} characters` }]);
};

/** Changes the password (the current one is required) and ends every other session of the user. */
export async function changePassword(ctx: ServiceContext, user: UserRecord, input: { current: string; next: string; keepSessionId: string | null }): Promise<void> {
  const row = await ctx.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, input.current))) {
    throw DomainError.validation([{ field: 'current_password', message: 'is not your current password' }]);
  }
  checkNewPassword(input.next);
  const hash = await hashPassword(input.next);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
    let end = tx.deleteFrom('sessions').where('user_id', '=', user.id);
    if (input.keepSessionId) end = end.where('id_hash', '!=', hashToken(input.keepSessionId));
    await end.execute();
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.password-changed', data: { user: user.id } }, now);
  });
}

/**
 * Starts a reset: when the address belongs to an enabled account, a single-use link (1 hour, stored hashed) is
 * mailed to it. The caller always gets the same answer, and the work done is alike either way.
 */
export async function requestPasswordReset(ctx: ServiceContext, email: string): Promise<void> {
  const address = normalizeAddress(email);
  const now = ctx.now();
  const user = isMailableAddress(address)
    ? await ctx.db.selectFrom('users').select(['id', 'email', 'disabled']).where('email', '=', address).executeTakeFirst()
    : undefined;
  const token = newSecretToken('pwr_');
  if (!user || user.disabled) {
    // The same hashing an existing account costs, so timing does not tell them apart either.
    await verifyPassword(await dummyPasswordHash(), token);
    return;
  }
  const expiresAt = new Date(now.getTime() + RESET_MINUTES * 60_000);
  const mail = passwordReset({ link: `${ctx.publicUrl}${UI_ROUTES.passwordReset}#token=${encodeURIComponent(token)}`, expiresAt: expiresAt.toISOString() });
  await ctx.db.transaction().execute(async (tx) => {
    // The account row is locked first, so parallel requests for one address count one after another.
    await tx.selectFrom('users').select('id').where('id', '=', user.id).forUpdate().executeTakeFirst();
    // Links older than the hour are past use and past the count: what is left is the hour's.
    await tx.deleteFrom('password_resets').where('user_id', '=', user.id).where('created_at', '<=', new Date(now.getTime() - 60 * 60_000)).execute();
    // At most RESET_MAILS_PER_HOUR links (and mails) an hour per account: the form is open to anyone, and without
    // this it would mail an address as often as the per-client limit allows, from as many clients as one has.
    // Past the limit nothing is sent; the answer is the same and the last link still works.
    const recent = await tx
      .selectFrom('password_resets')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= RESET_MAILS_PER_HOUR) {
      await appendAudit(tx, { actor: 'anonymous', action: 'user.password-reset-throttled', data: { user: user.id } }, now);
      return;
    }
    // One live link per account: a new request replaces the old one (kept, expired, so the hour's count holds).
    await tx.updateTable('password_resets').set({ expires_at: now }).where('user_id', '=', user.id).where('used_at', 'is', null).where('expires_at', '>', now).execute();
    await tx.insertInto('password_resets').values({ token_hash: hashToken(token), user_id: user.id, created_at: now, expires_at: expiresAt }).execute();
    await enqueueMail(tx, ctx, { kind: 'password-reset', projectId: null, to: user.email, subject: mail.subject, text: mail.text });
    await appendAudit(tx, { actor: 'anonymous', action: 'user.password-reset-requested', data: { user: user.id } }, now);
  });
  await verifyPassword(await dummyPasswordHash(), token);
}

/** Completes a reset with the link's token: sets the password, uses the link up, ends every session. */
export async function completePasswordReset(ctx: ServiceContext, token: string, password: string): Promise<void> {
  checkNewPassword(password);
  const hash = await hashPassword(password);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const used = await tx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('token_hash', '=', hashToken(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    if (!used) throw new DomainError('not_found', 'This reset link is not valid: it was already used, has expired or was replaced by a newer one. Ask for a new one.');
    const user = await tx.selectFrom('users').select(['id', 'disabled']).where('id', '=', used.user_id).executeTakeFirstOrThrow();
    if (user.disabled) throw new DomainError('not_found', 'This reset link is not valid.');
    await tx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
    await tx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.password-reset', data: { user: user.id } }, now);
  });
}

export interface SessionInfo {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  current: boolean;
}

/** The user's live sessions, newest first; `current` marks the one asking. */
export async function listSessions(ctx: ServiceContext, user: UserRecord, currentSessionId: string | null): Promise<SessionInfo[]> {
  const rows = await ctx.db
    .selectFrom('sessions')
    .select(['id', 'id_hash', 'created_at', 'expires_at'])
    .where('user_id', '=', user.id)
    .where('expires_at', '>', ctx.now())
    .orderBy('created_at', 'desc')
    .execute();
  const current = currentSessionId ? hashToken(currentSessionId) : null;
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, expiresAt: r.expires_at, current: r.id_hash === current }));
}

/** Ends one session of the user (by its shown id), or with `id` null every session but the current one. */
export async function revokeSessions(ctx: ServiceContext, user: UserRecord, id: string | null, currentSessionId: string | null): Promise<number> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    let q = tx.deleteFrom('sessions').where('user_id', '=', user.id);
    if (id) q = q.where('id', '=', id);
    else if (currentSessionId) q = q.where('id_hash', '!=', hashToken(currentSessionId));
    const ended = await q.returning('id').execute();
    if (id && !ended.length) throw new DomainError('not_found', 'No such session');
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.sessions-revoked', data: { user: user.id, sessions: ended.length, all_others: id === null } }, now);
    return ended.length;
  });
}
