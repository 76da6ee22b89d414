import { sql } from 'kysely';
import { isOutstanding } from '../../core/sla/clock.ts';
import { deadlinesOfReport, slaVersionsOf } from '../reports/promises.ts';
import type { Deadline } from '../../core/sla/types.ts';
import type { Policy } from '../../core/policy/types.ts';
import { RANK_RUNNING } from '../../core/sla/queue-index.ts';
import type { ReminderThreshold } from '../../core/mail/templates.ts';
import type { ServiceContext } from '../context.ts';
import { loadEvents } from '../reports/events.ts';
import { raiseEvent, reportRef } from '../events/raise.ts';

const CHUNK = 500;

/**
 * Open reports with a running deadline due at or before `byMs`, a chunk at a time in the SLA index's order
 * (report_deadlines_sla_idx); each report once.
 */
async function* reportsWithDeadlinesDueBy(ctx: ServiceContext, projectId: string, byMs: number): AsyncGenerator<{ id: string; tracking_id: string; policy_version: number }[]> {
  const seen = new Set<string>();
  let after: [number, string, string] | null = null;
  for (;;) {
    let q = ctx.db
      .selectFrom('report_deadlines as d')
      .innerJoin('reports as r', 'r.id', 'd.report_id')
      .select(['r.id', 'r.tracking_id', 'r.policy_version', 'd.sort_key', 'd.clock'])
      .where('d.project_id', '=', projectId)
      .where('d.rank', '=', RANK_RUNNING)
      .where('d.sort_key', '<=', byMs);
    if (after) {
      const [key, reportId, clock] = after;
      q = q.where((eb) => eb(eb.refTuple('d.sort_key', 'd.report_id', 'd.clock'), '>', eb.tuple(key, reportId, clock)));
    }
    const rows = await q.orderBy('d.sort_key').orderBy('d.report_id').orderBy('d.clock').limit(CHUNK).execute();
    const last = rows.at(-1);
    if (!last) return;
    const fresh = rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
    if (fresh.length) yield fresh.map((r) => ({ id: r.id, tracking_id: r.tracking_id, policy_version: r.policy_version }));
    after = [Number(last.sort_key), last.id, last.clock];
  }
}

/** Which reminder a deadline calls for now, if any: breached beats due-soon; paused and met clocks are quiet. */
export function reminderThreshold(d: Deadline, dueSoonMs: number): ReminderThreshold | null {
  if (!isOutstanding(d) || d.status === 'paused') return null;
  if (d.status === 'breached') return 'breached';
  if (d.remainingMs !== undefined && d.remainingMs <= dueSoonMs) return 'due-soon';
  return null;
}

/**
 * Raises `report.deadline_due` / `report.deadline_missed` for SLA deadlines that are due soon or missed, including
 * the update cadence owed to the reporter (`next_update`); the events job mails them to the maintainers who want
 * them (admins and triagers by default) and posts them to webhooks. Each (report, deadline, due time, threshold)
 * is raised once: the reminder row and the event are written in one transaction, and the row's primary key makes
 * a second instance's insert a no-op (`on conflict do nothing`). A deadline that moves (a new severity, an agreed
 * embargo) is a new due time and is reminded again.
 */
export async function sendDueReminders(ctx: ServiceContext, dueSoonMs: number): Promise<number> {
  const now = ctx.now();
  const projects = await ctx.db.selectFrom('projects').select(['id', 'slug', 'name', 'policy']).execute();
  let queued = 0;
  for (const project of projects) {
    const due: Array<{ reportId: string; deadline: Deadline; threshold: ReminderThreshold }> = [];
    // Only reports the SLA index has a running deadline of, due by then or overdue, are candidates (paused and met
    // clocks are quiet): their deadlines are then computed from the events, a chunk at a time.
    const versions = await slaVersionsOf(ctx.db, project.id);
    for await (const reports of reportsWithDeadlinesDueBy(ctx, project.id, now.getTime() + dueSoonMs)) {
      const events = await loadEvents(ctx.db, reports.map((r) => r.id));
      for (const r of reports) {
        for (const d of deadlinesOfReport(events.get(r.id) ?? [], versions, r.policy_version, project.policy as Policy, now)) {
          const threshold = reminderThreshold(d, dueSoonMs);
          if (threshold) due.push({ reportId: r.id, deadline: d, threshold });
        }
      }
    }
    if (!due.length) continue;
    for (const item of due) {
      const claimed = await ctx.db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('mail_reminders')
          .values({ report_id: item.reportId, deadline: item.deadline.clock, due_at: item.deadline.dueAt, threshold: item.threshold, sent_at: now })
          .onConflict((oc) => oc.doNothing())
          .returning(sql<number>`1`.as('one'))
          .executeTakeFirst();
        if (!inserted) return false;
        const event = item.threshold === 'breached' ? ('report.deadline_missed' as const) : ('report.deadline_due' as const);
        await raiseEvent(tx, project.id, { type: event, report: await reportRef(tx, item.reportId), deadline: item.deadline.clock, due_at: item.deadline.dueAt, promise: item.deadline.promise }, now);
        return true;
      });
      if (claimed) queued += 1;
    }
  }
  return queued;
}
