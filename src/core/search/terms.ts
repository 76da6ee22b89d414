/**
 * The words a report is found by (queue search, issue 17): Unicode-normalised (NFKC), lower-cased, split on
 * anything that is not a letter or a digit. The same function reads the stored text and the query, so a query
 * matches exactly the words the text had; every query word must occur (AND). The terms never reach the database
 * as text: the search service stores only a keyed hash of each one (see services/reports/search-index.ts).
 */

/** Shorter words are not indexed (they match nearly everything) and are dropped from a query. */
export const MIN_TERM = 2;
/** Longer words are cut here: a base64 blob or a hash is still found by its first 64 characters. */
export const MAX_TERM = 64;
/** A query of more words than this is refused, not silently shortened. */
export const MAX_QUERY_TERMS = 8;

const SPLIT = /[^\p{L}\p{N}]+/u;

/** The distinct terms of a text, in first-seen order. */
export function termsOf(text: string): string[] {
  const out = new Set<string>();
  for (const word of text.normalize('NFKC').toLowerCase().split(SPLIT)) {
    if (word.length < MIN_TERM) continue;
    out.add(word.length > MAX_TERM ? word.slice(0, MAX_TERM) : word);
  }
  return [...out];
}

/** Every string inside a JSON value (a report body's fields), joined: what `termsOf` reads of a body. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join('\n');
  return '';
}
