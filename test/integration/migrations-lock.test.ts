import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openDatabase, type OpenedDatabase } from '../../src/adapters/db/open-database.ts';
import { migrateToLatest, MIGRATION_NAMES } from '../../src/adapters/db/migrate.ts';
import { createPgDatabase } from '../support/harness.ts';

/**
 * Several instances starting at once on one empty PostgreSQL database (issue 21): Kysely's Migrator takes
 * pg_advisory_lock before it reads what has run, so each migration runs exactly once, and every instance opens.
 * Each "instance" has its own connection pool, as separate processes would.
 */
const adminUrl = process.env.EMBARGO_TEST_DATABASE_URL;
const INSTANCES = 4;

describe('concurrent migrations on PostgreSQL', { skip: adminUrl ? false : 'EMBARGO_TEST_DATABASE_URL is not set' }, () => {
  test(`${INSTANCES} instances migrating one empty database at once run each migration once`, async () => {
    const url = await createPgDatabase(adminUrl!);
    // Pools first (opening one already migrates: these go through migrateToLatest directly, to see what each ran).
    const { default: pg } = await import('pg');
    const { Kysely, PostgresDialect } = await import('kysely');
    const dbs = Array.from({ length: INSTANCES }, () => new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) }));
    try {
      const ran = await Promise.all(dbs.map((db) => migrateToLatest(db)));
      const all = ran.flat().sort();
      assert.deepEqual(all, [...MIGRATION_NAMES], `each migration ran once in all: ${JSON.stringify(ran.map((r) => r.length))}`);
      assert.equal(ran.filter((r) => r.length > 0).length, 1, 'one instance ran them all, the others waited for the lock and found none left');
      const rows = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(dbs[0]!)).rows.map((r) => r.name);
      assert.deepEqual(rows, [...MIGRATION_NAMES]);
      // And through the real start-up path: several openings at once of the migrated store all succeed.
      const opened: OpenedDatabase[] = await Promise.all(Array.from({ length: INSTANCES }, () => openDatabase({ dataDir: '', databaseUrl: url })));
      await Promise.all(opened.map((o) => o.close()));
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()));
    }
  });
});
