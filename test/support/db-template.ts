import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openDatabase } from '../../src/adapters/db/open-database.ts';
import { REPO } from './fixtures.ts';

/**
 * Migrate once, clone per test. Running every migration costs seconds per store (6-7 s on PGlite), and the
 * integration tier opens dozens of stores, so each engine keeps one migrated template and tests get copies:
 *
 * - PGlite: a migrated data directory under os.tmpdir(), copied (cpSync) into each fresh DATA_DIR as the
 *   `pglite/` folder openDatabase opens; opening it finds every migration applied.
 * - PostgreSQL: a migrated template database on the test server; each test gets `CREATE DATABASE … TEMPLATE`.
 *
 * Templates are keyed by a hash of the migration sources and the versions of PGlite and Kysely (whose migration
 * bookkeeping lives in the store), so a changed migration makes a new template and a stale one is never used.
 * Whichever test process needs a template first builds it under a cross-process lock; the others wait. Tests of
 * first start and of migrations themselves use an empty store instead (Engine.emptyEnv in harness.ts).
 */

const MIGRATION_SOURCES = [join(REPO, 'src', 'adapters', 'db', 'migrations'), join(REPO, 'src', 'adapters', 'db', 'migrate.ts')];
const versionOf = (pkg: string): string => (JSON.parse(readFileSync(join(REPO, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .flatMap((e) => filesUnder(join(path, e.name)))
    .sort();
}

let key: string | undefined;
/** 16 hex digits naming the current migrated schema. */
export function templateKey(): string {
  if (key) return key;
  const hash = createHash('sha256');
  hash.update(`pglite ${versionOf('@electric-sql/pglite')}\nkysely ${versionOf('kysely')}\n`);
  for (const file of MIGRATION_SOURCES.flatMap(filesUnder)) hash.update(`${file.slice(REPO.length)}\0`).update(readFileSync(file)).update('\0');
  key = hash.digest('hex').slice(0, 16);
  return key;
}

// ---------------------------------------------------------------------------------------------------------------
// PGlite

/** Per user: os.tmpdir() may be shared, and another user's folder would not be ours to write. */
const TEMPLATE_ROOT = join(tmpdir(), `embargo-test-templates-${process.getuid?.() ?? 'user'}`);
/** Waiting longer than this for another process's build means something is wrong with it: build our own. */
const BUILD_WAIT_MS = 5 * 60_000;
/** A template nobody used for this long (another branch's migrations, say) is removed by the next builder. */
const UNUSED_TEMPLATE_MS = 24 * 3600_000;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The lock's owner is gone: its pid is dead, or it never got to write one (killed right after creating it). */
function lockIsStale(lock: string): boolean {
  try {
    const pid = Number.parseInt(readFileSync(lock, 'utf8').trim(), 10);
    if (Number.isInteger(pid) && pid > 0) return !isAlive(pid);
    return Date.now() - statSync(lock).mtimeMs > 10_000;
  } catch {
    return false; // Gone already (released or taken over): just retry.
  }
}

/**
 * Makes `final` (a directory) exactly once across processes. The O_EXCL lock file only keeps processes from
 * doing the same work twice; correctness comes from the build happening in a private staging directory that is
 * renamed into place (atomic), so a reader never sees a half-built template, and a builder killed midway leaves
 * only a stale lock (taken over once its pid is dead) and a staging directory (removed by the next builder).
 */
async function buildOnce(final: string, build: (staging: string) => Promise<void>): Promise<void> {
  const lock = `${final}.lock`;
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (!existsSync(final)) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (lockIsStale(lock) || Date.now() > deadline) rmSync(lock, { force: true });
      else await sleep(100);
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    try {
      if (existsSync(final)) return; // Finished by the previous holder between our check and our lock.
      removeLeftovers(final);
      const staging = `${final}.build-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        await build(staging);
        renameSync(staging, final);
      } catch (e) {
        rmSync(staging, { recursive: true, force: true });
        // Lost a race with a builder that took over a lock it thought stale: theirs is as good as ours.
        if (!existsSync(final)) throw e;
      }
    } finally {
      try {
        if (readFileSync(lock, 'utf8').trim() === String(process.pid)) unlinkSync(lock);
      } catch {
        // Already taken over or removed.
      }
    }
  }
}

/** Staging folders of dead builders of this template, and templates of other keys nobody used for a day. */
function removeLeftovers(final: string): void {
  const base = final.slice(TEMPLATE_ROOT.length + 1);
  for (const name of readdirSync(TEMPLATE_ROOT)) {
    const path = join(TEMPLATE_ROOT, name);
    try {
      const builder = new RegExp(`^${base}\\.build-(\\d+)-`).exec(name);
      if (builder && !isAlive(Number(builder[1]))) rmSync(path, { recursive: true, force: true });
      else if (/^pglite-[0-9a-f]{16}$/.test(name) && name !== base && Date.now() - statSync(path).mtimeMs > UNUSED_TEMPLATE_MS) {
        rmSync(path, { recursive: true, force: true });
      }
    } catch {
      // Removed meanwhile by someone else: nothing to do.
    }
  }
}

let pgliteTemplate: Promise<string> | undefined;

/** The migrated PGlite data folder of this schema (built on first use, by whichever process comes first). */
function migratedPgliteFolder(): Promise<string> {
  pgliteTemplate ??= (async () => {
    mkdirSync(TEMPLATE_ROOT, { recursive: true, mode: 0o700 });
    const final = join(TEMPLATE_ROOT, `pglite-${templateKey()}`);
    await buildOnce(final, async (staging) => {
      // The real open path: lock file, PGlite in `pglite/`, every migration; closing shuts PGlite down cleanly.
      const database = await openDatabase({ dataDir: staging });
      await database.close();
    });
    // Marks the template as in use, for the clean-up of unused ones above.
    const now = new Date();
    utimesSync(final, now, now);
    return join(final, 'pglite');
  })();
  return pgliteTemplate;
}

/**
 * Puts a migrated, empty PGlite store into `dataDir`, where openDatabase looks for it (`<DATA_DIR>/pglite`).
 * Only the database is copied: the lock file and secrets.json belong to each DATA_DIR.
 */
export async function seedPgliteDataDir(dataDir: string): Promise<void> {
  const source = await migratedPgliteFolder();
  mkdirSync(dataDir, { recursive: true });
  // A copy-on-write clone where the file system has them (btrfs, XFS), a plain copy elsewhere.
  cpSync(source, join(dataDir, 'pglite'), { recursive: true, mode: constants.COPYFILE_FICLONE });
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

const databaseUrl = (adminUrl: string, name: string): string => {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/** PostgreSQL refuses to copy a database while another session is connected to it (SQLSTATE 55006). */
const inUse = (e: unknown): boolean => (e as { code?: string }).code === '55006';

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Retries a statement that fails only because a just-closed session's backend has not exited yet. */
async function retryWhileInUse(client: pg.Client, statement: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(statement);
      return;
    } catch (e) {
      if (!inUse(e) || attempt >= 20) throw e;
      await sleep(100 * attempt);
    }
  }
}

const pgTemplates = new Map<string, Promise<string>>();

/**
 * The migrated template database of this schema on the server of `adminUrl`, built once under a session-level
 * advisory lock (released by the server if the builder dies). It is built under a temporary name and renamed
 * when complete, so an existing template is always whole; it then refuses connections (ALLOW_CONNECTIONS false),
 * so no session can ever be "accessing" it when a test copies it.
 */
function migratedPgTemplate(adminUrl: string): Promise<string> {
  let template = pgTemplates.get(adminUrl);
  if (!template) {
    template = withAdmin(adminUrl, async (client) => {
      const name = `embargo_tpl_${templateKey()}`;
      const exists = async () => (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
      if (await exists()) return name;
      // Two 32-bit halves of the key: the lock is per schema, so other branches' builds do not wait for ours.
      const lockArgs = [Number.parseInt(templateKey().slice(0, 8), 16) | 0, Number.parseInt(templateKey().slice(8), 16) | 0];
      await client.query('select pg_advisory_lock($1, $2)', lockArgs);
      try {
        if (await exists()) return name;
        const building = `${name}_build`;
        // A builder killed midway leaves its half-migrated database: start over (FORCE ends its sessions).
        await client.query(`drop database if exists ${building} with (force)`);
        await client.query(`create database ${building}`);
        const database = await openDatabase({ dataDir: tmpdir(), databaseUrl: databaseUrl(adminUrl, building), poolSize: 1 });
        await database.close();
        await retryWhileInUse(client, `alter database ${building} with allow_connections false is_template true`);
        await retryWhileInUse(client, `alter database ${building} rename to ${name}`);
        return name;
      } finally {
        await client.query('select pg_advisory_unlock($1, $2)', lockArgs);
      }
    });
    // A failed build is not remembered: the next caller tries again (and reports its own error).
    template.catch(() => pgTemplates.delete(adminUrl));
    pgTemplates.set(adminUrl, template);
  }
  return template;
}

const testDatabaseName = () => `embargo_test_${randomBytes(8).toString('hex')}`;

/** A new, empty database (no tables, no migrations) on the server of `adminUrl`; returns its URL. */
export async function createEmptyPgDatabase(adminUrl: string): Promise<string> {
  const name = testDatabaseName();
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  return databaseUrl(adminUrl, name);
}

/** A new database with every migration applied, copied from the template; returns its URL. */
export async function createMigratedPgDatabase(adminUrl: string): Promise<string> {
  const template = await migratedPgTemplate(adminUrl);
  const name = testDatabaseName();
  await withAdmin(adminUrl, (client) => retryWhileInUse(client, `create database ${name} template ${template}`));
  return databaseUrl(adminUrl, name);
}
