import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../../src/server/config.ts';
import { compose, type Runtime } from '../../src/server/compose.ts';
import { MIGRATION_NAMES } from '../../src/adapters/db/migrate.ts';
import { verifyAudit } from '../../src/services/audit/audit-log.ts';
import { createPgDatabase, tempDir } from '../support/harness.ts';
import { REPO } from '../support/fixtures.ts';

/**
 * Upgrades (issue 21): every store in test/fixtures/upgrade/<migration>/ was written by the version whose last
 * migration names its folder (scripts/make-upgrade-fixture.ts). Opening it here runs every later migration —
 * whatever they are: the list is this checkout's — and its data must read back: reports decrypt with the keys kept
 * beside the fixture, thread and attachments are there, the advisory answers, and the audit chain verifies in full.
 */
const FIXTURES = join(REPO, 'test', 'fixtures', 'upgrade');

interface Expected {
  made_by_migration: string;
  migrations: string[];
  admin_token: string;
  outsider_token: string;
  reports: { project: string; tracking_id: string; title: string; state: string; reporter_token?: string; messages?: number; attachments?: number }[];
  advisory: { id: string };
  audit_head: { seq: number; hash: string };
}

const pgBin = (name: string): string => {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)) : [];
  return versions.length ? join('/usr/lib/postgresql', versions.at(-1)!, 'bin', name) : name;
};

async function checkUpgraded(env: Record<string, string>, expected: Expected): Promise<void> {
  const rt: Runtime = await compose(loadConfig(env), { logger: false, jobs: false });
  try {
    const ran = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(rt.ctx.db)).rows.map((r) => r.name);
    assert.deepEqual(ran, [...MIGRATION_NAMES], 'every migration of this version has run');
    assert.ok(expected.migrations.every((m) => ran.includes(m)));
    assert.ok(ran.length > expected.migrations.length || ran.at(-1) === expected.made_by_migration);

    for (const r of expected.reports) {
      const token = r.project === 'privastream' ? expected.admin_token : expected.outsider_token;
      const res = await rt.app.inject({ url: `/api/v1/projects/${r.project}/reports/${r.tracking_id}`, headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json() as { title: string; state: string; body: { description: string }; messages: unknown[]; attachments: unknown[] };
      assert.equal(report.title, r.title);
      assert.equal(report.state, r.state);
      assert.match(report.body.description, /\.\.\/ sequences/);
      if (r.messages !== undefined) assert.equal(report.messages.length, r.messages);
      if (r.attachments !== undefined) assert.equal(report.attachments.length, r.attachments);
      if (r.reporter_token) {
        const mine = await rt.app.inject({ url: `/api/v1/reporter/${r.reporter_token}` });
        assert.equal(mine.statusCode, 200, mine.body);
        assert.equal((mine.json() as { title: string }).title, r.title);
      }
    }
    const advisory = await rt.app.inject({ url: `/api/v1/projects/privastream/advisories/${expected.advisory.id}`, headers: { authorization: `Bearer ${expected.admin_token}` } });
    assert.equal(advisory.statusCode, 200, advisory.body);

    const audit = await verifyAudit(rt.ctx.db, { full: true });
    assert.deepEqual(audit.problems, []);
    assert.ok(audit.entries >= expected.audit_head.seq);
    const kept = await sql<{ hash: string }>`select hash from audit_log where seq = ${expected.audit_head.seq}`.execute(rt.ctx.db);
    assert.equal(kept.rows[0]?.hash, expected.audit_head.hash, 'the fixture head entry is unchanged');
  } finally {
    await rt.close();
  }
}

const fixtures = existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : [];
test('there is at least one upgrade fixture', () => assert.ok(fixtures.length >= 1));

for (const name of fixtures) {
  const dir = join(FIXTURES, name);
  const secrets = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')) as Record<string, string>;

  describe(`upgrading the ${name} store`, () => {
    test('embedded (PGlite data directory)', async () => {
      const dataDir = tempDir('embargo-upgrade-');
      execFileSync('tar', ['-xJf', join(dir, 'pglite.tar.xz'), '-C', dataDir]);
      await checkUpgraded({ DATA_DIR: dataDir, ...secrets }, JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected);
    });

    const adminUrl = process.env.EMBARGO_TEST_DATABASE_URL;
    test('PostgreSQL (plain pg_dump)', { skip: adminUrl ? false : 'EMBARGO_TEST_DATABASE_URL is not set' }, async () => {
      const url = await createPgDatabase(adminUrl!);
      execFileSync(pgBin('psql'), ['-q', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, 'postgres.sql'), url], { stdio: ['ignore', 'ignore', 'pipe'] });
      await checkUpgraded({ DATA_DIR: tempDir('embargo-upgrade-'), DATABASE_URL: url, ...secrets }, JSON.parse(readFileSync(join(dir, 'expected-postgres.json'), 'utf8')) as Expected);
    });
  });
}
