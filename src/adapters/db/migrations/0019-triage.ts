import { sql, type Kysely } from 'kysely';

/**
 * Duplicate detection (issue 18). A new report waits with `triage_pending` until the triage job signs it: its
 * terms as keyed 32-bit hashes (`report_signatures`, never a word in clear), one posting per term
 * (`report_terms`, the project's inverted index), the project's document frequencies (`report_term_df`,
 * `triage_corpus`), and the earlier reports it resembles (`report_duplicate_candidates`, reasons sealed: they
 * quote the report's identifiers). Computed after intake commits, so intake does no more work than before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('triage_pending', 'boolean', (c) => c.notNull().defaultTo(true)).execute();
  await sql`create index reports_triage_pending_idx on reports (created_at, id) where triage_pending`.execute(db);

  await db.schema
    .createTable('report_signatures')
    .addColumn('report_id', 'uuid', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    // The id of the encryption key the index key was derived from: only signatures made with one key compare.
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('hashes', sql`int4[]`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('report_signatures_key_idx').on('report_signatures').columns(['project_id', 'key_id']).execute();

  await db.schema
    .createTable('report_terms')
    .addColumn('project_id', 'uuid', (c) => c.notNull())
    .addColumn('term', 'integer', (c) => c.notNull())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('report_terms_pk', ['project_id', 'term', 'report_id'])
    .execute();
  await db.schema.createIndex('report_terms_report_idx').on('report_terms').column('report_id').execute();

  await db.schema
    .createTable('report_term_df')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('term', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_term_df_pk', ['project_id', 'term'])
    .execute();

  // One row per project: how many reports are signed, and under which key; its lock serialises the signing of one
  // project's reports. A project whose index key is not the active one is re-indexed from scratch.
  await db.schema
    .createTable('triage_corpus')
    .addColumn('project_id', 'uuid', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
    .addColumn('reports', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('key_id', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('report_duplicate_candidates')
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('candidate_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('reasons_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('report_duplicate_candidates_pk', ['report_id', 'candidate_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['report_duplicate_candidates', 'triage_corpus', 'report_term_df', 'report_terms', 'report_signatures']) await db.schema.dropTable(t).execute();
  await db.schema.alterTable('reports').dropColumn('triage_pending').execute();
}
