import { hashToken, newSecretToken } from '../../adapters/crypto/tokens.ts';
import type { DbOrTx } from '../context.ts';
import type { UserRecord } from './users.ts';

/** Records a new session and returns its id (kept only inside the sealed cookie; the database holds its hash). */
export async function startSession(db: DbOrTx, userId: string, now: Date, maxAgeSeconds: number): Promise<string> {
  const id = newSecretToken('ses_');
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  await db
    .insertInto('sessions')
    .values({ id_hash: hashToken(id), user_id: userId, created_at: now, expires_at: new Date(now.getTime() + maxAgeSeconds * 1000) })
    .execute();
  return id;
}

/** The user of a live session: not ended, not expired, user not disabled. */
export async function sessionUser(db: DbOrTx, id: string, userId: string, now: Date): Promise<UserRecord | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.site_admin', 'users.two_factor'])
    .where('sessions.id_hash', '=', hashToken(id))
    .where('sessions.user_id', '=', userId)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled', '=', false)
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, name: row.name, siteAdmin: row.site_admin, twoFactor: row.two_factor } : null;
}

export async function endSession(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', hashToken(id)).execute();
}
