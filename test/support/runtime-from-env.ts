import { loadConfig } from '../../src/server/config.ts';
import { compose } from '../../src/server/compose.ts';
import type { TestServer } from './harness.ts';

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
  const runtime = await compose(loadConfig(env), { logger: false, now: () => clock.now });
  return Object.assign(runtime, { env: { ...env }, clock });
}
