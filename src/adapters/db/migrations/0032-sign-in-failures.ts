import { sql, type Kysely } from 'kysely';

/**
 * The per-address throttle of failed sign-ins, in the database (it lived in each server process's memory, so
 * several instances on one PostgreSQL each allowed their own ten tries). One row per address tried, keyed by a
 * hash of the normalised address (the audit log already names addresses; this table need not), counting the
 * failures since the window opened. Rows past their window are dead and are deleted as they are met and by
 * the prune in `services/access/sign-in.ts`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('address_hash', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('since', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_failures_since_idx').on('sign_in_failures').column('since').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists sign_in_failures`.execute(db);
}
