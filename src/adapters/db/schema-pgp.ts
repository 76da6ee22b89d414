import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** See migration 0005-pgp for what each table is for. */
export interface ProjectKeysTable {
  id: Generated<string>;
  project_id: string;
  /** Upper-case hex, no spaces. */
  fingerprint: string;
  algorithm: string;
  /** JSON array of the key's user ids. */
  user_ids: string;
  key_created_at: Timestamp;
  expires_at: Timestamp | null;
  public_key_armored: string;
  private_key_sealed: Uint8Array;
  /** Sealer key id of `private_key_sealed`. */
  key_id: string;
  origin: 'generated' | 'imported';
  created_at: Timestamp;
  /** null = the project's current key (at most one). */
  retired_at: Timestamp | null;
}

export type QuarantineChannel = 'email' | 'api' | 'web';

export interface QuarantineTable {
  id: Generated<string>;
  project_id: string | null;
  channel: QuarantineChannel;
  reason_code: string;
  reason: string;
  sender: string | null;
  raw_sealed: Uint8Array;
  key_id: string;
  size: number;
  created_at: Timestamp;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  resolution: string | null;
}

/** Columns migration 0005 adds to `reports`. */
export interface ReportPgpColumns {
  encrypted: Generated<boolean>;
  /** 'none' | 'valid' | 'invalid' | 'unknown-key' */
  signature_status: Generated<string>;
  signer_fingerprint: string | null;
  reporter_public_key_sealed: Uint8Array | null;
  reporter_public_key_key_id: string | null;
  reporter_key_fingerprint: string | null;
}

export interface PgpTables {
  project_keys: ProjectKeysTable;
  quarantine: QuarantineTable;
}
