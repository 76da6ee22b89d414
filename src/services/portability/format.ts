import { documentAad, revisionAad } from '../advisories/store.ts';
import { aad } from '../reports/store.ts';

/**
 * The project export format (docs/operations.md, "Project export"): `export.json` plus one file per attachment,
 * in a tar archive. Rows are the tables' own columns, with every sealed column replaced by its plaintext and the
 * derived ones (queue index, search and duplicate indexes) left out: the importing instance rebuilds them.
 */
export const EXPORT_FORMAT = 'embargo-project-export';
export const EXPORT_VERSION = 1;

export type Row = Record<string, unknown>;

export interface SealedColumn {
  /** The sealed column and the column naming its key. */
  column: string;
  keyColumn: string;
  /** The field that holds the plaintext in the export; `file`: an `attachments/<id>` file instead. */
  as: string;
  kind: 'text' | 'json' | 'file';
  aad: (row: Row) => string;
}

export interface ExportedTable {
  name: string;
  /** How rows belong to the project: its own column, or through its reports or advisories. */
  scope: 'project' | 'report' | 'advisory';
  order: string[];
  sealed: SealedColumn[];
  /** Derived or instance-local columns: not exported; the importing instance rebuilds or generates them. */
  omit: string[];
  /** Columns naming a user of the exporting instance: exported (with the user's name and email in `users`), nulled on import. */
  userColumns: string[];
}

const str = (v: unknown): string => String(v);

export const TABLES: ExportedTable[] = [
  { name: 'policy_versions', scope: 'project', order: ['version'], sealed: [], omit: [], userColumns: [] },
  { name: 'report_sequences', scope: 'project', order: ['year'], sealed: [], omit: [], userColumns: [] },
  {
    name: 'reports',
    scope: 'project',
    order: ['tracking_id'],
    sealed: [
      { column: 'title_sealed', keyColumn: 'key_id', as: 'title', kind: 'text', aad: (r) => aad(str(r.id), 'title') },
      { column: 'body_sealed', keyColumn: 'key_id', as: 'body', kind: 'json', aad: (r) => aad(str(r.id), 'body') },
      { column: 'reporter_public_key_sealed', keyColumn: 'reporter_public_key_key_id', as: 'reporter_public_key', kind: 'text', aad: (r) => aad(str(r.id), 'reporter-public-key') },
    ],
    omit: ['queue_rank', 'queue_key', 'next_due_at', 'next_due_clock', 'queue_indexed_at', 'search_indexed_at', 'triage_pending'],
    userColumns: ['assignee_user_id'],
  },
  { name: 'report_events', scope: 'report', order: ['id'], sealed: [], omit: [], userColumns: [] },
  {
    name: 'messages',
    scope: 'report',
    order: ['created_at', 'id'],
    sealed: [{ column: 'body_sealed', keyColumn: 'key_id', as: 'body', kind: 'text', aad: (r) => aad(str(r.report_id), `message:${str(r.id)}`) }],
    omit: ['search_indexed_at'],
    userColumns: ['author_user_id'],
  },
  {
    name: 'attachments',
    scope: 'report',
    order: ['created_at', 'id'],
    sealed: [{ column: 'content_sealed', keyColumn: 'key_id', as: 'file', kind: 'file', aad: (r) => aad(str(r.report_id), `attachment:${str(r.id)}`) }],
    omit: [],
    userColumns: [],
  },
  { name: 'advisory_sequences', scope: 'project', order: ['year'], sealed: [], omit: [], userColumns: [] },
  {
    name: 'advisories',
    scope: 'project',
    order: ['public_id'],
    sealed: [{ column: 'document_sealed', keyColumn: 'key_id', as: 'draft_document', kind: 'json', aad: (r) => documentAad(str(r.id)) }],
    omit: [],
    userColumns: [],
  },
  {
    name: 'advisory_revisions',
    scope: 'advisory',
    order: ['advisory_id', 'number'],
    sealed: [{ column: 'document_sealed', keyColumn: 'key_id', as: 'document', kind: 'json', aad: (r) => revisionAad(str(r.advisory_id), Number(r.number)) }],
    omit: [],
    userColumns: [],
  },
];

export const attachmentPath = (id: string): string => `attachments/${id}`;

export interface ProjectExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exported_at: string;
  /** EMBARGO_PUBLIC_URL of the exporting instance. */
  source: string;
  /** The project's row (its policy as YAML in `policy_yaml`). */
  project: Row;
  /** Rows per table of TABLES, in their order. */
  tables: Record<string, Row[]>;
  /** The users the rows name (assignees, message authors), so the export reads without the source instance. */
  users: { id: string; email: string; name: string }[];
  /** The project's entries of the source's audit chain (seq, hash and prev_hash as recorded there). */
  audit: Row[];
}
