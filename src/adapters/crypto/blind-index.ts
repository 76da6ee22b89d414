import { createHmac, hkdfSync } from 'node:crypto';

/**
 * A keyed blind index of words (queue search): HMAC-SHA-256 of a term, its first 8 bytes as a signed 64-bit integer
 * (a bigint column: compact in a GIN index), under a key derived (HKDF) from each configured encryption key. Two words
 * share a hash with a chance of about n²/2^65 (n distinct words: 10^-8 for a million); a query would then also find
 * the reports of the other word — the one cost of a short hash. The database holds only these hashes: without the instance's keys
 * they do not say which words a report contains, and they cannot be tested against a dictionary.
 *
 * New terms are hashed under the active key's derived key; a query hashes each term under every configured key,
 * so reports indexed before a key rotation are still found while their key is configured (as it must be to open
 * them at all).
 */
export interface BlindIndex {
  /** The stored form of a term (active key), as a decimal string (a bigint). */
  hash(term: string): string;
  /** Every stored form a term may have (one per configured key). */
  candidates(term: string): string[];
}

const INFO = 'embargo queue search terms v1';

export function createBlindIndex(keys: ReadonlyMap<string, Buffer>, activeKeyId: string): BlindIndex {
  const derived = new Map<string, Buffer>();
  for (const [id, key] of keys) derived.set(id, Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), INFO, 32)));
  const active = derived.get(activeKeyId);
  if (!active) throw new Error(`Encryption key ${activeKeyId} is not among the configured keys`);
  const mac = (key: Buffer, term: string) => createHmac('sha256', key).update(term, 'utf8').digest().readBigInt64BE(0).toString();
  const others = [...derived.entries()].filter(([id]) => id !== activeKeyId).map(([, k]) => k);
  return {
    hash: (term) => mac(active, term),
    candidates: (term) => [mac(active, term), ...others.map((k) => mac(k, term))],
  };
}
