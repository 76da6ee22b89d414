import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM envelope: [version 1][iv 12][tag 16][ciphertext]. The key id is stored beside the bytes so old
 * rows stay readable after the active key is rotated; the AAD binds a ciphertext to its row and purpose, so a
 * sealed value copied into another row does not open.
 */
export interface Sealer {
  readonly activeKeyId: string;
  seal(plain: Uint8Array | string, aad: string): { keyId: string; sealed: Buffer };
  open(keyId: string, sealed: Uint8Array, aad: string): Buffer;
}

const VERSION = 1;

export function createSealer(keys: ReadonlyMap<string, Buffer>, activeKeyId: string): Sealer {
  const active = keys.get(activeKeyId);
  if (!active) throw new Error(`Encryption key ${activeKeyId} is not among the configured keys`);
  for (const [id, key] of keys) if (key.length !== 32) throw new Error(`Encryption key ${id} must be 32 bytes`);
  return {
    activeKeyId,
    seal(plain, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', active, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const data = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain;
      const body = Buffer.concat([cipher.update(data), cipher.final()]);
      return { keyId: activeKeyId, sealed: Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]) };
    },
    open(keyId, sealed, aad) {
      const key = keys.get(keyId);
      if (!key) throw new Error(`Encryption key ${keyId} is not configured: cannot open data sealed with it`);
      const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      if (buf[0] !== VERSION) throw new Error('Unknown sealed data version');
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(1, 13));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(buf.subarray(13, 29));
      return Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]);
    },
  };
}

export const openJson = <T>(sealer: Sealer, keyId: string, sealed: Uint8Array, aad: string): T =>
  JSON.parse(sealer.open(keyId, sealed, aad).toString('utf8')) as T;
