import { CURRENCY } from '../policy/formats.ts';

/**
 * ISO 4217 minor units for the currencies that do not use two decimals. Amounts are kept as integers of the
 * minor unit (cents, yen, fils) so totals are exact: a ledger never sums floating-point money.
 */
const ZERO_DECIMALS = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMALS = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Largest amount accepted, in minor units: far above any bounty, far below Number.MAX_SAFE_INTEGER. */
export const MAX_MINOR = 1_000_000_000_000;

export const isCurrency = (s: string): boolean => CURRENCY.test(s);

export const minorDigits = (currency: string): number => (ZERO_DECIMALS.has(currency) ? 0 : THREE_DECIMALS.has(currency) ? 3 : 2);

const DECIMAL = /^(\d{1,15})(?:\.(\d{1,3}))?$/;

/**
 * "1500", "1500.5", 1500.5 → minor units of `currency`, or a problem text. More decimals than the currency
 * has (0.001 USD, 10.5 JPY) are refused rather than rounded: money is never silently changed.
 */
export function parseAmount(input: string | number, currency: string): { minor: number } | { problem: string } {
  const text = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : input.trim();
  const m = DECIMAL.exec(text);
  if (!m) return { problem: 'must be a positive decimal amount such as 1500 or 1500.50' };
  const digits = minorDigits(currency);
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return { problem: `${currency} has ${digits} decimal${digits === 1 ? '' : 's'}` };
  const minor = Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (minor <= 0) return { problem: 'must be greater than zero (give a non-money reward instead)' };
  if (minor > MAX_MINOR) return { problem: 'is too large' };
  return { minor };
}

/** A policy amount (a plain number of major units) in minor units. */
export const toMinor = (major: number, currency: string): number => Math.round(major * 10 ** minorDigits(currency));

/** 150050 USD → "1500.50"; 1500 JPY → "1500". */
export function formatMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}
