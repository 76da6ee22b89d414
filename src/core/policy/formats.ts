/** Format checks shared by the policy parser and the security.txt validator. */

export const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const TRACKING_PREFIX = /^[A-Z][A-Z0-9]{1,9}$/;
export const SCOPE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const CURRENCY = /^[A-Z]{3}$/;
export const PGP_FINGERPRINT = /^(?:[0-9A-F]{4}\s?){9}[0-9A-F]{4}$|^(?:[0-9A-F]{4}\s?){15}[0-9A-F]{4}$/i;
/** RFC 3339 date-time, as security.txt `Expires` requires. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const EMAIL = /^[^\s@<>()[\],;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
/** BCP 47 language tag, loosely: `en`, `de-CH`, `zh-Hant-TW`. */
export const LANGUAGE_TAG = /^[a-z]{2,8}(?:-[a-z0-9]{1,8})*$/i;

export const isEmail = (s: string): boolean => EMAIL.test(s);
export const isHostname = (s: string): boolean => HOSTNAME.test(s);

/** Any control character (CR and LF among them) or white space: never inside a URI or a one-line field. */
const CONTROL_OR_SPACE = /[\s\x00-\x1f\x7f]/;
const CONTROL = /[\x00-\x1f\x7f]/;
/** A field rendered on one line (security.txt, headers): no control characters, so no line can be smuggled in. */
export const isOneLine = (s: string): boolean => !CONTROL.test(s);

function urlWithScheme(s: string, schemes: readonly string[]): boolean {
  // The URL parser drops tabs and line breaks silently; the raw text is what gets rendered, so refuse them here.
  if (CONTROL_OR_SPACE.test(s)) return false;
  try {
    const url = new URL(s);
    return schemes.includes(url.protocol) && (!url.protocol.startsWith('http') || url.hostname !== '');
  } catch {
    return false;
  }
}

export const isWebUrl = (s: string): boolean => urlWithScheme(s, ['http:', 'https:']);
export const isHttpsUrl = (s: string): boolean => urlWithScheme(s, ['https:']);
export const hasScheme = (s: string, schemes: readonly string[]): boolean => urlWithScheme(s, schemes);

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** An instant with an explicit offset (RFC 3339); a bare date is ambiguous for a deadline. */
export const parseInstant = (s: string): Date | null => (RFC3339.test(s) && !Number.isNaN(Date.parse(s)) ? new Date(s) : null);
