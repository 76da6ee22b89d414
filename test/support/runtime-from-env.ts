import { loadConfig } from '../../src/server/config.ts';
import { compose } from '../../src/server/compose.ts';
import { after, before } from 'node:test';
import { startTestRuntime, type Engine, type TestServer } from './harness.ts';
import { seedWorld, type World } from './fixtures.ts';

/**
 * Composes another runtime ("a second server") over the store an existing test runtime uses: same env, so the same
 * DATABASE_URL and the same secrets. startTestRuntime always makes a fresh store, so it cannot do this.
 * Only meaningful for PostgreSQL: PGlite's data directory is locked by its first runtime.
 */
export async function composeFromEnv(env: Record<string, string>, start = new Date('2026-03-02T09:00:00Z')): Promise<TestServer> {
  const clock = {
    now: new Date(start),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  // As in startTestRuntime: job timers only with EMBARGO_JOBS=on, so a test's explicit ticks are the only ones.
  const runtime = await compose(loadConfig(env), { logger: false, now: () => clock.now, jobs: env.EMBARGO_JOBS === 'on' });
  return Object.assign(runtime, { env: { ...env }, clock });
}

/** Two runtimes ("servers") over one freshly seeded PostgreSQL database, started before and closed after the suite. */
export interface TwoInstances {
  first: TestServer;
  second: TestServer;
  world: World;
}

/**
 * Registers before/after hooks in the calling describe(): `first` is a fresh test runtime with the seeded world,
 * `second` is composed over the same DATABASE_URL with its own pool and Fastify instance. The returned object is
 * filled in by the before hook, so read its fields inside tests only.
 */
export function twoInstancesOnOnePostgres(postgres: Engine): TwoInstances {
  const instances = {} as TwoInstances;
  before(async () => {
    instances.first = await startTestRuntime(postgres);
    instances.world = await seedWorld(instances.first);
    instances.second = await composeFromEnv(instances.first.env);
  });
  after(async () => {
    await instances.second?.close();
    await instances.first?.close();
  });
  return instances;
}
