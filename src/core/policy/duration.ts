import { DomainError } from '../errors.ts';

/**
 * A policy duration. Weeks are normalised to days; business days are counted by the SLA engine
 * with the policy's `business_days`, `holidays` and `timezone`.
 */
export interface Duration {
  amount: number;
  unit: 'hours' | 'days' | 'business_days';
}

const DURATION = /^([1-9][0-9]{0,3})\s*(h|d|bd|w)$/;

/** `48h` → 48 hours, `7d` → 7 days, `5bd` → 5 business days, `2w` → 14 days; null when malformed. */
export function tryParseDuration(text: string): Duration | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const amount = Number(m[1]);
  switch (m[2]) {
    case 'h':
      return { amount, unit: 'hours' };
    case 'd':
      return { amount, unit: 'days' };
    case 'bd':
      return { amount, unit: 'business_days' };
    default:
      return { amount: amount * 7, unit: 'days' };
  }
}

/** Like `tryParseDuration`, for already validated policies: a malformed duration is a `policy_invalid` error. */
export function parseDuration(text: string): Duration {
  const d = tryParseDuration(text);
  if (!d) throw new DomainError('policy_invalid', `Not a duration: "${text}" (use 48h, 7d, 5bd or 2w)`, { duration: text });
  return d;
}

const UNIT_WORDS: Record<Duration['unit'], [string, string]> = {
  hours: ['hour', 'hours'],
  days: ['day', 'days'],
  business_days: ['business day', 'business days'],
};

/** Human wording: "48 hours", "1 day", "5 business days". */
export function formatDuration(d: Duration): string {
  const [one, many] = UNIT_WORDS[d.unit];
  return `${d.amount} ${d.amount === 1 ? one : many}`;
}

/** Bounds in hours; a business-day span has no upper bound because weekends and holidays stretch it. */
export function durationHourBounds(d: Duration): { min: number; max: number } {
  switch (d.unit) {
    case 'hours':
      return { min: d.amount, max: d.amount };
    case 'days':
      return { min: d.amount * 24, max: d.amount * 24 };
    case 'business_days':
      return { min: d.amount * 24, max: Number.POSITIVE_INFINITY };
  }
}
