import { DomainError } from '../../core/errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { normalizeAddress } from '../mail/addresses.ts';
import type { ServiceContext } from '../context.ts';
import { type UserRecord } from './users.ts';

/** Failed sign-ins allowed per address in a window before it is refused for the rest of the window. */
export const ACCOUNT_FAILURES_ALLOWED = 10;
export const ACCOUNT_WINDOW_MS = 15 * 60_000;
const MAX_TRACKED = 50_000;

/**
 * Per-account throttle of failed sign-ins (per process; the per-client rate limit stands beside it). Every address
 * is counted alike, whether or not it has an account, so a refusal tells nothing about existence.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly now: () => Date) {}

  check(email: string): void {
    const entry = this.live(normalizeAddress(email));
    if (entry && entry.count >= ACCOUNT_FAILURES_ALLOWED) {
      const minutes = Math.ceil((entry.since + ACCOUNT_WINDOW_MS - this.now().getTime()) / 60_000);
      throw new DomainError('rate_limited', `Too many failed sign-ins for this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`);
    }
  }

  failed(email: string): void {
    const key = normalizeAddress(email);
    const entry = this.live(key);
    if (entry) entry.count += 1;
    else {
      if (this.failures.size >= MAX_TRACKED) this.failures.delete(this.failures.keys().next().value as string);
      this.failures.set(key, { count: 1, since: this.now().getTime() });
    }
  }

  succeeded(email: string): void {
    this.failures.delete(normalizeAddress(email));
  }

  private live(key: string) {
    const entry = this.failures.get(key);
    if (entry && this.now().getTime() - entry.since >= ACCOUNT_WINDOW_MS) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }
}

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
