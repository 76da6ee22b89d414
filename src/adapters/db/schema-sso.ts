import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface SsoGranted {
  site_admin: boolean;
  /** Project slug → the role the map gave there, and the role (given in Embargo) it replaced: back to that when taken back. */
  projects: Record<string, { role: string; was: string | null }>;
}

/** An account's identity at an OpenID Connect provider (migration 0014-sso). */
export interface SsoIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  /** The verified email the provider gave when the link was made (for the audit trail and admins). */
  email: string;
  /** What the group → role map gave at the last sign-in, and may take back at the next. */
  granted: ColumnType<SsoGranted, string | undefined, string>;
  created_at: Timestamp;
  last_sign_in_at: Timestamp;
}

/**
 * Failed sign-ins in the current window (migration 0032), shared by every instance: one row per address from one
 * client network, per address overall and per client network (services/access/sign-in.ts).
 */
export interface SignInFailuresTable {
  /** sha256 of what is counted (the normalised address, the client network, or both), each with its own prefix. */
  address_hash: string;
  failures: number;
  since: Timestamp;
}

export interface SsoTables {
  sso_identities: SsoIdentitiesTable;
  sign_in_failures: SignInFailuresTable;
}
