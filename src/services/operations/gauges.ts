import { sql } from 'kysely';
import type { ServiceContext } from '../context.ts';

/** A queue's depth (items waiting or being sent) and the age of its oldest item, in seconds (0 when empty). */
export interface QueueGauge {
  depth: number;
  oldestAgeSeconds: number;
}

/** One project's outstanding SLA deadlines: still ahead (`due`) and already passed (`missed`). */
export interface DeadlineGauge {
  project: string;
  due: number;
  missed: number;
}

export interface OperationalGauges {
  outbox: QueueGauge;
  webhooks: QueueGauge;
  deadlines: DeadlineGauge[];
}

const queue = (row: { depth: number | string; oldest: Date | string | null } | undefined, now: Date): QueueGauge => ({
  depth: Number(row?.depth ?? 0),
  oldestAgeSeconds: row?.oldest ? Math.max(0, (now.getTime() - new Date(row.oldest).getTime()) / 1000) : 0,
});

/**
 * What a /metrics scrape reads from the database: three aggregate queries, each on an indexed status or the derived
 * deadline table (`report_deadlines`, kept by every event), so a scrape stays flat as reports grow.
 */
export async function operationalGauges(ctx: Pick<ServiceContext, 'db' | 'now'>): Promise<OperationalGauges> {
  const now = ctx.now();
  const [outbox, webhooks, deadlines] = await Promise.all([
    sql<{ depth: number; oldest: Date | null }>`select count(*)::int as depth, min(created_at) as oldest from outbox where status in ('pending', 'sending')`.execute(ctx.db),
    sql<{ depth: number; oldest: Date | null }>`select count(*)::int as depth, min(created_at) as oldest from webhook_deliveries where status in ('pending', 'sending')`.execute(ctx.db),
    sql<{ project: string; due: number; missed: number }>`
      select p.slug as project,
             count(*) filter (where d.due_at >= ${now})::int as due,
             count(*) filter (where d.due_at < ${now})::int as missed
      from report_deadlines d join projects p on p.id = d.project_id
      group by p.slug order by p.slug`.execute(ctx.db),
  ]);
  return { outbox: queue(outbox.rows[0], now), webhooks: queue(webhooks.rows[0], now), deadlines: deadlines.rows };
}
