import { sql, type Kysely } from 'kysely';

/**
 * Intake review (issue 18): blocked senders, the review queue, and the project's code index.
 *
 * - `sender_blocks`: a sender blocked by address, OpenPGP fingerprint or network (IP or CIDR), for a project or the
 *   whole instance (`project_id` null), until `expires_at` (null: indefinitely) or until lifted (`lifted_at`). A block
 *   made from a report names the report and is listed without its value (the maintainer sees no more of the sender).
 * - `held_reports`: submissions held for review (a blocked sender, or a first-time reporter when the policy says so):
 *   the tracking id they were given, why, and everything the report needs, sealed. Released, the row becomes a
 *   report (clocks start then); discarded, it is deleted. Either way audited.
 * - `project_code_index`: the project's file paths and function names, uploaded by a maintainer (no network), so the
 *   quality signals can say which ones a report names.
 * - indexes on the reporter's address hash (any project) and fingerprints: the reporter's history per key, and the "earlier accepted report" check.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sender_blocks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('project_id', 'uuid', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('from_report_id', 'uuid', (c) => c.references('reports.id').onDelete('set null'))
    .addColumn('from_tracking_id', 'text')
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('lifted_at', 'timestamptz')
    .addColumn('lifted_by', 'text')
    .execute();
  await db.schema.createIndex('sender_blocks_lookup_idx').on('sender_blocks').columns(['kind', 'value']).where(sql.ref('lifted_at'), 'is', null).execute();
  await db.schema.createIndex('sender_blocks_project_idx').on('sender_blocks').columns(['project_id', 'created_at']).execute();

  await db.schema
    .createTable('held_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('tracking_id', 'text', (c) => c.notNull().unique())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('block_id', 'uuid', (c) => c.references('sender_blocks.id').onDelete('set null'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reporter_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('title_sealed', 'bytea', (c) => c.notNull())
    .addColumn('payload_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('held_reports_project_idx').on('held_reports').columns(['project_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('project_code_index')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_code_index_pk', ['project_id', 'kind', 'name'])
    .execute();

  await db.schema.createIndex('report_reporters_any_project_idx').on('report_reporters').column('address_hash').execute();
  await db.schema.createIndex('reports_reporter_key_fp_idx').on('reports').column('reporter_key_fingerprint').where(sql.ref('reporter_key_fingerprint'), 'is not', null).execute();
  await db.schema.createIndex('reports_signer_fp_idx').on('reports').column('signer_fingerprint').where(sql.ref('signer_fingerprint'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('reports_signer_fp_idx').ifExists().execute();
  await db.schema.dropIndex('reports_reporter_key_fp_idx').ifExists().execute();
  await db.schema.dropIndex('report_reporters_any_project_idx').ifExists().execute();
  for (const t of ['project_code_index', 'held_reports', 'sender_blocks']) await db.schema.dropTable(t).ifExists().execute();
}
