/**
 * What an advisory's schedule and publication do to the report it came from: the report's agreed embargo
 * follows the advisory's publication date (the SLA disclosure clock counts down to it, the reporter sees it),
 * publication marks a fixed report disclosed and tells the reporter. All inside the caller's transaction.
 */
import type { Advisory } from '../../core/advisories/index.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { queueAdvisoryPublished } from '../mail/notify.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { recordEvent } from '../reports/events.ts';
import { raiseEvent, reportRef } from '../events/raise.ts';
import { disclosureDateText, lastGivenEmbargo, recordReporterChange } from '../mail/reporter-digests.ts';
import { tellPartiesEmbargoMoved } from '../coordination/embargo.ts';

/** Public page of an advisory. */
export const advisoryUrl = (publicUrl: string, projectSlug: string, publicId: string): string =>
  `${publicUrl}/projects/${encodeURIComponent(projectSlug)}/advisories/${encodeURIComponent(publicId)}`;

/**
 * Sets the report's agreed embargo to the advisory's publication date, with the same event and audit entry
 * as PUT …/reports/{id}/embargo (`report.embargo` with old and new date). Nothing happens when it already agrees.
 */
export async function syncReportEmbargo(
  ctx: ServiceContext,
  tx: Tx,
  project: ProjectRecord,
  change: {
    reportId: string;
    /** The advisory's publication date (ISO 8601). */
    until: string;
    actorLabel: string;
    at: Date;
  },
): Promise<void> {
  const { reportId, until, actorLabel, at: now } = change;
  const report = await tx.selectFrom('reports').select(['id', 'tracking_id', 'embargo_until']).where('id', '=', reportId).forUpdate().executeTakeFirst();
  if (!report) return;
  const date = new Date(until);
  if (report.embargo_until && report.embargo_until.getTime() === date.getTime()) return;
  const from = report.embargo_until ? disclosureDateText((await lastGivenEmbargo(tx, report.id)) ?? report.embargo_until.toISOString()) : null;
  await tx.updateTable('reports').set({ embargo_until: date, updated_at: now }).where('id', '=', report.id).execute();
  await recordEvent(tx, report.id, { kind: 'embargo-set', at: now.toISOString(), until }, actorLabel);
  await recordReporterChange(tx, { now: () => now }, report.id, { kind: 'embargo', from, to: disclosureDateText(until), at: now.toISOString() });
  await appendAudit(
    tx,
    { actor: actorLabel, action: 'report.embargo', projectId: project.id, reportId: report.id, data: { from: report.embargo_until?.toISOString() ?? null, to: until, via: 'advisory-schedule' } },
    now,
  );
  // The case's parties learn of every move, whichever way it came (issue 19).
  await tellPartiesEmbargoMoved(tx, ctx, { project, reportId: report.id, trackingId: report.tracking_id, from: report.embargo_until, to: date });
}

/**
 * The report side of a publication: a `fixed` report becomes `disclosed` (which meets the SLA disclosure
 * clock), audited like any report transition; the reporter gets an "advisory published" mail when they left
 * an address.
 */
export async function afterPublication(
  ctx: ServiceContext,
  tx: Tx,
  project: ProjectRecord,
  publication: { row: { public_id: string; report_id: string | null }; advisory: Advisory; actorLabel: string; at: Date; datedAt: Date },
): Promise<void> {
  const { row, advisory, actorLabel, at: now, datedAt } = publication;
  const published = { id: row.public_id, url: advisoryUrl(ctx.publicUrl, project.slug, row.public_id) };
  const report = row.report_id ? await tx.selectFrom('reports').selectAll().where('id', '=', row.report_id).forUpdate().executeTakeFirst() : undefined;
  if (!report) {
    await raiseEvent(tx, project.id, { type: 'advisory.published', advisory: published, report: null }, now);
    return;
  }
  // A fixed report, or one the maintainers decided not to fix, is disclosed by its advisory (its reason stays on record).
  if (report.state === 'fixed' || (report.state === 'rejected' && report.rejection_reason === 'wont-fix')) {
    const from = report.state;
    await tx.updateTable('reports').set({ state: 'disclosed', updated_at: now }).where('id', '=', report.id).execute();
    // Dated like the publication: a scheduled one at its instant (SCHEDULE_GRACE_MS), so it meets the agreed date.
    await recordEvent(tx, report.id, { kind: 'state', at: datedAt.toISOString(), to: 'disclosed' }, actorLabel);
    await appendAudit(
      tx,
      { actor: actorLabel, action: 'report.transition', projectId: project.id, reportId: report.id, data: { from, to: 'disclosed', reason: null, duplicate_of: null, advisory: row.public_id } },
      now,
    );
    await raiseEvent(tx, project.id, { type: 'report.state_changed', report: await reportRef(tx, report.id), from, to: 'disclosed' }, now);
  }
  await raiseEvent(tx, project.id, { type: 'advisory.published', advisory: published, report: await reportRef(tx, report.id) }, now);
  const credit = advisory.credits.find((c) => c.type === 'finder' || c.type === 'reporter');
  // The mail helper's template, threading headers and address checks; queued in this transaction.
  await queueAdvisoryPublished(tx, ctx, {
    reportId: report.id,
    advisoryId: row.public_id,
    advisoryTitle: advisory.title,
    advisoryUrl: advisoryUrl(ctx.publicUrl, project.slug, row.public_id),
    creditedAs: credit?.name ?? null,
  });
}
