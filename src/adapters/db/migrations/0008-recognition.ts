import { sql, type Kysely } from 'kysely';

/**
 * Recognition: the bounty ledger and the advisory mailing list (the Hall of Fame reads published advisories and
 * needs no table of its own; the announce job marks `advisories.announced_at`, a column of migration 0007).
 *
 * - `bounty_entries`: one row per reward decision on a report. Amounts are integers of the currency's minor unit;
 *   the range the policy offered is frozen beside the award; who is rewarded (name, address, credit choice) is
 *   sealed. At most one active (not declined or cancelled) entry per report, enforced by a partial unique index
 *   so two admins awarding at once cannot create two.
 * - `mailing_list_subscribers`: one row per (project, address). The address is sealed and found by a hash; the
 *   confirmation token is stored only as a hash; the unsubscribe token is hashed for lookup and sealed so the
 *   announce job can put it into each mail's List-Unsubscribe header.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bounty_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('proposed','awarded','approved','paid','declined','cancelled')`))
    .addColumn('severity', 'text')
    .addColumn('range_currency', 'text')
    .addColumn('range_min_minor', 'bigint')
    .addColumn('range_max_minor', 'bigint')
    .addColumn('range_rewards', 'jsonb', (c) => c.notNull())
    .addColumn('reward_kind', 'text', (c) => c.check(sql`reward_kind in ('money','non-money','credit-only')`))
    .addColumn('amount_minor', 'bigint')
    .addColumn('currency', 'text')
    .addColumn('reward_items', 'jsonb', (c) => c.notNull())
    .addColumn('outside_range', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('reason', 'text')
    .addColumn('payment_reference', 'text')
    .addColumn('closing_reason', 'text')
    .addColumn('reporter_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'timestamptz')
    .addColumn('awarded_at', 'timestamptz')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('awarded_by', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('paid_by', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bounty_entries_project_idx').on('bounty_entries').columns(['project_id', 'created_at']).execute();
  await sql`create unique index bounty_entries_one_active_per_report on bounty_entries (report_id) where state in ('proposed','awarded','approved','paid')`.execute(db);

  await db.schema
    .createTable('mailing_list_subscribers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('email_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending','confirmed','unsubscribed')`))
    .addColumn('confirm_token_hash', 'text', (c) => c.unique())
    .addColumn('confirm_expires_at', 'timestamptz')
    .addColumn('confirmation_sent_at', 'timestamptz')
    .addColumn('unsubscribe_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('unsubscribe_token_sealed', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('unsubscribed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('mailing_list_subscribers_address', ['project_id', 'email_hash'])
    .execute();
  await db.schema.createIndex('mailing_list_subscribers_state_idx').on('mailing_list_subscribers').columns(['project_id', 'state']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['mailing_list_subscribers', 'bounty_entries']) await db.schema.dropTable(t).ifExists().execute();
}
