import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type BigId = ColumnType<string, string | number | undefined, string | number>;

/** A party in one report's case (migration 0023-coordination). */
export interface CasePartiesTable {
  id: Generated<string>;
  report_id: string;
  project_id: string;
  email: string;
  name: string;
  role: string;
  /** The account acting as this party; null until the invitation is accepted. */
  user_id: string | null;
  /** The pending invitation link's token, hashed; null once used. */
  token_hash: string | null;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  accepted_at: Timestamp | null;
  /** The party's unread marker: the last case_messages.seq it has read. */
  last_read_seq: ColumnType<string, string | number | undefined, string | number>;
}

/** One change of a party's status for (vulnerability, product); the latest row is the current status. */
export interface PartyStatusesTable {
  id: Generated<string>;
  party_id: string;
  report_id: string;
  vulnerability: string;
  product: string;
  versions: string | null;
  status: string;
  justification: string | null;
  fixed_versions: string | null;
  statement_sealed: Uint8Array | null;
  key_id: string | null;
  actor: string;
  created_at: Timestamp;
}

/** One message of the party thread (sealed). */
export interface CaseMessagesTable {
  seq: BigId;
  id: string;
  report_id: string;
  /** The party that wrote it; null for the project's maintainers. */
  party_id: string | null;
  author_user_id: string | null;
  author_name: string;
  body_sealed: Uint8Array;
  key_id: string;
  created_at: Timestamp;
}

/** A party's request to move a case's embargo later (migration 0024). */
export interface EmbargoExtensionRequestsTable {
  id: Generated<string>;
  report_id: string;
  party_id: string;
  requested_until: Timestamp;
  reason_sealed: Uint8Array;
  key_id: string;
  state: ColumnType<'pending' | 'granted' | 'declined', 'pending' | 'granted' | 'declined' | undefined, 'pending' | 'granted' | 'declined'>;
  created_at: Timestamp;
  decided_at: Timestamp | null;
}

/** A file of the party thread (migration 0028), sealed like a reporter's attachment. */
export interface CaseAttachmentsTable {
  id: string;
  report_id: string;
  message_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  content_sealed: Uint8Array;
  key_id: string;
  created_at: Timestamp;
}

/** A maintainer's unread marker in one case's party thread (migration 0028). */
export interface CaseReadMarkersTable {
  report_id: string;
  user_id: string;
  last_read_seq: ColumnType<string, string | number | undefined, string | number>;
}

/** The reporter's consent to show their identity to the case's parties (migration 0028). */
export interface ReporterIdentityConsentsTable {
  report_id: string;
  consented_at: Timestamp;
  /** The first time a party was shown it; consent can no longer be withdrawn after. */
  shared_at: Timestamp | null;
}

export interface CoordinationTables {
  case_attachments: CaseAttachmentsTable;
  case_read_markers: CaseReadMarkersTable;
  reporter_identity_consents: ReporterIdentityConsentsTable;
  embargo_extension_requests: EmbargoExtensionRequestsTable;
  case_parties: CasePartiesTable;
  party_statuses: PartyStatusesTable;
  case_messages: CaseMessagesTable;
}
