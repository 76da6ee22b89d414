import { sql, type Kysely } from 'kysely';

/**
 * Queue search (issue 17) without plaintext at rest: `report_search` holds, per report, the keyed hashes
 * (adapters/crypto/blind-index.ts, 64-bit) of the distinct words of its title, body and thread messages, never the
 * words, in one array per report with a GIN index. A table of (term, report) rows was measured first
 * (bench/search.ts): ~200 bytes per word of a report, 1.2 GB at 50,000 reports; the GIN index's compressed posting
 * lists keep the same search several times smaller.
 *
 * The index is filled after the fact by the `search-index` job (services/reports/search-index.ts), which claims
 * the rows marked unindexed here (`search_indexed_at is null`) with FOR UPDATE SKIP LOCKED: every intake path
 * (web, API, mail, PGP, scanner) and every message is indexed the same way, without touching the writers. The
 * partial indexes keep the job's claim a small index scan however many rows are already indexed.
 *
 * Existing reports and messages start unindexed, so the job indexes them after the upgrade.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_search')
    .addColumn('report_id', 'uuid', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('terms', sql`bigint[]`, (c) => c.notNull())
    .execute();
  await sql`create index report_search_terms_idx on report_search using gin (terms)`.execute(db);
  await db.schema.alterTable('reports').addColumn('search_indexed_at', 'timestamptz').execute();
  await db.schema.alterTable('messages').addColumn('search_indexed_at', 'timestamptz').execute();
  await sql`create index reports_search_pending_idx on reports (created_at, id) where search_indexed_at is null`.execute(db);
  await sql`create index messages_search_pending_idx on messages (created_at, id) where search_indexed_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_search_pending_idx').ifExists().execute();
  await db.schema.dropIndex('reports_search_pending_idx').ifExists().execute();
  await db.schema.alterTable('messages').dropColumn('search_indexed_at').execute();
  await db.schema.alterTable('reports').dropColumn('search_indexed_at').execute();
  await db.schema.dropTable('report_search').execute();
}
