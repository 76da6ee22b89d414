import type { Kysely } from 'kysely';

/**
 * Issue 19, the rest of the party thread and the reporter's consent:
 *
 * - `case_attachments`: files of the party thread, stored as intake stores a reporter's (sniffed content type,
 *   sha256, sealed at rest under the report's AAD), in their own table so no report route (the reporter's link,
 *   the maintainers' report page) ever lists or serves them, and no case route serves a reporter's file.
 * - `case_read_markers`: a maintainer's own unread marker in a case's party thread (per user, per case); a party's
 *   stays `case_parties.last_read_seq`.
 * - `reporter_identity_consents`: the reporter agreed that the case's parties may see their name and address.
 *   `shared_at` is set the first time a party is shown them; the reporter may withdraw consent until then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('message_id', 'uuid', (c) => c.notNull().references('case_messages.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_attachments_message_idx').on('case_attachments').columns(['message_id']).execute();

  await db.schema
    .createTable('case_read_markers')
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('last_read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('case_read_markers_pk', ['report_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('reporter_identity_consents')
    .addColumn('report_id', 'uuid', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('consented_at', 'timestamptz', (c) => c.notNull())
    .addColumn('shared_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reporter_identity_consents').execute();
  await db.schema.dropTable('case_read_markers').execute();
  await db.schema.dropTable('case_attachments').execute();
}
