import { createHmac, hkdfSync } from 'node:crypto';
import type { TermHash } from '../../core/triage/signature.ts';

/**
 * The key that duplicate detection hashes a report's terms with, derived (HKDF-SHA256) from one of the instance's
 * encryption keys: the stored signatures are HMACs, so a copy of the database does not reveal which words a report
 * holds, nor can it be tested against a dictionary without the key. Each signature records the id of the key its
 * hashes were made with; only signatures made with the same key are compared.
 */
export function triageIndexKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'embargo triage term index v1', 32));
}

/** HMAC-SHA256 of a term under the index key, its first 32 bits. */
export function createTermHash(indexKey: Buffer): TermHash {
  return (term) => createHmac('sha256', indexKey).update(term, 'utf8').digest().readUInt32BE(0);
}
