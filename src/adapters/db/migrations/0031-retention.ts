import { sql, type Kysely } from 'kysely';

/**
 * Retention of reporters' contact data (issue 21, docs/retention.md): when a report's reporter data was erased
 * (by the retention job after the policy's days past closing, or by an admin on request). The partial index holds
 * only closed reports not yet erased: what the job looks at.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('reporter_data_erased_at', 'timestamptz').execute();
  await sql`create index reports_retention_pending_idx on reports (project_id) where reporter_data_erased_at is null and state in ('rejected', 'disclosed', 'closed')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('reports_retention_pending_idx').ifExists().execute();
  await db.schema.alterTable('reports').dropColumn('reporter_data_erased_at').execute();
}
