import { sql } from 'kysely';
import { DomainError } from '../../core/errors.ts';
import { sha256Hex } from '../../adapters/crypto/tokens.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { normalizeAddress } from '../mail/addresses.ts';
import { clientNetwork } from '../../core/triage/blocks.ts';
import type { ServiceContext } from '../context.ts';
import { type UserRecord } from './users.ts';

/**
 * Failed sign-ins allowed for one address from one client network in a window, before that network is refused
 * for the address for the rest of the window. Counted per network, so a stranger's guesses do not lock the owner out.
 */
export const ACCOUNT_FAILURES_ALLOWED = 10;
/** Failed sign-ins allowed for one address from every network together: what stops guessing spread over many clients. */
export const ACCOUNT_FAILURES_ALLOWED_ANY_CLIENT = 50;
export const ACCOUNT_WINDOW_MS = 15 * 60_000;
/** The per-client window: EMBARGO_LOGIN_RATE_LIMIT failed sign-ins per client per minute, over every instance. */
export const CLIENT_WINDOW_MS = 60_000;

interface Counter {
  key: string;
  allowed: number;
  windowMs: number;
  refusal: string;
}

/**
 * Failed sign-ins counted per account and per client, in the database (`sign_in_failures`, keyed by a hash of the
 * address or of the client's network), so every instance on one PostgreSQL counts the same tries: the per-process
 * rate limit of the route alone lets each instance take its own share. Three counts: an address from one client
 * network (ten, then that network waits), an address from every network together (fifty: guessing spread over many
 * clients), and a client network over every address (EMBARGO_LOGIN_RATE_LIMIT a minute: spraying). A client
 * network is an IPv4 address or an IPv6 /64 (one host is usually given a whole /64). Every address is counted alike,
 * whether or not it has an account, so a refusal tells nothing about existence.
 */
export class LoginThrottle {
  constructor(
    private readonly ctx: Pick<ServiceContext, 'db' | 'now'>,
    /** Failed sign-ins allowed per client per minute (EMBARGO_LOGIN_RATE_LIMIT). */
    private readonly perClientPerMinute: number,
  ) {}

  private countersOf(email: string | null, ip: string): Counter[] {
    const network = clientNetwork(ip);
    const client = { key: clientKey(network), allowed: this.perClientPerMinute, windowMs: CLIENT_WINDOW_MS, refusal: 'Too many failed sign-ins from your network address' };
    if (email === null) return [client];
    return [
      { key: addressFromClientKey(email, network), allowed: ACCOUNT_FAILURES_ALLOWED, windowMs: ACCOUNT_WINDOW_MS, refusal: 'Too many failed sign-ins for this address from your network address' },
      { key: addressKey(email), allowed: ACCOUNT_FAILURES_ALLOWED_ANY_CLIENT, windowMs: ACCOUNT_WINDOW_MS, refusal: 'Too many failed sign-ins for this address' },
      client,
    ];
  }

  /**
   * Refuses (429) when any count for this address and client is used up. Without an address (a passkey sign-in
   * names none until it is verified), only the client's count applies.
   */
  async check(email: string | null, ip: string): Promise<void> {
    const now = this.ctx.now().getTime();
    const counters = this.countersOf(email, ip);
    const rows = await this.ctx.db
      .selectFrom('sign_in_failures')
      .select(['address_hash', 'failures', 'since'])
      .where('address_hash', 'in', counters.map((c) => c.key))
      .execute();
    for (const c of counters) {
      const row = rows.find((r) => r.address_hash === c.key);
      if (!row || row.since.getTime() <= now - c.windowMs || row.failures < c.allowed) continue;
      const seconds = Math.ceil((row.since.getTime() + c.windowMs - now) / 1000);
      const wait = seconds > 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} second${seconds === 1 ? '' : 's'}`;
      throw new DomainError('rate_limited', `${c.refusal}; try again in ${wait}`);
    }
  }

  /** Counts one failure per counter in one statement each (two instances counting at once both count); a window past its end starts anew. */
  async failed(email: string | null, ip: string): Promise<void> {
    const now = this.ctx.now();
    for (const c of this.countersOf(email, ip)) {
      const cutoff = new Date(now.getTime() - c.windowMs);
      await this.ctx.db
        .insertInto('sign_in_failures')
        .values({ address_hash: c.key, failures: 1, since: now })
        .onConflict((oc) =>
          oc.column('address_hash').doUpdateSet({
            failures: sql<number>`case when sign_in_failures.since <= ${cutoff} then 1 else sign_in_failures.failures + 1 end`,
            since: sql<Date>`case when sign_in_failures.since <= ${cutoff} then ${now} else sign_in_failures.since end`,
          }),
        )
        .execute();
    }
    // Windows that ended are dead (the longest is the account's): pruned as failures come, so the table holds at most a window's keys.
    await this.ctx.db.deleteFrom('sign_in_failures').where('since', '<=', new Date(now.getTime() - ACCOUNT_WINDOW_MS)).execute();
  }

  /**
   * A success clears the address's count from the client that signed in, and its count over every client: never
   * another network's count for the address (the owner signing in must not hand a guesser ten more tries).
   */
  async succeeded(email: string, ip: string): Promise<void> {
    const keys = [addressFromClientKey(email, clientNetwork(ip)), addressKey(email)];
    await this.ctx.db.deleteFrom('sign_in_failures').where('address_hash', 'in', keys).execute();
  }
}

const addressKey = (email: string): string => sha256Hex(`embargo-sign-in:${normalizeAddress(email)}`);
const addressFromClientKey = (email: string, network: string): string => sha256Hex(`embargo-sign-in-from:${network}:${normalizeAddress(email)}`);
const clientKey = (network: string): string => sha256Hex(`embargo-sign-in-client:${network}`);

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
