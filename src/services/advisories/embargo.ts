/**
 * The other direction of advisory-disclosure.ts's `syncReportEmbargo`: when the agreed embargo of a report
 * moves (PUT …/reports/{id}/embargo), its scheduled advisories move with it, so none publishes before the
 * date agreed with the reporter, and so do its drafts and reviews that follow the report's date (not given one
 * of their own), so a cleared date no longer blocks their publication. Runs inside the caller's transaction.
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
  // Scheduled ones always (the schedule set the report's date); drafts and reviews unless given a date of their own.
  const rows = await tx
    .selectFrom('advisories')
    .selectAll()
    .where('report_id', '=', reportId)
    .where((eb) => eb.or([eb('state', '=', 'scheduled'), eb.and([eb('state', 'in', ['draft', 'in-review']), eb('embargo_follows_report', '=', true)])]))
    .forUpdate()
    .execute();
  const endsAt = until === null ? null : `${new Date(embargoEndsAt(until, project.policy.response.timezone)).toISOString().slice(0, 19)}Z`;
  for (const row of rows) {
    const current = documentOf(ctx, row);
    const stamp = `${now.toISOString().slice(0, 19)}Z`;
    // No agreed date any more: a scheduled advisory goes back to review rather than publishing on a date nobody agreed.
    const next: Advisory =
      until === null && current.state === 'scheduled'
        ? { ...current, state: 'in-review', embargo_until: null, updated_at: stamp }
        : { ...current, embargo_until: endsAt, updated_at: stamp };
    if (next.state === current.state && next.embargo_until === current.embargo_until) continue;
    const number = row.revision + 1;
    await tx.updateTable('advisories').set({ ...documentColumns(ctx, row.id, next), revision: number }).where('id', '=', row.id).execute();
    const summary =
      next.state !== current.state ? 'scheduled → in-review (report embargo cleared)' : until === null ? 'embargo cleared (report embargo cleared)' : `embargo moved to ${next.embargo_until} (report embargo moved)`;
    await addRevision(ctx, tx, { rowId: row.id, number, document: next, summary, note: null, actor: actorLabel, at: now });
    await appendAudit(
      tx,
      {
        actor: actorLabel,
        action: next.state !== current.state ? 'advisory.transition' : current.state === 'scheduled' ? 'advisory.reschedule' : 'advisory.embargo-follow',
        projectId: project.id,
        reportId,
        data: { advisory: row.public_id, from: current.embargo_until, to: next.embargo_until, revision: number, ...(next.state !== current.state ? { state: next.state } : {}) },
      },
      now,
    );
  }
}
