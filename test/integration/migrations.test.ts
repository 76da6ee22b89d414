import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/adapters/db/open-database.ts';
import { ENGINES } from '../support/harness.ts';
import { REPO } from '../support/fixtures.ts';

/** migrateToLatest: a store that has run every migration opens with one query; any other goes through Kysely's Migrator. */

const MIGRATIONS = readdirSync(join(REPO, 'src', 'adapters', 'db', 'migrations')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();

const open = (env: Record<string, string>) => openDatabase({ dataDir: env.DATA_DIR ?? '', databaseUrl: env.DATABASE_URL });
const executed = async (env: Record<string, string>): Promise<string[]> => {
  const database = await open(env);
  try {
    return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db)).rows.map((r) => r.name);
  } finally {
    await database.close();
  }
};

for (const engine of ENGINES) {
  describe(`migrations on ${engine.name}`, () => {
    test('an empty store is migrated by its first opening, and reopens as it is', async () => {
      const env = await engine.emptyEnv();
      assert.deepEqual(await executed(env), MIGRATIONS);
      assert.deepEqual(await executed(env), MIGRATIONS);
    });

    test('a store that ran a migration this version does not know is refused, as Kysely refuses it', async () => {
      const env = await engine.freshEnv();
      const database = await open(env);
      try {
        await sql`insert into kysely_migration (name, timestamp) values ('9999-from-a-newer-version', '2099-01-01T00:00:00.000Z')`.execute(database.db);
      } finally {
        await database.close();
      }
      await assert.rejects(open(env), /Database migration failed.*9999-from-a-newer-version/s);
    });
  });
}
