import { sql, type Kysely } from 'kysely';

/**
 * The scans list is keyset-paged in the order it shows: newest first, ties (scans of one millisecond: a CI matrix
 * uploading at once) by id. `scans_project_idx` (project_id, created_at) gives the time order but not the ties'
 * order, so a page could only be cut after sorting; this index is the list's order itself: a page (the first, or
 * the one after a cursor) is the next rows of one index range, and the findings are counted for those rows alone.
 * It serves whatever the old index did (its prefix), which is dropped rather than kept up to date for nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('scans_project_page_idx').on('scans').columns(['project_id', 'created_at desc', 'id']).execute();
  await sql`drop index if exists scans_project_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('scans_project_idx').on('scans').columns(['project_id', 'created_at']).execute();
  await sql`drop index if exists scans_project_page_idx`.execute(db);
}
