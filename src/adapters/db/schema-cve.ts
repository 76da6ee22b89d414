import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** See migration 0025-cve-services for what each table is for. */
export interface CveSettingsTable {
  project_id: string;
  base_url: string;
  cna_short_name: string;
  cna_org_id: string;
  api_user: string;
  api_key_sealed: Uint8Array;
  key_id: string;
  record_version: '5.1' | '5.2' | null;
  updated_by: string;
  updated_at: Timestamp;
}

export interface CveIdsTable {
  cve_id: string;
  project_id: string;
  advisory_id: string | null;
  state: 'RESERVED' | 'PUBLISHED' | 'REJECTED';
  owning_cna: string;
  reserved_by: string;
  reserved_at: Timestamp;
}

export interface CvePublicationsTable {
  id: string;
  project_id: string;
  advisory_id: string;
  cve_id: string;
  action: 'publish' | 'update' | 'reject';
  status: 'pending' | 'sending' | 'published' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  claimed_until: Timestamp | null;
  last_status: number | null;
  last_error: string | null;
  created_by: string;
  created_at: Timestamp;
  done_at: Timestamp | null;
}

export interface CveRequestsTable {
  advisory_id: string;
  project_id: string;
  cna: string;
  requested_by: string;
  requested_at: Timestamp;
}

export interface CveTables {
  cve_settings: CveSettingsTable;
  cve_ids: CveIdsTable;
  cve_publications: CvePublicationsTable;
  cve_requests: CveRequestsTable;
}
