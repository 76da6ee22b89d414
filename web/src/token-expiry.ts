import { TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from '../../src/core/access/tokens.ts';

/**
 * The expiry date of a new API token, as the account page's date field offers it: whole days in UTC (the dates the
 * dashboard shows are UTC), the token working until the end of the chosen day. The latest day offered ends before
 * the server's limit (TOKEN_MAX_DAYS from now), however late in the day the form is sent.
 */
export interface ExpiryChoices {
  /** Tomorrow (UTC), `YYYY-MM-DD`: the earliest day that still leaves the token a moment to be used. */
  min: string;
  /** The default: TOKEN_DEFAULT_DAYS ahead. */
  initial: string;
  /** The last day the server accepts from any moment of today. */
  max: string;
}

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function expiryChoices(now: Date): ExpiryChoices {
  const today = Date.parse(dayOf(now.getTime()));
  return { min: dayOf(today + DAY), initial: dayOf(today + TOKEN_DEFAULT_DAYS * DAY), max: dayOf(today + (TOKEN_MAX_DAYS - 1) * DAY) };
}

/** `YYYY-MM-DD` → the last second of that day in UTC (what POST /api/v1/tokens gets as `expires_at`); null if not a date. */
export function endOfDayUtc(date: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)) || dayOf(Date.parse(date)) !== date) return null;
  return `${date}T23:59:59.000Z`;
}
