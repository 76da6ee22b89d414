import { sql } from 'kysely';
import type { ProjectEvent } from '../../core/notifications/events.ts';
import { UI_ROUTES, uiPath } from '../../core/ui-paths.ts';
import type { ServiceContext } from '../context.ts';
import { queueWebhookDeliveries } from '../webhooks/fan-out.ts';
import { queueMaintainerMails } from '../mail/maintainers.ts';
import type { DispatchedEvent } from './types.ts';


export const maintainerReportUrl = (publicUrl: string, slug: string, trackingId: string): string => `${publicUrl}${uiPath(UI_ROUTES.maintainerReport, { slug, trackingId })}`;

/** Where a person acts on an event: the report, the advisory, or the project's dashboard. */
export function eventLink(publicUrl: string, slug: string, e: ProjectEvent): string {
  if (e.type === 'advisory.published') return e.advisory.url;
  if ('report' in e && e.report) return maintainerReportUrl(publicUrl, slug, e.report.tracking_id);
  return `${publicUrl}/app/p/${encodeURIComponent(slug)}`;
}

/**
 * One dispatch pass: claims up to `limit` undispatched events (FOR UPDATE SKIP LOCKED, so instances take
 * disjoint events), queues their webhook deliveries and maintainer mails, and marks them dispatched — all in one
 * transaction, so an event is fanned out exactly once even across a crash (the transaction rolls back and the
 * event is claimed again).
 *
 * When a batch fails, its events are dispatched one at a time, so one event that cannot be dispatched (a bug, a
 * row it names gone) never holds back the others; it stays undispatched, and the pass throws so the job's log
 * says so at every tick until it is fixed.
 */
export async function dispatchEvents(ctx: ServiceContext, limit = 100): Promise<number> {
  try {
    return await dispatchBatch(ctx, limit, null);
  } catch (batchError) {
    const pending = await ctx.db.selectFrom('project_events').select('id').where('dispatched_at', 'is', null).orderBy('occurred_at').orderBy('id').limit(limit).execute();
    let done = 0;
    const failures: unknown[] = [];
    for (const { id } of pending) {
      try {
        done += await dispatchBatch(ctx, 1, id);
      } catch (e) {
        failures.push(e);
      }
    }
    if (!failures.length) return done;
    const first = failures[0] instanceof Error ? failures[0].message : String(failures[0]);
    throw new AggregateError([batchError, ...failures], `events: dispatched ${done}, ${failures.length} could not be: ${first}`);
  }
}

async function dispatchBatch(ctx: ServiceContext, limit: number, onlyId: string | null): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    let q = tx
      .selectFrom('project_events')
      .innerJoin('projects', 'projects.id', 'project_events.project_id')
      .select(['project_events.id', 'project_events.project_id', 'project_events.type', 'project_events.data', 'project_events.occurred_at', 'projects.slug', 'projects.name'])
      .where('project_events.dispatched_at', 'is', null);
    if (onlyId) q = q.where('project_events.id', '=', onlyId);
    const rows = await q.orderBy('project_events.occurred_at').orderBy('project_events.id').limit(limit).forUpdate('project_events').skipLocked().execute();
    if (!rows.length) return 0;
    const events: DispatchedEvent[] = rows.map((r) => {
      const data = (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>;
      const event = { type: r.type, ...data } as ProjectEvent;
      return { id: r.id, projectId: r.project_id, project: { slug: r.slug, name: r.name }, event, occurredAt: new Date(r.occurred_at), link: eventLink(ctx.publicUrl, r.slug, event) };
    });
    await queueWebhookDeliveries(tx, ctx, events);
    await queueMaintainerMails(tx, ctx, events);
    await tx
      .updateTable('project_events')
      .set({ dispatched_at: ctx.now() })
      .where(sql<boolean>`id = any(${rows.map((r) => r.id)}::uuid[])`)
      .execute();
    return rows.length;
  });
}
