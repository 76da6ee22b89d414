import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** On `reports` (migration 0019): true until the triage job has signed the report and found its candidates. */
export interface ReportTriageColumns {
  triage_pending: Generated<boolean>;
}

/** A report's terms as keyed hashes (HMAC-SHA256 under a key derived from encryption key `key_id`, 32 bits, signed int4). */
export interface ReportSignaturesTable {
  report_id: string;
  project_id: string;
  key_id: string;
  hashes: ColumnType<number[], string, string>;
  created_at: CreatedAt;
}

/** The project's inverted index: one row per (term, report). */
export interface ReportTermsTable {
  project_id: string;
  term: number;
  report_id: string;
}

/** How many of the project's signed reports hold each term. */
export interface ReportTermDfTable {
  project_id: string;
  term: number;
  n: number;
}

export interface TriageCorpusTable {
  project_id: string;
  reports: Generated<number>;
  /** The encryption key id the project's index key is derived from. */
  key_id: string;
}

/** An earlier report a new one resembles, with the reasons in words (sealed: they quote identifiers). */
export interface ReportDuplicateCandidatesTable {
  report_id: string;
  candidate_id: string;
  score: number;
  reasons_sealed: Uint8Array;
  key_id: string;
  created_at: CreatedAt;
}

/** Every id an OSV record answers to, upper-cased (its own and its aliases) → the record (migration 0020). */
export interface OsvAliasesTable {
  alias: string;
  record_id: string;
}

/** The imported advisories a report names or describes: sealed JSON `[{id, score, reasons}]` (migration 0020). */
export interface ReportKnownAdvisoriesTable {
  report_id: string;
  found_sealed: Uint8Array;
  key_id: string;
}

/** The reporter's address per report as a keyed 32-bit hash (migration 0020), for their record with the project. */
export interface ReportReportersTable {
  report_id: string;
  project_id: string;
  address_hash: number;
}

export interface TriageTables {
  report_reporters: ReportReportersTable;
  osv_aliases: OsvAliasesTable;
  report_known_advisories: ReportKnownAdvisoriesTable;
  report_signatures: ReportSignaturesTable;
  report_terms: ReportTermsTable;
  report_term_df: ReportTermDfTable;
  triage_corpus: TriageCorpusTable;
  report_duplicate_candidates: ReportDuplicateCandidatesTable;
}
