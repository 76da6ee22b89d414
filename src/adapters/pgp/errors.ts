import { DomainError } from '../../core/errors.ts';

/**
 * Why an OpenPGP input was refused. Carried as `details.pgp` on a `validation` DomainError, so the HTTP layer
 * answers 400 with `{ error: 'validation', pgp: <reason>, problems: [...] }` and intake can quarantine with it.
 */
export type PgpFailure =
  | 'bad_armor' // not OpenPGP armor at all, or armor of the wrong kind (a key where a message was expected)
  | 'malformed' // armor is fine but the packets inside are corrupt or truncated
  | 'wrong_key' // encrypted, but not to this project's key
  | 'not_encrypted' // a signed-only or literal message where an encrypted one was required
  | 'decryption_failed' // the session key opened but the data did not (tampered, truncated)
  | 'key_unusable' // a key that cannot encrypt or sign, revoked, or unsupported
  | 'key_expired'
  | 'key_locked' // a passphrase-protected private key without (the right) passphrase
  | 'not_private' // a public key where a private one was required
  | 'bad_mime'; // a PGP/MIME entity that does not follow RFC 3156

export const pgpError = (reason: PgpFailure, message: string, field = 'pgp'): DomainError =>
  new DomainError('validation', message, { pgp: reason, problems: [{ field, message }] });

export const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
