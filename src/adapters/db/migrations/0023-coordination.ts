import { sql, type Kysely } from 'kysely';

/**
 * Multi-party coordination (issue 19): parties in a case, their statuses, the party thread.
 *
 * - `case_parties`: an upstream, vendor, distribution or expert invited into one report's case by email. The
 *   party is no project member: it reaches the case only through /api/v1/cases/… and only while this row names its
 *   account. The invitation link's token is stored hashed (single use, 7 days), like project invitations.
 *   `last_read_seq` is the party's unread marker in the case thread.
 * - `party_statuses`: append-only, one row per change (the history); the latest row per (party, vulnerability,
 *   product) is the current status. The statement text is sealed like report bodies.
 * - `case_messages`: the party thread, separate from the reporter thread (`messages`); `seq` orders it and is what
 *   unread markers compare, so two messages in the same millisecond are still told apart.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_parties')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('invited_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('last_read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('case_parties_report_email_uq', ['report_id', 'email'])
    .execute();
  await db.schema.createIndex('case_parties_user_idx').on('case_parties').columns(['user_id', 'report_id']).execute();

  await db.schema
    .createTable('party_statuses')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('party_id', 'uuid', (c) => c.notNull().references('case_parties.id').onDelete('cascade'))
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('vulnerability', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('versions', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('justification', 'text')
    .addColumn('fixed_versions', 'text')
    .addColumn('statement_sealed', 'bytea')
    .addColumn('key_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('party_statuses_report_idx').on('party_statuses').columns(['report_id', 'party_id', 'vulnerability', 'product', 'id']).execute();

  await db.schema
    .createTable('case_messages')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('id', 'uuid', (c) => c.notNull().unique())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('party_id', 'uuid', (c) => c.references('case_parties.id').onDelete('set null'))
    .addColumn('author_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('body_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_messages_report_idx').on('case_messages').columns(['report_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_messages').execute();
  await db.schema.dropTable('party_statuses').execute();
  await db.schema.dropTable('case_parties').execute();
}
