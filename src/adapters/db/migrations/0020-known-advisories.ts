import { sql, type Kysely } from 'kysely';

/**
 * Known advisories (issue 18): a report that names an id of an imported OSV record (its id or an alias: CVE,
 * GHSA…) or names a package and describes one of its advisories is shown as "already public as …".
 *
 * - `osv_aliases`: every id a record answers to (its own and its aliases) → the record; written by the import
 *   with the record, filled here from the records already imported. Withdrawn records have none.
 * - `report_known_advisories`: what the triage job found for a report, sealed (it tells what the report is about).
 * - `report_reporters`: a keyed 32-bit hash of the reporter's address per report (the same HMAC key as the term
 *   index), so the quality signals can count a reporter's earlier reports to the project without the address in
 *   clear.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('osv_aliases')
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('osv_aliases_pk', ['alias', 'record_id'])
    .execute();
  await db.schema.createIndex('osv_aliases_record_idx').on('osv_aliases').column('record_id').execute();
  await sql`insert into osv_aliases (alias, record_id)
    select upper(id), id from osv_records where not withdrawn
    union
    select upper(a), id from osv_records, jsonb_array_elements_text(coalesce((record::jsonb)->'aliases', '[]'::jsonb)) as a where not withdrawn
    on conflict do nothing`.execute(db);

  await db.schema
    .createTable('report_known_advisories')
    .addColumn('report_id', 'uuid', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('found_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('report_reporters')
    .addColumn('report_id', 'uuid', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('address_hash', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('report_reporters_address_idx').on('report_reporters').columns(['project_id', 'address_hash']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_reporters').execute();
  await db.schema.dropTable('report_known_advisories').execute();
  await db.schema.dropTable('osv_aliases').execute();
}
