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
import * as cveServices from './migrations/0025-cve-services.ts';
import * as ghsaImports from './migrations/0026-ghsa-imports.ts';
import * as intakeReview from './migrations/0027-intake-review.ts';
import * as caseAttachmentsMarkersConsent from './migrations/0028-case-attachments-markers-consent.ts';
import * as hygieneFindings from './migrations/0029-hygiene-findings.ts';
import * as retention from './migrations/0031-retention.ts';
import * as signInFailures from './migrations/0032-sign-in-failures.ts';
import * as reportsReceivedIndex from './migrations/0033-reports-received-index.ts';
import * as scansPageIndex from './migrations/0034-scans-page-index.ts';

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
  '0025-cve-services': cveServices,
  '0026-ghsa-imports': ghsaImports,
  '0027-intake-review': intakeReview,
  '0028-case-attachments-markers-consent': caseAttachmentsMarkersConsent,
  '0029-hygiene-findings': hygieneFindings,
  '0031-retention': retention,
  '0032-sign-in-failures': signInFailures,
  '0033-reports-received-index': reportsReceivedIndex,
  '0034-scans-page-index': scansPageIndex,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** The names of the migrations this version knows, in order (a backup's manifest names the last one it holds). */
export const knownMigrations = (): string[] => Object.keys(MIGRATIONS).sort();

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

/** Every migration this version knows, in order (the upgrade test and /readyz compare a store against it). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

/** The migrations this version knows that the store has not run (an empty list: up to date); throws if unreachable. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  let done: Set<string>;
  try {
    done = new Set((await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((r) => r.name));
  } catch (e) {
    await sql`select 1`.execute(db); // unreachable: rethrows; reachable: no migration table yet, every one is pending
    void e;
    done = new Set();
  }
  return MIGRATION_NAMES.filter((n) => !done.has(n));
}

/**
 * Brings the schema to the latest version and returns the migrations this call ran. A database with anything else
 * to do (or a migration this version does not know) goes through Kysely's Migrator, which makes concurrent
 * instances safe: on PostgreSQL it takes the session-level `pg_advisory_lock` on one connection (Kysely's
 * PostgresAdapter.acquireMigrationLock, an hour's lock_timeout), then runs every pending migration in one
 * transaction on it and reads which migrations have run only under the lock, so an instance that waited finds
 * nothing left to do (test/integration/migrations-lock.test.ts). On the
 * embedded engine the data-dir lock already keeps a second process out.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  if (await upToDate(db)) return [];
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrates up or down to the named migration (tests of an upgrade roll a store back to just before it). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateTo(name);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`Migration to ${name} failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
}
