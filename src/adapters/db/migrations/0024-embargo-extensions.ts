import { sql, type Kysely } from 'kysely';

/**
 * Embargo extension requests (issue 19): a party of a case asks the maintainers to move the embargo to a later
 * date, with a reason (sealed like the case thread). The maintainers answer by setting the embargo (which mails
 * every party) and closing the request as granted or declined; every step is audited.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('embargo_extension_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('party_id', 'uuid', (c) => c.notNull().references('case_parties.id').onDelete('cascade'))
    .addColumn('requested_until', 'timestamptz', (c) => c.notNull())
    .addColumn('reason_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('embargo_extension_requests_report_idx').on('embargo_extension_requests').columns(['report_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('embargo_extension_requests').execute();
}
