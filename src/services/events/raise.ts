import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { ProjectEventsTable } from '../../adapters/db/schema-notify.ts';
import { isSeverity } from '../../core/severity.ts';
import { reportOf, type ProjectEvent, type ReportRef } from '../../core/notifications/events.ts';
import type { DbOrTx, Tx } from '../../adapters/db/database.ts';

/**
 * The one seam where a project's events are raised (docs/notifications.md). Call it inside the transaction of
 * the change: the event exists iff the change committed. The events job (src/jobs/events.ts) then fans each event
 * out, once, into webhook deliveries and maintainer mails.
 */
export async function raiseEvent(tx: Tx, projectId: string, event: ProjectEvent, at: Date): Promise<void> {
  await tx.insertInto('project_events').values(projectEventRow(projectId, event, at)).execute();
}

/** The row of an event, for callers that insert many in one statement (the intake's group commit). */
export function projectEventRow(projectId: string, event: ProjectEvent, at: Date): Insertable<ProjectEventsTable> & { id: string } {
  const { type, ...data } = event;
  return { id: randomUUID(), project_id: projectId, report_id: reportOf(event)?.id ?? null, type, data: JSON.stringify(data), occurred_at: at, dispatched_at: null };
}

/** What an event says about a report: ids, state and severity, never its body or reporter. */
export async function reportRef(db: DbOrTx, reportId: string): Promise<ReportRef> {
  const r = await db.selectFrom('reports').select(['id', 'tracking_id', 'state', 'severity']).where('id', '=', reportId).executeTakeFirstOrThrow();
  return { id: r.id, tracking_id: r.tracking_id, state: r.state, severity: isSeverity(r.severity) ? r.severity : null };
}
