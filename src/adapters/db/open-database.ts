import { Kysely, PostgresDialect } from 'kysely';
import { join } from 'node:path';
import { lockDataDir } from './data-dir-lock.ts';
import { migrateToLatest } from './migrate.ts';
import { PgliteDialect, pgliteTypeOptions } from './pglite-dialect.ts';
import { pgliteSnapshotter, postgresSnapshotter, type Snapshotter } from './snapshot.ts';
import type { Database } from './schema.ts';

export interface OpenedDatabase {
  db: Kysely<Database>;
  engine: 'pglite' | 'postgres';
  /** Consistent copies of the whole database while it is in use (backups: services/backup). */
  snapshotter: Snapshotter;
  /** The PostgreSQL pool's connections (for /metrics); null on the embedded engine (one connection, in-process). */
  poolStats(): { total: number; idle: number; waiting: number } | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  poolSize?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<OpenedDatabase> {
  // Each engine's driver loads only when it is the one used.
  if (opts.databaseUrl) {
    const { default: pg } = await import('pg');
    // Both engines must return int8 as a JS number (PGlite already does).
    pg.types.setTypeParser(pg.types.builtins.INT8, Number);
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(db);
    return { db, engine: 'postgres', snapshotter: postgresSnapshotter(db, opts.databaseUrl), poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }), close: () => db.destroy() };
  }
  const lock = lockDataDir(opts.dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const client = await PGlite.create({ dataDir: join(opts.dataDir, 'pglite'), ...pgliteTypeOptions });
    const db = new Kysely<Database>({ dialect: new PgliteDialect(client) });
    await migrateToLatest(db);
    return {
      db,
      engine: 'pglite',
      snapshotter: pgliteSnapshotter(db, client),
      poolStats: () => null,
      async close() {
        try {
          await db.destroy();
        } finally {
          lock.release();
        }
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}
