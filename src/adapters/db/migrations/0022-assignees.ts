import { sql, type Kysely } from 'kysely';

/**
 * Assignees and the queue's new filters (issue 17). `reports.assignee_user_id`: the project member who has the
 * report (set and cleared by `report:triage`, audited; a removed user leaves it unassigned). Two indexes in the
 * queue order, like reports_queue_state_idx (migration 0011), so "assigned to X" and "from source Y" are index
 * range scans that stop after a page however large the project; the flag and age filters read the queue order and
 * skip rows (measured in bench/search.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('reports')
    .addColumn('assignee_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('reports_queue_assignee_idx').on('reports').columns(['project_id', 'assignee_user_id', 'queue_rank', 'queue_key', 'id']).execute();
  await db.schema.createIndex('reports_queue_source_idx').on('reports').columns(['project_id', 'source', 'queue_rank', 'queue_key', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists reports_queue_source_idx`.execute(db);
  await sql`drop index if exists reports_queue_assignee_idx`.execute(db);
  await db.schema.alterTable('reports').dropColumn('assignee_user_id').execute();
}
