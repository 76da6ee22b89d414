import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Bytes = Uint8Array;

/** One credit as stored in clear once the advisory is published; `name: null` is an anonymous reporter. */
export interface StoredCredit {
  name: string | null;
  type: string;
  /** Tracking id of the report the credit came from, if any. */
  report: string | null;
}

export interface AdvisorySequencesTable {
  project_id: string;
  year: number;
  last_value: number;
}

/** See migration 0007: sealed document until published, clear document/title/credits afterwards. */
export interface AdvisoriesTable {
  id: Generated<string>;
  project_id: string;
  report_id: string | null;
  /** `<PREFIX>-SA-<year>-<nnnn>`, unique per project. */
  public_id: string;
  state: string;
  document_sealed: Bytes | null;
  key_id: string | null;
  document: ColumnType<unknown | null, string | null, string | null>;
  title: string | null;
  credits: ColumnType<StoredCredit[] | null, string | null, string | null>;
  cve_id: string | null;
  /** The embargo date: when a scheduled advisory publishes itself. */
  publish_at: Timestamp | null;
  /** The embargo date is the report's and moves with it (migration 0017); false: set on the advisory itself. */
  embargo_follows_report: Generated<boolean>;
  published_at: Timestamp | null;
  withdrawn_at: Timestamp | null;
  /** Set by the mailing-list announce job once the advisory went out. */
  announced_at: Timestamp | null;
  /** Number of the latest row in advisory_revisions. */
  revision: number;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AdvisoryRevisionsTable {
  advisory_id: string;
  number: number;
  state: string;
  document_sealed: Bytes;
  key_id: string;
  summary: string;
  actor: string;
  created_at: Timestamp;
}

export interface AdvisoryTables {
  advisory_sequences: AdvisorySequencesTable;
  advisories: AdvisoriesTable;
  advisory_revisions: AdvisoryRevisionsTable;
}
