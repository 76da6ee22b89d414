import type { AdvisoryTables } from './schema-advisories.ts';
import type { PgpTables, ReportPgpColumns } from './schema-pgp.ts';
import type { MailTables } from './schema-mail.ts';
import type { RecognitionTables } from './schema-recognition.ts';
import type { NotifyTables } from './schema-notify.ts';
import type { CveTables } from './schema-cve.ts';
import type { SsoTables } from './schema-sso.ts';
import type { ReportTriageColumns, TriageTables } from './schema-triage.ts';
import type { CoordinationTables } from './schema-coordination.ts';
import type { IntakeReviewTables } from './schema-intake-review.ts';
import type { GhsaTables } from './schema-ghsa.ts';
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Bytes = Uint8Array;
type Json<T> = ColumnType<T, string, string>;

export interface ProjectsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  tracking_prefix: string;
  policy_yaml: string;
  policy: Json<unknown>;
  hosts: Json<string[]>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** The current version of its SLA promises (migration 0018, `policy_versions`). */
  sla_version: Generated<number>;
}

/** One version of a project's SLA promises (`{response, disclosure}`), saved at `effective_at` (migration 0018). */
export interface PolicyVersionsTable {
  project_id: string;
  version: number;
  sla: Json<unknown>;
  effective_at: Timestamp;
}

/** An address, host or tracking prefix held by one project instance-wide (migration 0009). */
export interface ProjectClaimsTable {
  kind: 'email' | 'host' | 'tracking_prefix';
  value: string;
  project_id: string;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  site_admin: boolean;
  disabled: Generated<boolean>;
  created_at: CreatedAt;
  /** True while the user has a confirmed TOTP or a passkey (migration 0013). */
  two_factor: Generated<boolean>;
}

/** A user's TOTP secret (migration 0013), sealed; `last_step` is the last 30 s step accepted (no code twice). */
export interface UserTotpTable {
  user_id: string;
  key_id: string;
  secret_sealed: Uint8Array;
  confirmed_at: Timestamp | null;
  last_step: Generated<number>;
  created_at: CreatedAt;
}

/** Single-use recovery codes (migration 0013), stored hashed. */
export interface RecoveryCodesTable {
  code_hash: string;
  user_id: string;
  created_at: CreatedAt;
  used_at: Timestamp | null;
}

/** A WebAuthn challenge handed out (migration 0013): used once, within five minutes. */
export interface WebauthnChallengesTable {
  challenge: string;
  purpose: 'register' | 'sign-in';
  user_id: string | null;
  expires_at: Timestamp;
}

/** WebAuthn credentials (migration 0013). `credential_id` is base64url; the counter may exceed 2^31 (bigint). */
export interface PasskeysTable {
  id: Generated<string>;
  credential_id: string;
  user_id: string;
  name: string;
  public_key: Uint8Array;
  counter: ColumnType<string | number, number, number>;
  transports: ColumnType<string[], string, string>;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
}

/** A single-use password reset link (migration 0012), stored hashed, valid one hour. */
export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface MembershipsTable {
  project_id: string;
  user_id: string;
  role: string;
  created_at: CreatedAt;
}

/** A pending or used invitation to a project (migration 0010); the link's token is stored as a hash. */
export interface InvitationsTable {
  id: Generated<string>;
  project_id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked: Generated<boolean>;
  /** Token scopes (migration 0012): a subset of read, triage, publish, admin. */
  scopes: ColumnType<string[], string, string>;
  /** Project ids the token is limited to; null for every project of its owner. */
  project_ids: ColumnType<string[] | null, string | null, string | null>;
  revoked_at: Timestamp | null;
}

export interface ReportSequencesTable {
  project_id: string;
  year: number;
  last_value: number;
}

