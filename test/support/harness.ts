import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/server/config.ts';
import { compose, type Runtime } from '../../src/server/compose.ts';
// Holds every answer of the apps built here to its route's response schema (see the file).
import './response-check.ts';
import { createEmptyPgDatabase, createMigratedPgDatabase, seedPgliteDataDir } from './db-template.ts';

/**
 * Integration tests run on every engine available: PGlite always, PostgreSQL when EMBARGO_TEST_DATABASE_URL
 * names a server (CI starts one). Each runtime gets a store of its own: a copy of a migrated template
 * (test/support/db-template.ts), so opening it runs no migration.
 */
export interface Engine {
  name: 'pglite' | 'postgres';
  /** Makes a config for a fresh store with every migration applied and no data. */
  freshEnv(): Promise<Record<string, string>>;
  /** Makes a config for a truly empty store, migrated by whoever opens it first: for tests of first start. */
  emptyEnv(): Promise<Record<string, string>>;
}

const testSecrets = () => ({
  EMBARGO_ENCRYPTION_KEYS: `test1:${randomBytes(32).toString('base64')}`,
  EMBARGO_SESSION_SECRET: randomBytes(32).toString('base64'),
});

const tempDirs: string[] = [];
export const tempDir = (prefix = 'embargo-test-'): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
};
process.on('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A new, empty PostgreSQL database (no migrations applied) on the server of `adminUrl`; returns its URL. */
export const createPgDatabase = createEmptyPgDatabase;

const pgAdminUrl = process.env.EMBARGO_TEST_DATABASE_URL;

export const ENGINES: Engine[] = [
  {
    name: 'pglite',
    freshEnv: async () => {
      const dataDir = tempDir();
      await seedPgliteDataDir(dataDir);
      return { DATA_DIR: dataDir, ...testSecrets() };
    },
    emptyEnv: async () => ({ DATA_DIR: tempDir(), ...testSecrets() }),
  },
  ...(pgAdminUrl
    ? [
        {
          name: 'postgres' as const,
          freshEnv: async () => ({ DATA_DIR: tempDir(), DATABASE_URL: await createMigratedPgDatabase(pgAdminUrl), ...testSecrets() }),
          emptyEnv: async () => ({ DATA_DIR: tempDir(), DATABASE_URL: await createEmptyPgDatabase(pgAdminUrl), ...testSecrets() }),
        },
      ]
    : []),
];

export interface TestServer extends Runtime {
  env: Record<string, string>;
  /** Moves the injected clock. */
  clock: { now: Date; advance(ms: number): void };
}

export async function startTestRuntime(engine: Engine, extraEnv: Record<string, string> = {}, start = new Date('2026-03-02T09:00:00Z')): Promise<TestServer> {
  const env = { ...(await engine.freshEnv()), EMBARGO_PUBLIC_URL: 'https://embargo.test', EMBARGO_INTAKE_RATE_LIMIT: '1000', EMBARGO_LOGIN_RATE_LIMIT: '1000', ...extraEnv };
  const config: Config = loadConfig(env);
  const clock = {
    now: new Date(start),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  // Jobs run only when a test calls rt.jobs.runAllOnce() (or passes EMBARGO_JOBS=on): the test clock decides.
  const runtime = await compose(config, { logger: false, now: () => clock.now, jobs: extraEnv.EMBARGO_JOBS === 'on' });
  return Object.assign(runtime, { env, clock });
}
