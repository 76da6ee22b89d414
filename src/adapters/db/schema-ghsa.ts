import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A GitHub repository advisory imported as a report (migration 0026, docs/ghsa.md). */
export interface GhsaImportsTable {
  project_id: string;
  ghsa_id: string;
  report_id: string;
  /** GitHub's state at the last import: triage, draft, published, closed, withdrawn. */
  ghsa_state: string;
  ghsa_updated_at: Timestamp | null;
  /** The imported advisory (core/ghsa GhsaAdvisory) as sealed JSON. */
  record_sealed: Uint8Array;
  key_id: string;
  imported_at: Timestamp;
  updated_at: Timestamp;
}

/** A project's GitHub repository to import from, with the admin's token sealed (never returned or logged). */
export interface GhsaSourcesTable {
  project_id: string;
  repository: string;
  token_sealed: Uint8Array;
  key_id: string;
  updated_by: string;
  updated_at: Timestamp;
  last_synced_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface GhsaTables {
  ghsa_imports: GhsaImportsTable;
  ghsa_sources: GhsaSourcesTable;
}