export interface ReportsTable extends ReportPgpColumns, ReportTriageColumns {
  id: Generated<string>;
  project_id: string;
  tracking_id: string;
  state: string;
  rejection_reason: string | null;
  duplicate_of: string | null;
  severity: string | null;
  cvss_v3_vector: string | null;
  cvss_v4_vector: string | null;
  category: string | null;
  affected_version: string | null;
  version_status: string;
  version_matched: string | null;
  scope_status: string;
  credit_choice: string;
  terms_accepted: boolean;
  source: string;
  reporter_token_hash: string;
  /** Title sealed on its own so queue listings never open the body. */
  title_sealed: Bytes;
  body_sealed: Bytes;
  key_id: string;
  embargo_until: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /**
   * The queue index (migration 0011, `core/sla/queue-index.ts`): derived from the events, rewritten with every
   * event and for the whole project when its policy changes. `next_due_*` name the deadline the position stands for.
   */
  next_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  next_due_clock: ColumnType<string | null, string | null | undefined, string | null>;
  queue_rank: Generated<number>;
  queue_key: Generated<number>;
  /** The moment the index was computed for: what a waiting (paused) clock's time left and due time are as of. */
  queue_indexed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The version of the project's SLA promises it was submitted under (migration 0018): kept as made. */
  policy_version: Generated<number>;
  /** When the search job hashed the title and body into report_search; null until then (migration 0021). */
  search_indexed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The project member who has the report (migration 0022); null when nobody does. */
  assignee_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the reporter's contact data was erased (migration 0031, docs/retention.md); null while it is kept. */
  reporter_data_erased_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One outstanding deadline of an open report, in the SLA view's order (migration 0011): derived like the queue index. */
export interface ReportDeadlinesTable {
  report_id: string;
  project_id: string;
  clock: string;
  rank: number;
  sort_key: number;
  due_at: Timestamp;
}

/** The last audit entry a verification found intact (migration 0011). */
export interface AuditCheckpointTable {
  id: number;
  seq: number;
  hash: string;
  verified_at: Timestamp | null;
}

export interface ReportEventsTable {
  id: Generated<number>;
  report_id: string;
  at: Timestamp;
  kind: string;
  data: Json<Record<string, unknown>>;
  actor: string;
}

export interface MessagesTable {
  id: Generated<string>;
  report_id: string;
  author_kind: string;
  author_user_id: string | null;
  internal: boolean;
  body_sealed: Bytes;
  key_id: string;
  created_at: CreatedAt;
  /** When the search job hashed this message's words into report_search; null until then (migration 0021). */
  search_indexed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The keyed hashes (64-bit) of the distinct words of a report's title, body and messages (migration 0021): never the words. */
export interface ReportSearchTable {
  report_id: string;
  terms: string[];
}

export interface AttachmentsTable {
  id: Generated<string>;
  report_id: string;
  message_id: string | null;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  content_sealed: Bytes;
  key_id: string;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  seq: number;
  at: Timestamp;
  actor: string;
  action: string;
  project_id: string | null;
  report_id: string | null;
  data: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface SessionsTable {
  /** Shown to the user and used to revoke one session (migration 0012); the cookie's secret is only hashed. */
  id: Generated<string>;
  id_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

/** One OSV advisory; `record` is its JSON text as published. */
export interface OsvRecordsTable {
  id: string;
  modified: Timestamp;
  withdrawn: boolean;
  record: string;
  imported_at: Timestamp;
}

/** (ecosystem, normalised package name) → the records naming that package. */
export interface OsvPackagesTable {
  ecosystem: string;
  name: string;
  record_id: string;
}

export interface ScansTable {
  id: string;
  project_id: string;
  filename: string;
  format: string;
  sha256: string;
  packages: number;
  unchecked: Json<unknown[]>;
  advisories_checked: number;
  created_by: string;
  created_at: CreatedAt;
  /** dependency | hygiene | sarif (migration 0029). */
  kind: Generated<string>;
  /** The SARIF tool(s) of a `sarif` scan. */
  tool: string | null;
}

export interface ScanFindingsTable {
  id: string;
  scan_id: string;
  position: number;
  ecosystem: string;
  package: string;
  version: string;
  line: number | null;
  advisory_id: string;
  aliases: Json<string[]>;
  summary: string;
  severity: string | null;
  cvss_score: number | null;
  fixed: Json<string[]>;
}

/** The internal report a finding became: one per (project, advisory, ecosystem, normalised package). */
export interface ScanReportsTable {
  project_id: string;
  advisory_id: string;
  ecosystem: string;
  package: string;
  report_id: string;
  created_at: Timestamp;
}

/** A hygiene or SARIF finding of a scan (migration 0029); `message` never holds a secret in full. */
export interface ScanIssuesTable {
  id: string;
  scan_id: string;
  position: number;
  file: string;
  line: number | null;
  check: string;
  rule: string;
  severity: string;
  message: string;
  fingerprint: string;
}

/** Each fingerprint a project's scans of one scope have seen, and the scan that no longer found it. */
export interface ScanIssueStatesTable {
  project_id: string;
  fingerprint: string;
  scope: string;
  rule: string;
  first_scan_id: string;
  last_scan_id: string;
  resolved_scan_id: string | null;
  resolved_at: Timestamp | null;
}

/** The internal report a hygiene or SARIF finding became: one per (project, fingerprint). */
export interface ScanIssueReportsTable {
  project_id: string;
  fingerprint: string;
  report_id: string;
  created_at: Timestamp;
}

export interface Database extends AdvisoryTables, PgpTables, MailTables, RecognitionTables, SsoTables, NotifyTables, TriageTables, CoordinationTables, IntakeReviewTables, CveTables, GhsaTables {
  projects: ProjectsTable;
  policy_versions: PolicyVersionsTable;
  project_claims: ProjectClaimsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  api_tokens: ApiTokensTable;
  user_totp: UserTotpTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
  password_resets: PasswordResetsTable;
  report_sequences: ReportSequencesTable;
  reports: ReportsTable;
  report_events: ReportEventsTable;
  report_deadlines: ReportDeadlinesTable;
  audit_checkpoint: AuditCheckpointTable;
  messages: MessagesTable;
  report_search: ReportSearchTable;
  attachments: AttachmentsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  settings: SettingsTable;
  sessions: SessionsTable;
  osv_records: OsvRecordsTable;
  osv_packages: OsvPackagesTable;
  scans: ScansTable;
  scan_findings: ScanFindingsTable;
  scan_reports: ScanReportsTable;
  scan_issues: ScanIssuesTable;
  scan_issue_states: ScanIssueStatesTable;
  scan_issue_reports: ScanIssueReportsTable;
}
