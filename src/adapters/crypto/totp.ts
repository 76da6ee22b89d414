import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { sha256Hex } from './tokens.ts';

/**
 * TOTP per RFC 6238 as every authenticator app reads it (SHA-1, 6 digits, 30 s), through the `otpauth` library.
 * Codes are accepted one step either side of now; the caller records the step so a code is never used twice.
 */
const PERIOD = 30;
const DIGITS = 6;

export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

export function totpUri(secret: string, account: string, issuer: string): string {
  return new TOTP({ issuer, label: account, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) }).toString();
}

/** The 30 s step at which `code` is valid (now ±1 step), or null. */
export function totpStep(secret: string, code: string, now: Date): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const totp = new TOTP({ algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) });
  const delta = totp.validate({ token, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : TOTP.counter({ period: PERIOD, timestamp: now.getTime() }) + delta;
}

/** The code for a moment (tests and the CLI's own checks; authenticator apps compute the same). */
export function totpCode(secret: string, at: Date): string {
  return new TOTP({ algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) }).generate({ timestamp: at.getTime() });
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A recovery code: 10 characters from an unambiguous alphabet (~49 bits), shown as `xxxxx-xxxxx`. */
export function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** How a recovery code is stored: typed with or without the dash, in any case, it hashes the same. */
export const hashRecoveryCode = (code: string): string => sha256Hex(`embargo-recovery:${code.toLowerCase().replace(/[^a-z0-9]/g, '')}`);
