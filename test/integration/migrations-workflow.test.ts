import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/adapters/db/open-database.ts';
import { migrateTo } from '../../src/adapters/db/migrate.ts';
import { ENGINES, startTestRuntime } from '../support/harness.ts';
import { seedWorld } from '../support/fixtures.ts';
import { ADV, advisoryContent, api, fixedReport } from '../support/advisory-fixtures.ts';

const DAY = 86_400_000;
const open = (env: Record<string, string>) => openDatabase({ dataDir: env.DATA_DIR ?? '', databaseUrl: env.DATABASE_URL });

/**
 * Migrations 0017 and 0018 on a store that already has data, as an upgrade meets it: the data is written by this
 * version, both migrations are rolled back (their `down`), and the next opening runs them again.
 */
for (const engine of ENGINES) {
  describe(`upgrading a store with data to 0017 and 0018 on ${engine.name}`, () => {
    test("drafts whose date is their report's follow it, others keep their own; every project gets version 1, every report holds it", async () => {
      const rt = await startTestRuntime(engine);
      const world = await seedWorld(rt);
      const copied = await fixedReport(rt, world);
      await rt.app.inject({ method: 'PUT', url: `/api/v1/projects/privastream/reports/${copied.trackingId}/embargo`, headers: world.as('triager'), payload: { until: new Date(rt.clock.now.getTime() + 20 * DAY).toISOString() } });
      const a = (await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: copied.trackingId })).json() as { advisory: { id: string } };
      const own = await fixedReport(rt, world);
      const b = (await api(rt, world, 'POST', ADV, { ...advisoryContent({ credits: undefined }), report: own.trackingId, embargo_until: '2031-01-01T00:00:00Z' })).json() as { advisory: { id: string } };
      const env = rt.env;
      await rt.close();

      const before = await open(env);
      try {
        const untyped = before.db as unknown as Kysely<unknown>;
        // Back to just before 0017 (every later migration down first, newest first), as a store of that version was.
        await migrateTo(untyped, '0016-notification-preferences');
      } finally {
        await before.close();
      }

      const upgraded = await open(env);
      try {
        const follows = await sql<{ public_id: string; embargo_follows_report: boolean }>`select public_id, embargo_follows_report from advisories order by public_id`.execute(upgraded.db);
        assert.deepEqual(
          follows.rows.map((r) => [r.public_id, r.embargo_follows_report]),
          [
            [a.advisory.id, true],
            [b.advisory.id, false],
          ],
        );
        const versions = await sql<{ n: number; v: number }>`select count(*)::int as n, max(version)::int as v from policy_versions`.execute(upgraded.db);
        const projects = await sql<{ n: number }>`select count(*)::int as n from projects`.execute(upgraded.db);
        assert.deepEqual(versions.rows[0], { n: projects.rows[0]?.n, v: 1 });
        const held = await sql<{ v: number }>`select distinct policy_version as v from reports`.execute(upgraded.db);
        assert.deepEqual(held.rows, [{ v: 1 }]);
      } finally {
        await upgraded.close();
      }
    });
  });
}
