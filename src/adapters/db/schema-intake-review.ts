import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A blocked sender (migration 0027): `project_id` null blocks them on the whole instance. */
export interface SenderBlocksTable {
  id: Generated<string>;
  project_id: string | null;
  /** `email`, `pgp` (a key fingerprint, upper-case hex) or `network` (an IP or CIDR, canonical). */
  kind: string;
  value: string;
  /** Made with "block this sender" on a report: listed by the report, without the value. */
  from_report_id: string | null;
  from_tracking_id: string | null;
  note: string | null;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  lifted_at: Timestamp | null;
  lifted_by: string | null;
}

/** A submission held for review (migration 0027); its id becomes the report's id when released. */
export interface HeldReportsTable {
  id: string;
  project_id: string;
  tracking_id: string;
  /** `blocked` or `first-time`. */
  reason: string;
  block_id: string | null;
  source: string;
  reporter_token_hash: string;
  title_sealed: Uint8Array;
  /** The prepared report (row, attachments, acknowledgement), sealed as one JSON document. */
  payload_sealed: Uint8Array;
  key_id: string;
  created_at: Timestamp;
}

/** The project's file paths and function names (migration 0027), for the quality signals. */
export interface ProjectCodeIndexTable {
  project_id: string;
  /** `file` or `symbol`. */
  kind: string;
  name: string;
}

export interface IntakeReviewTables {
  sender_blocks: SenderBlocksTable;
  held_reports: HeldReportsTable;
  project_code_index: ProjectCodeIndexTable;
}
