import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServiceContext } from '../services/context.ts';
import { CliError } from './errors.ts';

/** The actor of CLI commands in database mode: whoever can open the database is the instance's operator. */
export const CLI_ACTOR = { userId: 'cli', siteAdmin: true, role: null } as const;
export const CLI_LABEL = 'cli';

type Env = Record<string, string | undefined>;

/**
 * Opens the database the way the server does (same config, same services), runs `fn`, closes it.
 * Only bootstrapping commands may create an embedded database: elsewhere a missing one means a wrong DATA_DIR.
 * The database layer (and, in the commands, the services) load only here, on demand: loading them up front
 * would triple the start-up time of the commands that need no database.
 */
export async function withServices<T>(env: Env, opts: { bootstrap: boolean }, fn: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  if (!env.DATABASE_URL && !opts.bootstrap) {
    const dataDir = resolve(env.DATA_DIR || './data');
    if (!existsSync(join(dataDir, 'pglite'))) {
      throw new CliError(`No Embargo database in ${dataDir}: set DATA_DIR (or DATABASE_URL) to the server's, or EMBARGO_URL and EMBARGO_TOKEN to use a running server`);
    }
  }
  const [{ loadConfig }, { openDatabase }, { createServiceContext, backupSourceFrom }] = await Promise.all([
    import('../server/config.ts'),
    import('../adapters/db/open-database.ts'),
    import('../server/service-context.ts'),
  ]);
  const config = loadConfig(env);
  const database = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, poolSize: 2 });
  try {
    // No mail settings: a CLI process sends no mail; what it queues waits in the outbox for a server.
    const ctx = createServiceContext(config, database.db, { backup: backupSourceFrom(config, database) });
    try {
      return await fn(ctx);
    } finally {
      await ctx.parsers.close();
    }
  } finally {
    await database.close();
  }
}
