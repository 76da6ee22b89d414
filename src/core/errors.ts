/** Codes the core can raise; exactly one HTTP module maps them to statuses. */
export type DomainErrorCode =
  | 'validation'
  | 'not_found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'invalid_transition'
  | 'policy_invalid'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'locked'
  /** Too many attempts (e.g. failed sign-ins for one account): 429. */
  | 'rate_limited'
  /** Password right, second factor missing or wrong: sign in again with `totp_code`, `recovery_code` or a passkey (401). */
  | 'totp-required'
  /** The site or the project requires a second factor the user has not enrolled yet (403). */
  | 'two-factor-required'
  /** An OpenPGP-encrypted submission that cannot be decrypted (kept in quarantine): 422. */
  | 'pgp_rejected'
  /** An outside service Embargo asked (GitHub's API) failed or answered something unusable: 502. */
  | 'upstream_failed';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `description` or `supported_versions.1.status`. */
  field: string;
  message: string;
  /** 1-based line in a source document, when the input was a file. */
  line?: number;
}

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: DomainErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }

  static validation(problems: FieldProblem[], message = 'Invalid input'): DomainError {
    return new DomainError('validation', message, { problems });
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
