/**
 * The other direction of advisory-disclosure.ts's `syncReportEmbargo`: when the agreed embargo of a report
 * moves (PUT …/reports/{id}/embargo), its scheduled advisories move with it, so none publishes before the
 * date agreed with the reporter. Runs inside the caller's transaction.
 */
import type { Advisory } from '../../core/advisories/index.ts';
import { embargoEndsAt } from '../../core/sla/clock.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { addRevision, documentColumns, documentOf } from './store.ts';

export async function followReportEmbargo(
  ctx: ServiceContext,
  tx: Tx,
  project: ProjectRecord,
  change: {
    reportId: string;
    /** The report's new agreed embargo, as given (a date or date-time); null: cleared. */
    until: string | null;
    actorLabel: string;
    at: Date;
  },
): Promise<void> {
  const { reportId, until, actorLabel, at: now } = change;
  const rows = await tx.selectFrom('advisories').selectAll().where('report_id', '=', reportId).where('state', '=', 'scheduled').forUpdate().execute();
  for (const row of rows) {
    const current = documentOf(ctx, row);
    // No agreed date any more: the advisory goes back to review rather than publishing on a date nobody agreed.
    const next: Advisory =
      until === null
        ? { ...current, state: 'in-review', embargo_until: null, updated_at: now.toISOString() }
        : { ...current, embargo_until: new Date(embargoEndsAt(until, project.policy.response.timezone)).toISOString(), updated_at: now.toISOString() };
    if (next.state === current.state && next.embargo_until === current.embargo_until) continue;
    const number = row.revision + 1;
    await tx.updateTable('advisories').set({ ...documentColumns(ctx, row.id, next), revision: number }).where('id', '=', row.id).execute();
    const summary = until === null ? 'scheduled → in-review (report embargo cleared)' : `rescheduled to ${next.embargo_until} (report embargo moved)`;
    await addRevision(ctx, tx, { rowId: row.id, number, document: next, summary, note: null, actor: actorLabel, at: now });
    await appendAudit(
      tx,
      {
        actor: actorLabel,
        action: until === null ? 'advisory.transition' : 'advisory.reschedule',
        projectId: project.id,
        reportId,
        data: { advisory: row.public_id, from: current.embargo_until, to: next.embargo_until, revision: number, ...(until === null ? { state: 'in-review' } : {}) },
      },
      now,
    );
  }
}
