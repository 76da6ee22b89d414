import { tellPartiesEmbargoMoved } from '../coordination/embargo.ts';
import { DomainError } from '../../core/errors.ts';
import { checkTransition, isReportState, reporterFacingReason, type ReportState, type RejectionReason } from '../../core/reports/states.ts';
import { isSeverity, type Severity } from '../../core/severity.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { followReportEmbargo } from '../advisories/embargo.ts';
import type { ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { recordEvent } from './events.ts';
import { embargoEndsAt } from '../../core/sla/clock.ts';
import { assessCvss, slotOf, type CvssAssessment } from '../../core/reports/severity-from-cvss.ts';
import { severitySource } from './store.ts';
import { bountyOnReportTransition } from '../recognition/bounty.ts';
import { disclosureDateText, lastGivenEmbargo, recordReporterChange } from '../mail/reporter-digests.ts';
import { raiseEvent, reportRef } from '../events/raise.ts';

export async function transitionReport(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  change: { to: string; reason?: RejectionReason | null; duplicateOf?: string | null; note?: string | null },
): Promise<{ from: ReportState; to: ReportState }> {
  authorize(actor, 'report:triage');
  if (!isReportState(change.to)) throw DomainError.validation([{ field: 'to', message: 'is not a report state' }]);
  const to = change.to;
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('reports').select(['id', 'state', 'rejection_reason']).where('project_id', '=', project.id).where('tracking_id', '=', trackingId).forUpdate().executeTakeFirst();
    if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
    const from = row.state as ReportState;
    checkTransition({ from, to, currentReason: row.rejection_reason, rejectionReason: change.reason ?? null, duplicateOf: change.duplicateOf ?? null });
    // A disclosed won't-fix report keeps its reason on record; every other move clears it.
    const reason = to === 'rejected' ? change.reason ?? null : from === 'rejected' && to === 'disclosed' ? row.rejection_reason : null;
    if (to === 'rejected' && change.reason === 'duplicate') {
      const original = await tx.selectFrom('reports').select('id').where('project_id', '=', project.id).where('tracking_id', '=', change.duplicateOf ?? '').executeTakeFirst();
      if (!original || original.id === row.id) throw DomainError.validation([{ field: 'duplicate_of', message: `must be another report of ${project.slug}` }]);
    }
    await tx
      .updateTable('reports')
      .set({
        state: to,
        rejection_reason: reason,
        duplicate_of: to === 'rejected' && change.reason === 'duplicate' ? change.duplicateOf ?? null : null,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    await recordEvent(tx, row.id, { kind: 'state', at: now.toISOString(), to, ...(to === 'rejected' && change.reason ? { reason: change.reason } : {}) }, actorLabel);
    await appendAudit(tx, { actor: actorLabel, action: 'report.transition', projectId: project.id, reportId: row.id, data: { from, to, reason: change.reason ?? null, duplicate_of: change.duplicateOf ?? null } }, now);
    // Acceptance proposes the policy's bounty range in the same transaction (docs/recognition.md).
    await bountyOnReportTransition(tx, ctx, project, row.id, to, actorLabel);
    // The reporter is told with the change committed, at most one status mail per ten minutes (reporter-digests.ts).
    if (from !== to) await recordReporterChange(tx, ctx, row.id, { kind: 'state', from, to, reason: reporterFacingReason(change.reason ?? null), at: now.toISOString() });
    if (from !== to) await raiseEvent(tx, project.id, { type: 'report.state_changed', report: await reportRef(tx, row.id), from, to }, now);
    return { from, to };
  });
}

export interface SeverityChange {
  severity?: Severity | null;
  /** A vector of either generation, sorted into its slot by prefix. */
  cvssVector?: string | null;
  cvssV3Vector?: string | null;
  cvssV4Vector?: string | null;
}

/**
 * Sets CVSS vectors and/or severity. When the policy lets CVSS drive severity and a vector is present, the
 * severity is derived (an explicit, different one is refused); the SLA fix clock follows the severity event.
 */
export async function setSeverity(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  change: SeverityChange,
): Promise<{ severity: Severity | null; cvss: CvssAssessment }> {
  authorize(actor, 'report:triage');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('reports')
      .select(['id', 'severity', 'cvss_v3_vector', 'cvss_v4_vector'])
      .where('project_id', '=', project.id)
      .where('tracking_id', '=', trackingId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
    let v3 = change.cvssV3Vector === undefined ? row.cvss_v3_vector : change.cvssV3Vector;
    let v4 = change.cvssV4Vector === undefined ? row.cvss_v4_vector : change.cvssV4Vector;
    if (change.cvssVector) {
      if (slotOf(change.cvssVector, 'cvss_vector') === '4.0') v4 = change.cvssVector;
      else v3 = change.cvssVector;
    }
    const cvss = assessCvss({ v3: v3 || null, v4: v4 || null }, severitySource(project));
    let severity: Severity | null;
    if (cvss.severity !== null) {
      if (change.severity !== undefined && change.severity !== cvss.severity) {
        throw DomainError.validation([
          {
            field: 'severity',
            message: `is derived from the CVSS ${cvss.drivenBy} vector (${cvss.severity}); omit it, or set triage.severity_source: manual in the policy`,
          },
        ]);
      }
      severity = cvss.severity;
    } else {
      severity = change.severity !== undefined ? change.severity : isSeverity(row.severity) ? row.severity : null;
    }
    const vectors = { cvss_v3_vector: cvss.v3?.vector ?? null, cvss_v4_vector: cvss.v4?.vector ?? null };
    await tx.updateTable('reports').set({ severity, ...vectors, updated_at: now }).where('id', '=', row.id).execute();
    if (severity !== row.severity) await recordEvent(tx, row.id, { kind: 'severity', at: now.toISOString(), severity }, actorLabel);
    await appendAudit(
      tx,
      { actor: actorLabel, action: 'report.severity', projectId: project.id, reportId: row.id, data: { from: row.severity, to: severity, driven_by: cvss.drivenBy, ...vectors } },
      now,
    );
    return { severity, cvss };
  });
}

