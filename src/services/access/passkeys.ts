import { DomainError } from '../../core/errors.ts';
import { verifyPassword } from '../../adapters/crypto/passwords.ts';
import {
  authenticationOptions,
  registrationOptions,
  relyingParty,
  verifyAuthentication,
  verifyRegistration,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type StoredCredential,
} from '../../adapters/crypto/webauthn.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { refreshTwoFactorFlag } from './two-factor.ts';
import type { UserRecord } from './users.ts';

/**
 * Passkeys (issue 15): added on the account page and used to sign in without a password, or as the second step
 * after one. Each ceremony's challenge is stored when handed out and used up by the answer (five minutes at most),
 * so a captured answer cannot be replayed, even for passkeys whose signature counter stays at zero.
 */

export const CHALLENGE_TTL_MS = 5 * 60_000;
export const MAX_PASSKEYS = 20;

export interface PasskeyInfo {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

async function credentialsOf(db: DbOrTx, userId: string): Promise<StoredCredential[]> {
  const rows = await db.selectFrom('passkeys').select(['credential_id', 'public_key', 'counter', 'transports']).where('user_id', '=', userId).execute();
  return rows.map((r) => ({ credentialId: r.credential_id, publicKey: r.public_key, counter: Number(r.counter), transports: r.transports }));
}

export async function listPasskeys(ctx: ServiceContext, user: UserRecord): Promise<PasskeyInfo[]> {
  const rows = await ctx.db.selectFrom('passkeys').select(['id', 'name', 'created_at', 'last_used_at']).where('user_id', '=', user.id).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

async function issueChallenge(ctx: ServiceContext, challenge: string, purpose: 'register' | 'sign-in', userId: string | null): Promise<void> {
  const now = ctx.now();
  await ctx.db.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).execute();
  await ctx.db.insertInto('webauthn_challenges').values({ challenge, purpose, user_id: userId, expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS) }).execute();
}

/** Uses a challenge up: true once for a live challenge of this purpose (and user, when registering). */
const consumeChallenge = (ctx: ServiceContext, purpose: 'register' | 'sign-in', userId: string | null) => async (challenge: string) => {
  let q = ctx.db.deleteFrom('webauthn_challenges').where('challenge', '=', challenge).where('purpose', '=', purpose).where('expires_at', '>', ctx.now());
  q = userId ? q.where('user_id', '=', userId) : q.where('user_id', 'is', null);
  return Boolean(await q.returning('challenge').executeTakeFirst());
};

/** Options for the browser to create a passkey for the user (their existing ones excluded). */
export async function passkeyRegistrationOptions(ctx: ServiceContext, user: UserRecord): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await credentialsOf(ctx.db, user.id);
  if (existing.length >= MAX_PASSKEYS) throw new DomainError('conflict', `You have ${MAX_PASSKEYS} passkeys, the most an account keeps; remove one first`);
  const options = await registrationOptions(relyingParty(ctx.publicUrl), user, existing);
  await issueChallenge(ctx, options.challenge, 'register', user.id);
  return options;
}

/** Stores the passkey the browser created, for a challenge this user was given. */
export async function addPasskey(ctx: ServiceContext, user: UserRecord, input: { name: string; response: RegistrationResponseJSON }): Promise<PasskeyInfo> {
  const credential = await verifyRegistration(relyingParty(ctx.publicUrl), input.response, consumeChallenge(ctx, 'register', user.id));
  if (!credential) throw DomainError.validation([{ field: 'response', message: 'is not a valid passkey for this server (or the request expired); try again' }]);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const taken = await tx.selectFrom('passkeys').select('id').where('credential_id', '=', credential.credentialId).executeTakeFirst();
    if (taken) throw new DomainError('conflict', 'This passkey is already registered');
    const row = await tx
      .insertInto('passkeys')
      .values({
        credential_id: credential.credentialId,
        user_id: user.id,
        name: input.name,
        public_key: credential.publicKey,
        counter: credential.counter,
        transports: JSON.stringify(credential.transports),
        created_at: now,
      })
      .returning(['id', 'name', 'created_at', 'last_used_at'])
      .executeTakeFirstOrThrow();
    await refreshTwoFactorFlag(tx, user.id);
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.passkey-added', data: { user: user.id, passkey: row.id, name: input.name } }, now);
    return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at };
  });
}

/** Removes one of the user's passkeys (password required, as for turning the authenticator app off). */
export async function removePasskey(ctx: ServiceContext, user: UserRecord, id: string, password: string): Promise<void> {
  const row = await ctx.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, password))) throw DomainError.validation([{ field: 'password', message: 'is not your current password' }]);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('passkeys').where('id', '=', id).where('user_id', '=', user.id).returning(['id', 'name']).executeTakeFirst();
    if (!gone) throw new DomainError('not_found', 'No such passkey');
    await refreshTwoFactorFlag(tx, user.id);
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.passkey-removed', data: { user: user.id, passkey: gone.id, name: gone.name } }, now);
  });
}

/** Options for signing in with a passkey (any of this server's: the browser offers the ones it holds). */
export async function passkeySignInOptions(ctx: ServiceContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await authenticationOptions(relyingParty(ctx.publicUrl));
  await issueChallenge(ctx, options.challenge, 'sign-in', null);
  return options;
}

/**
 * The user a passkey assertion signs in, or null (unknown credential, a challenge not issued or already used, the
 * wrong origin, no user verification, a signature counter gone back, a disabled account). Every outcome is audited.
 */
export async function signInWithPasskey(ctx: ServiceContext, response: AuthenticationResponseJSON, ip: string): Promise<UserRecord | null> {
  const now = ctx.now();
  const row = await ctx.db
    .selectFrom('passkeys')
    .innerJoin('users', 'users.id', 'passkeys.user_id')
    .select(['passkeys.id as passkey_id', 'passkeys.credential_id', 'passkeys.public_key', 'passkeys.counter', 'passkeys.transports', 'users.id', 'users.email', 'users.name', 'users.site_admin', 'users.disabled', 'users.two_factor'])
    .where('passkeys.credential_id', '=', String(response.id ?? ''))
    .executeTakeFirst();
  const stored = row && { credentialId: row.credential_id, publicKey: row.public_key, counter: Number(row.counter), transports: row.transports };
  const counter = stored && !row.disabled ? await verifyAuthentication(relyingParty(ctx.publicUrl), response, consumeChallenge(ctx, 'sign-in', null), stored) : null;
  return ctx.db.transaction().execute(async (tx) => {
    if (!row || counter === null) {
      await appendAudit(tx, { actor: 'anonymous', action: 'session.sign-in-failed', data: { method: 'passkey', ...(row ? { user: row.id } : {}), ip } }, now);
      return null;
    }
    // Conditional on the counter read, so two requests replaying one assertion cannot both pass.
    const updated = await tx
      .updateTable('passkeys')
      .set({ counter, last_used_at: now })
      .where('id', '=', row.passkey_id)
      .where('counter', '=', row.counter)
      .returning('id')
      .executeTakeFirst();
    if (!updated) return null;
    await appendAudit(tx, { actor: `user:${row.id}`, action: 'session.signed-in', data: { user: row.id, ip, method: 'passkey', passkey: row.passkey_id } }, now);
    return { id: row.id, email: row.email, name: row.name, siteAdmin: row.site_admin, twoFactor: row.two_factor };
  });
}
