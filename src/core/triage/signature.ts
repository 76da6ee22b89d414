import { isIdentifier, termsOf, type Term, type TermKind } from './terms.ts';

/**
 * A report's signature: its terms as keyed 32-bit hashes (the hash function is passed in — in the product an
 * HMAC under a key derived from the instance's encryption key, so what is stored never spells a word), sorted
 * and unique. The kind of each term rides in the top 3 bits so weighting and the "different CVE ids" rule
 * work on hashes alone.
 */
export type TermHash = (key: string) => number;

// GHSA and other advisory ids share a code: 3 bits hold 8 kinds.
const KIND_CODE: Record<TermKind, number> = { word: 0, cve: 1, ghsa: 2, advisory: 2, function: 3, file: 4, version: 5, package: 6, class: 7 };
const KINDS: TermKind[] = ['word', 'cve', 'advisory', 'function', 'file', 'version', 'package', 'class'];
const MASK = 0x1fffffff;

export const kindOfHash = (h: number): TermKind => KINDS[(h >>> 29) & 7] as TermKind;

export interface Signature {
  /** Sorted unique unsigned 32-bit hashes. */
  hashes: Uint32Array;
}

export interface SignedTerms {
  signature: Signature;
  /** Each hash's term, for the reasons of the report being signed (never stored). */
  termOf: Map<number, Term>;
}

/** The text a signature is built from: the title and the body's free-text fields. */
export function signText(text: string, hash: TermHash): SignedTerms {
  const termOf = new Map<number, Term>();
  for (const t of termsOf(text)) {
    const h = (((KIND_CODE[t.kind] << 29) | (hash(t.key) & MASK)) >>> 0);
    if (!termOf.has(h)) termOf.set(h, t);
  }
  const hashes = Uint32Array.from(termOf.keys()).sort();
  return { signature: { hashes }, termOf };
}

/** Whether a hash names a report or advisory id (CVE, GHSA, OSV): two reports naming only different ones differ. */
export const isAdvisoryId = (h: number): boolean => {
  const k = kindOfHash(h);
  return k === 'cve' || k === 'advisory';
};

export const isFlawClass = (h: number): boolean => kindOfHash(h) === 'class';

export const isIdentifierHash = (h: number): boolean => isIdentifier(kindOfHash(h));

/** Hashes in both sorted arrays. */
export function sharedHashes(a: Uint32Array, b: Uint32Array): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}
