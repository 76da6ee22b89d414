import { sql, type Kysely } from 'kysely';

/**
 * The queue's age filters ("received within a day", `max_age_days`) read reports by when they arrived. With only
 * the queue-order indexes, a selective age filter walked the project's whole queue order to fill a page (161 ms
 * median, 293 ms p90 at 50,000 reports on PostgreSQL); with this index the planner reads the few recent reports
 * and sorts them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('reports_project_created_idx').on('reports').columns(['project_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists reports_project_created_idx`.execute(db);
}
