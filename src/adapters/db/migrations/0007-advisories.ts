import { sql, type Kysely } from 'kysely';

/**
 * Security advisories and their revisions.
 *
 * - `advisories`: one row per advisory. Until it is published the advisory is embargoed data, so its document
 *   (the `Advisory` JSON of src/core/advisories) is sealed in `document_sealed` and `document`, `title` and
 *   `credits` are null. Publication writes the document, title and credits in clear (public pages, feeds, the
 *   Hall of Fame read them without opening anything) and drops the sealed copy. `publish_at` is the embargo
 *   date the publish job waits for; `announced_at` is set by the mailing-list announce job (recognition).
 *   `credits` once published: `[{ name: string | null, type, report: tracking id | null }]`, null name =
 *   anonymous (counted, never named).
 * - `advisory_revisions`: every saved version (creation, each edit, each transition), always sealed: a draft's
 *   history is as confidential as the draft. The public revision history lives in the document itself.
 * - `advisory_sequences`: per project and year, the last number of `<PREFIX>-SA-<year>-<nnnn>` public ids.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('advisory_sequences')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_sequences_pk', ['project_id', 'year'])
    .execute();

  await db.schema
    .createTable('advisories')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('restrict'))
    .addColumn('report_id', 'uuid', (c) => c.references('reports.id').onDelete('set null'))
    .addColumn('public_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('draft','in-review','scheduled','published','amended','withdrawn')`),
    )
    .addColumn('document_sealed', 'bytea')
    .addColumn('key_id', 'text')
    .addColumn('document', 'jsonb')
    .addColumn('title', 'text')
    .addColumn('credits', 'jsonb')
    .addColumn('cve_id', 'text')
    .addColumn('publish_at', 'timestamptz')
    .addColumn('published_at', 'timestamptz')
    .addColumn('withdrawn_at', 'timestamptz')
    .addColumn('announced_at', 'timestamptz')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Exactly one of the two forms holds the document.
    .addCheckConstraint('advisories_document_form', sql`(document_sealed is null) <> (document is null)`)
    .execute();
  await db.schema.createIndex('advisories_public_id_idx').on('advisories').columns(['project_id', 'public_id']).unique().execute();
  await db.schema.createIndex('advisories_report_idx').on('advisories').column('report_id').execute();
  // The publish job's claim: scheduled advisories by date.
  await db.schema.createIndex('advisories_due_idx').on('advisories').columns(['state', 'publish_at']).execute();
  await db.schema.createIndex('advisories_published_idx').on('advisories').columns(['project_id', 'published_at']).execute();

  await db.schema
    .createTable('advisory_revisions')
    .addColumn('advisory_id', 'uuid', (c) => c.notNull().references('advisories.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('document_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_revisions_pk', ['advisory_id', 'number'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['advisory_revisions', 'advisories', 'advisory_sequences']) await db.schema.dropTable(t).ifExists().execute();
}
