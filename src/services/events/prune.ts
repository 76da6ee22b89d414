import { sql } from 'kysely';
import type { ServiceContext } from '../context.ts';

/** How long dispatched events and finished webhook deliveries (with their attempts) are kept. */
export const NOTIFICATION_HISTORY_MS = 30 * 24 * 3600_000;
const CHUNK = 1000;

/**
 * Deletes, a chunk at a time, dispatched events and delivered or failed webhook deliveries older than 30 days, so
 * the queues stay small (the delivery log shows the most recent ones anyway). Pending work is never touched.
 */
export async function pruneNotificationHistory(ctx: ServiceContext): Promise<number> {
  const before = new Date(ctx.now().getTime() - NOTIFICATION_HISTORY_MS);
  const deliveries = await sql`
    delete from webhook_deliveries where id in (
      select id from webhook_deliveries where status in ('delivered', 'failed') and created_at < ${before} limit ${CHUNK}
    )`.execute(ctx.db);
  const events = await sql`
    delete from project_events where id in (
      select id from project_events where dispatched_at is not null and dispatched_at < ${before} limit ${CHUNK}
    )`.execute(ctx.db);
  return Number(deliveries.numAffectedRows ?? 0) + Number(events.numAffectedRows ?? 0);
}
