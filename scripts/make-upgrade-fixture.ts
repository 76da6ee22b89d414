/**
 * Makes the upgrade fixtures of test/integration/upgrade.test.ts: a store written by THIS checkout, with representative data — users, tokens, two projects,
 * reports with thread messages and attachments, triage moves, a rejection, a published advisory, the audit chain.
 *
 *   node --import tsx scripts/make-upgrade-fixture.ts            # embedded store only
 *   EMBARGO_TEST_DATABASE_URL=postgres://… node --import tsx scripts/make-upgrade-fixture.ts   # and a PostgreSQL dump
 *
 * Run it on a clean checkout of the version the fixture stands for (the 0024 fixture was made at main 1bd3df9:
 * `git worktree add /tmp/at-main 1bd3df9`, link node_modules, copy this script in, run it, copy the folder back).
 *
 * Writes test/fixtures/upgrade/<last migration>/: pglite.tar.xz (the PGlite data directory), postgres.sql (plain
 * pg_dump of the same data, when a server is given), secrets.json (the keys the data is sealed with: test keys,
 * nothing else is sealed with them) and expected.json (what the test reads back).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { ENGINES, startTestRuntime, type Engine } from '../test/support/harness.ts';
import { REPO, seedWorld, submit, validReport } from '../test/support/fixtures.ts';
import { advisoryContent, fixedReport, publishedAdvisory } from '../test/support/advisory-fixtures.ts';
import { multipartBody } from '../test/support/multipart.ts';

// Read from the folder, not from migrate.ts, so the script runs on older checkouts too.
const MIGRATION_NAMES = readdirSync(join(REPO, 'src', 'adapters', 'db', 'migrations')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
const last = MIGRATION_NAMES.at(-1)!;
const out = join(REPO, 'test', 'fixtures', 'upgrade', last);
mkdirSync(out, { recursive: true });
const secrets = { EMBARGO_ENCRYPTION_KEYS: `fixture1:${randomBytes(32).toString('base64')}`, EMBARGO_SESSION_SECRET: randomBytes(32).toString('base64') };

async function populate(engine: Engine) {
  const rt = await startTestRuntime(engine, secrets);
  const world = await seedWorld(rt);
  const P = '/api/v1/projects/privastream';
  // A fixed report with a thread both ways and a published advisory crediting its reporter (which discloses it).
  const fixed = await fixedReport(rt, world, validReport({ title: 'Fixture: path traversal in the model loader' }));
  await rt.app.inject({ method: 'POST', url: `${P}/reports/${fixed.trackingId}/messages`, headers: world.as('triager'), payload: { body: 'Thanks, we reproduced it.' } });
  await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${fixed.reporterToken}/messages`, payload: { body: 'Glad to help; a second path is /export.' } });
  const advisory = await publishedAdvisory(rt, world, { ...advisoryContent(), report: fixed.trackingId });
  // A report with an attachment (multipart), left new; one rejected as out of scope; one on the other project.
  const form = await multipartBody(validReport({ title: 'Fixture: report with a proof of concept', reporter_email: 'bob@example.net', reporter_name: 'Bob' }), [
    { filename: 'poc.txt', data: Buffer.from('GET /models?name=../../etc/passwd\n'), type: 'text/plain' },
  ]);
  const withFile = await rt.app.inject({ method: 'POST', url: `${P}/reports`, ...form });
  if (withFile.statusCode !== 201) throw new Error(withFile.body);
  const rejected = await submit(rt, 'privastream', validReport({ title: 'Fixture: rejected report', reporter_email: 'carol@example.net' }));
  await rt.app.inject({ method: 'POST', url: `${P}/reports/${rejected.tracking_id}/transitions`, headers: world.as('triager'), payload: { to: 'rejected', reason: 'out-of-scope' } });
  const other = await submit(rt, 'personal-chatter', validReport({ title: 'Fixture: chatter report' }));
  await rt.jobs.runAllOnce();
  const audit = await sql<{ seq: number; hash: string }>`select seq, hash from audit_head where id = 1`.execute(rt.ctx.db);
  const expected = {
    made_by_migration: last,
    migrations: MIGRATION_NAMES,
    admin_token: world.tokens.admin,
    outsider_token: world.tokens.outsider,
    reports: [
      { project: 'privastream', tracking_id: fixed.trackingId, title: 'Fixture: path traversal in the model loader', state: 'disclosed', reporter_token: fixed.reporterToken, messages: 2 },
      { project: 'privastream', tracking_id: (withFile.json() as { tracking_id: string }).tracking_id, title: 'Fixture: report with a proof of concept', state: 'new', attachments: 1 },
      { project: 'privastream', tracking_id: rejected.tracking_id, title: 'Fixture: rejected report', state: 'rejected' },
      { project: 'personal-chatter', tracking_id: other.tracking_id, title: 'Fixture: chatter report', state: 'new' },
    ],
    advisory: { id: advisory.advisory.id },
    audit_head: audit.rows[0],
  };
  await rt.close();
  return { rt, expected };
}

const pglite = ENGINES.find((e) => e.name === 'pglite')!;
const { rt: embedded, expected } = await populate(pglite);
execFileSync('tar', ['-cJf', join(out, 'pglite.tar.xz'), '-C', embedded.env.DATA_DIR!, 'pglite']);
writeFileSync(join(out, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
writeFileSync(join(out, 'secrets.json'), `${JSON.stringify(secrets, null, 2)}\n`);

const postgres = ENGINES.find((e) => e.name === 'postgres');
if (postgres) {
  const { rt, expected: pgExpected } = await populate(postgres);
  const bin = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).at(-1);
  const dump = execFileSync(join('/usr/lib/postgresql', bin!, 'bin', 'pg_dump'), ['--no-owner', '--no-privileges', '--format=plain', rt.env.DATABASE_URL!], { maxBuffer: 64 << 20 });
  writeFileSync(join(out, 'postgres.sql'), dump);
  writeFileSync(join(out, 'expected-postgres.json'), `${JSON.stringify(pgExpected, null, 2)}\n`);
}
process.stdout.write(`fixture written to ${out}\n`);
