/**
 * A copy of a JSON value with every object's keys in alphabetical order, as CSAF optional test 6.2.13 expects
 * (BSI's validator compares with `Intl.Collator`; keys here are ASCII names, which 'en' orders the same way).
 * Array order is meaning and stays.
 */
const COLLATOR = new Intl.Collator('en');

export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeysDeep(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [z]) => COLLATOR.compare(a, z));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeysDeep(v)])) as T;
}
