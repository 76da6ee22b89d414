import { DomainError } from '../errors.ts';
import { parseInstant } from './formats.ts';
import type { SecurityTxtFields } from './types.ts';

/** Used when the policy sets neither `expires` nor `expires_in_days`: well inside RFC 9116's one-year advice. */
export const DEFAULT_EXPIRES_IN_DAYS = 180;
const DAY_MS = 86_400_000;

export function oneYearAfter(now: Date): Date {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d;
}

/** Why `expires` breaks RFC 9116 at `now`, or null when it is fine. */
export function expiresProblem(expires: Date, now: Date): string | null {
  if (expires.getTime() <= now.getTime()) return 'must be in the future';
  if (expires.getTime() >= oneYearAfter(now).getTime()) return 'must be less than one year in the future';
  return null;
}

/**
 * The Expires instant for a security.txt rendered at `now`, whole seconds.
 * `expires_in_days: 365` can land exactly on the one-year mark, so it is kept one second short of it.
 */
export function resolveExpires(fields: SecurityTxtFields | undefined, now: Date): Date {
  if (fields?.expires !== undefined) {
    const expires = parseInstant(fields.expires);
    const problem = expires ? expiresProblem(expires, now) : 'must be an RFC 3339 date-time';
    if (!expires || problem) {
      throw new DomainError('policy_invalid', `contacts.security_txt.expires ${problem}`, {
        problems: [{ field: 'contacts.security_txt.expires', message: problem }],
      });
    }
    return expires;
  }
  const days = fields?.expires_in_days ?? DEFAULT_EXPIRES_IN_DAYS;
  const wholeSecond = Math.floor(now.getTime() / 1000) * 1000;
  const limit = oneYearAfter(new Date(wholeSecond)).getTime() - 1000;
  return new Date(Math.min(wholeSecond + days * DAY_MS, limit));
}

/** RFC 3339 in UTC without milliseconds, e.g. `2026-03-01T12:00:00Z`. */
export const formatInstant = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
