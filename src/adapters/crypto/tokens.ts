import { createHash, randomBytes } from 'node:crypto';

/** 192 random bits, URL-safe: reporter links, API tokens, setup tokens. Only the hash is ever stored. */
export const newSecretToken = (prefix = ''): string => prefix + randomBytes(24).toString('base64url');

export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

export const hashToken = (token: string): string => sha256Hex(`embargo-token:${token}`);

