import { sql } from 'kysely';
import type { ProjectEvent } from '../../core/notifications/events.ts';
import { UI_ROUTES, uiPath } from '../../core/ui-paths.ts';
import type { ServiceContext, Tx } from '../context.ts';
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
 * disjoint events), queues their webhook deliveries and maintainer mails, and marks them dispatched — all
 * in one transaction, so an event is fanned out exactly once even across a crash (the transaction rolls back and
 * the event is claimed again).
 */
export async function dispatchEvents(ctx: ServiceContext, limit = 100): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('project_events')
      .innerJoin('projects', 'projects.id', 'project_events.project_id')
      .select(['project_events.id', 'project_events.project_id', 'project_events.type', 'project_events.data', 'project_events.occurred_at', 'projects.slug', 'projects.name'])
      .where('project_events.dispatched_at', 'is', null)
      .orderBy('project_events.occurred_at')
      .orderBy('project_events.id')
      .limit(limit)
      .forUpdate('project_events')
      .skipLocked()
      .execute();
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
