import { sql, type Kysely } from 'kysely';

/**
 * Who is told what (issue 16).
 *
 * - `notification_preferences`: per user and project, which events are mailed (`all`, `high` = reports and scan
 *   findings of high or critical severity only, `none`) and whether a report's title may appear in the mail. No
 *   row: the role's default (admins and triagers `all`, viewers `none`).
 * - `user_pgp_keys`: a maintainer's OpenPGP public key; their notification mails are encrypted to it.
 * - `outbox.encrypt_to_user`: the maintainer a queued mail is to be encrypted to (when they have a key then).
 * - `reporter_digests`: a reporter's status changes waiting to be mailed together (at most one mail per report
 *   per ten minutes, listing every change).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('all', 'assigned', 'high', 'none')`))
    .addColumn('include_titles', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'project_id'])
    .execute();
  await db.schema.createIndex('notification_preferences_project_idx').on('notification_preferences').column('project_id').execute();

  await db.schema
    .createTable('user_pgp_keys')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('public_key_armored', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('outbox').addColumn('encrypt_to_user', 'uuid', (c) => c.references('users.id').onDelete('set null')).execute();

  await db.schema
    .createTable('reporter_digests')
    .addColumn('report_id', 'uuid', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('changes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('next_send_at', 'timestamptz')
    .addColumn('last_sent_at', 'timestamptz')
    .execute();
  await sql`create index reporter_digests_due_idx on reporter_digests (next_send_at) where next_send_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reporter_digests').execute();
  await db.schema.alterTable('outbox').dropColumn('encrypt_to_user').execute();
  await db.schema.dropTable('user_pgp_keys').execute();
  await db.schema.dropTable('notification_preferences').execute();
}
