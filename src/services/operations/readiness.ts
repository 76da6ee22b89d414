import { pendingMigrations } from '../../adapters/db/migrate.ts';
import type { ServiceContext } from '../context.ts';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  /** Migrations this version knows that the store has not run. */
  pending_migrations: string[];
}

/** Whether the database answers and holds every migration this version knows (the jobs' part is the caller's). */
export async function databaseReadiness(ctx: Pick<ServiceContext, 'db'>): Promise<Readiness> {
  try {
    const pending = await pendingMigrations(ctx.db);
    return { ready: pending.length === 0, database: 'ok', pending_migrations: pending };
  } catch {
    return { ready: false, database: 'unreachable', pending_migrations: [] };
  }
}
