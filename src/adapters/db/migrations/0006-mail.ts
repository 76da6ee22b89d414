import { sql, type Kysely } from 'kysely';

/**
 * Mail: the outbox, per-report reply addresses and the reminders already sent.
 *
 * - `outbox`: every mail Embargo sends, written in the transaction of the change it announces (so it exists iff
 *   the change committed) and drained by the outbox job. Recipient, subject, body and headers are one sealed
 *   envelope; only what the drainer and the admin view need to filter on is in the clear. `status` is
 *   pending → sending (claimed, with a lease in `claimed_until`) → sent | failed; a claim whose lease ran out
 *   (its process died) is taken again.
 * - `mail_reply_addresses`: the secret token of a report's reply address (`security+r-<token>@domain`),
 *   hashed for lookup and sealed so later mails can name the same address; `reporter_hash` is the hash of the
 *   reporter's normalised address, so a reply from anyone else is held rather than appended.
 * - `mail_reminders`: one row per (report, deadline, due date, threshold) already mailed to the maintainers; the
 *   primary key makes "exactly once" hold across instances (insert … on conflict do nothing, then send).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('project_id', 'uuid', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('report_id', 'uuid', (c) => c.references('reports.id').onDelete('cascade'))
    .addColumn('envelope_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('encrypt_to_reporter', 'boolean', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_project_idx').on('outbox').columns(['project_id', 'created_at']).execute();

  await db.schema
    .createTable('mail_reply_addresses')
    .addColumn('report_id', 'uuid', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('reporter_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('mail_reminders')
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('threshold', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_reminders_pk', ['report_id', 'deadline', 'due_at', 'threshold'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mail_reminders').execute();
  await db.schema.dropTable('mail_reply_addresses').execute();
  await db.schema.dropTable('outbox').execute();
}
