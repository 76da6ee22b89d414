import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.ts';
import * as sessions from './migrations/0002-sessions.ts';
import * as cvssVersions from './migrations/0003-cvss-versions.ts';
import * as osv from './migrations/0004-osv.ts';
import * as pgp from './migrations/0005-pgp.ts';
import * as mail from './migrations/0006-mail.ts';
import * as advisories from './migrations/0007-advisories.ts';
import * as recognition from './migrations/0008-recognition.ts';
import * as claims from './migrations/0009-claims.ts';
import * as invitations from './migrations/0010-invitations.ts';
import * as queueIndex from './migrations/0011-queue-index.ts';
import * as access from './migrations/0012-access.ts';
import * as secondFactor from './migrations/0013-second-factor.ts';
import * as sso from './migrations/0014-sso.ts';
import * as webhooks from './migrations/0015-webhooks.ts';
import * as notificationPreferences from './migrations/0016-notification-preferences.ts';
import * as advisoryEmbargoFollows from './migrations/0017-advisory-embargo-follows.ts';
import * as policyVersions from './migrations/0018-policy-versions.ts';
import * as triage from './migrations/0019-triage.ts';
import * as knownAdvisories from './migrations/0020-known-advisories.ts';
import * as queueSearch from './migrations/0021-queue-search.ts';
import * as assignees from './migrations/0022-assignees.ts';
import * as coordination from './migrations/0023-coordination.ts';
import * as embargoExtensions from './migrations/0024-embargo-extensions.ts';
import * as ghsaImports from './migrations/0026-ghsa-imports.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-sessions': sessions,
  '0003-cvss-versions': cvssVersions,
  '0004-osv': osv,
  '0005-pgp': pgp,
  '0006-mail': mail,
  '0007-advisories': advisories,
  '0008-recognition': recognition,
  '0009-claims': claims,
  '0010-invitations': invitations,
  '0011-queue-index': queueIndex,
  '0012-access': access,
  '0013-second-factor': secondFactor,
  '0014-sso': sso,
  '0015-webhooks': webhooks,
  '0016-notification-preferences': notificationPreferences,
  '0017-advisory-embargo-follows': advisoryEmbargoFollows,
  '0018-policy-versions': policyVersions,
  '0019-triage': triage,
  '0020-known-advisories': knownAdvisories,
  '0021-queue-search': queueSearch,
  '0022-assignees': assignees,
  '0023-coordination': coordination,
  '0024-embargo-extensions': embargoExtensions,
  '0026-ghsa-imports': ghsaImports,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * True when the database has run exactly these migrations. One query: Kysely's Migrator first introspects every
 * table of the database (twice) to see whether its own tables exist, which took most of a start-up's database
 * time on the embedded engine (0.4–0.6 s, against a few ms for this; bench/startup.ts).
 */
async function upToDate(db: Kysely<any>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const done = new Set(rows.map((r) => r.name));
    return done.size === Object.keys(MIGRATIONS).length && Object.keys(MIGRATIONS).every((name) => done.has(name));
  } catch {
    return false; // No migration table yet: a new database.
  }
}

/**
 * Brings the schema to the latest version; Kysely's migration lock makes concurrent instances safe. A database
 * with anything else to do (or a migration this version does not know) goes through Kysely's Migrator.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  if (await upToDate(db)) return;
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
}

/** Migrates up or down to the named migration (tests of an upgrade roll a store back to just before it). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateTo(name);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`Migration to ${name} failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
}