/**
 * Agrees (or clears, with null) the public disclosure date. The SLA disclosure clock counts down to it instead
 * of the policy default; each move is audited with the old and new date, and the reporter sees the new deadline.
 */
export async function setEmbargo(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  until: string | null,
): Promise<{ embargoUntil: string | null }> {
  authorize(actor, 'report:triage');
  const now = ctx.now();
  const date = until === null ? null : new Date(until);
  if (date && (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(until ?? ''))) {
    throw DomainError.validation([{ field: 'until', message: 'must be an ISO-8601 date or date-time, or null' }]);
  }
  if (date && date.getTime() <= now.getTime()) throw DomainError.validation([{ field: 'until', message: 'must be in the future' }]);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('reports')
      .select(['id', 'embargo_until'])
      .where('project_id', '=', project.id)
      .where('tracking_id', '=', trackingId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
    // The column holds the instant the embargo ends (a date-only value: the end of that day in the policy's zone).
    const endsAt = until === null ? null : new Date(embargoEndsAt(until, project.policy.response.timezone));
    const given = row.embargo_until ? await lastGivenEmbargo(tx, row.id) : null;
    await tx.updateTable('reports').set({ embargo_until: endsAt, updated_at: now }).where('id', '=', row.id).execute();
    // The event keeps the text as given: a date-only value means "end of that day" in the policy's time zone.
    await recordEvent(tx, row.id, { kind: 'embargo-set', at: now.toISOString(), until }, actorLabel);
    await appendAudit(
      tx,
      { actor: actorLabel, action: 'report.embargo', projectId: project.id, reportId: row.id, data: { from: row.embargo_until?.toISOString() ?? null, to: until } },
      now,
    );
    await followReportEmbargo(ctx, tx, project, { reportId: row.id, until, actorLabel, at: now });
    // The reporter is told the dates as they were given (a day in the policy's time zone stays that day).
    const from = row.embargo_until ? disclosureDateText(given ?? row.embargo_until.toISOString()) : null;
    const to = until === null ? null : disclosureDateText(until);
    if (from !== to) await recordReporterChange(tx, ctx, row.id, { kind: 'embargo', from, to, at: now.toISOString() });
    // Every joined party of the case is told (issue 19), through the outbox, in this transaction.
    await tellPartiesEmbargoMoved(tx, ctx, { project, reportId: row.id, trackingId, from: row.embargo_until, to: endsAt });
    return { embargoUntil: until };
  });
}
