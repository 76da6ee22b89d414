import { sql } from 'kysely';
import { DomainError } from '../../core/errors.ts';
import { sha256Hex } from '../../adapters/crypto/tokens.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { normalizeAddress } from '../mail/addresses.ts';
import type { ServiceContext } from '../context.ts';
import { type UserRecord } from './users.ts';

/** Failed sign-ins allowed per address in a window before it is refused for the rest of the window. */
export const ACCOUNT_FAILURES_ALLOWED = 10;
export const ACCOUNT_WINDOW_MS = 15 * 60_000;

/**
 * Per-account throttle of failed sign-ins (the per-client rate limit stands beside it). Kept in the database
 * (`sign_in_failures`), so every instance on one PostgreSQL counts the same tries. Every address is counted
 * alike, whether or not it has an account, so a refusal tells nothing about existence.
 */
export class LoginThrottle {
  constructor(private readonly ctx: Pick<ServiceContext, 'db' | 'now'>) {}

  async check(email: string): Promise<void> {
    const now = this.ctx.now().getTime();
    const row = await this.ctx.db
      .selectFrom('sign_in_failures')
      .select(['failures', 'since'])
      .where('address_hash', '=', addressKey(email))
      .where('since', '>', new Date(now - ACCOUNT_WINDOW_MS))
      .executeTakeFirst();
    if (row && row.failures >= ACCOUNT_FAILURES_ALLOWED) {
      const minutes = Math.ceil((row.since.getTime() + ACCOUNT_WINDOW_MS - now) / 60_000);
      throw new DomainError('rate_limited', `Too many failed sign-ins for this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`);
    }
  }

  /** Counts one failure in one statement (two instances counting at once both count); a window past its end starts anew. */
  async failed(email: string): Promise<void> {
    const now = this.ctx.now();
    const cutoff = new Date(now.getTime() - ACCOUNT_WINDOW_MS);
    await this.ctx.db
      .insertInto('sign_in_failures')
      .values({ address_hash: addressKey(email), failures: 1, since: now })
      .onConflict((oc) =>
        oc.column('address_hash').doUpdateSet({
          failures: sql<number>`case when sign_in_failures.since <= ${cutoff} then 1 else sign_in_failures.failures + 1 end`,
          since: sql<Date>`case when sign_in_failures.since <= ${cutoff} then ${now} else sign_in_failures.since end`,
        }),
      )
      .execute();
    // Windows that ended are dead: pruned as failures come, so the table holds at most a window's addresses.
    await this.ctx.db.deleteFrom('sign_in_failures').where('since', '<=', cutoff).execute();
  }

  async succeeded(email: string): Promise<void> {
    await this.ctx.db.deleteFrom('sign_in_failures').where('address_hash', '=', addressKey(email)).execute();
  }
}

const addressKey = (email: string): string => sha256Hex(`embargo-sign-in:${normalizeAddress(email)}`);

/** Every sign-in, good or bad, in the audit log (site admins read it); a failure names the address as typed. */
export async function recordSignIn(ctx: ServiceContext, email: string, user: UserRecord | null, ip: string, method = 'password'): Promise<void> {
  await ctx.db.transaction().execute((tx) =>
    appendAudit(
      tx,
      user
      ? { actor: `user:${user.id}`, action: 'session.signed-in', data: { user: user.id, ip, method } }
        : { actor: 'anonymous', action: 'session.sign-in-failed', data: { email: normalizeAddress(email).slice(0, 254), ip } },
      ctx.now(),
    ),
  );
}

/** The password was right but the second factor was not: audited against the account (its owner should know). */
export async function recordSecondFactorFailure(ctx: ServiceContext, user: UserRecord, ip: string): Promise<void> {
  await ctx.db.transaction().execute((tx) => appendAudit(tx, { actor: 'anonymous', action: 'session.second-factor-failed', data: { user: user.id, ip } }, ctx.now()));
}
