import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { ServiceContext, Tx } from '../context.ts';
import type { ProjectEvent } from '../../core/notifications/events.ts';
import type { DispatchedEvent } from '../events/types.ts';

/** What a delivery row holds: the event as the receiver gets it, without the per-send id and timestamp. */
export interface StoredPayload {
  event: ProjectEvent;
  occurred_at: string;
  project: { slug: string; name: string };
  link: string;
}

/**
 * Queues one delivery per (active webhook of the event's project that subscribed to its type, event), in the
 * dispatching transaction. The payload is the event as the receiver will get it, but for the delivery id and the
 * timestamp, which are added at each send.
 */
export async function queueWebhookDeliveries(tx: Tx, ctx: ServiceContext, events: DispatchedEvent[]): Promise<number> {
  const projectIds = [...new Set(events.map((e) => e.projectId))];
  const hooks = await tx
    .selectFrom('webhooks')
    .select(['id', 'project_id', 'events'])
    .where(sql<boolean>`project_id = any(${projectIds}::uuid[])`)
    .where('active', '=', true)
    .execute();
  if (!hooks.length) return 0;
  const now = ctx.now();
  const rows = events.flatMap((e) =>
    hooks
      .filter((h) => h.project_id === e.projectId && (h.events as string[]).includes(e.event.type))
      .map((h) => {
        const payload: StoredPayload = { event: e.event, occurred_at: e.occurredAt.toISOString(), project: e.project, link: e.link };
        return {
          id: randomUUID(),
          webhook_id: h.id,
          project_id: e.projectId,
          event_id: e.id,
          event: e.event.type,
          payload: JSON.stringify(payload),
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: now,
          created_at: now,
        };
      }),
  );
  if (rows.length) await tx.insertInto('webhook_deliveries').values(rows).execute();
  return rows.length;
}
