import { DomainError, isDomainError } from '../../core/errors.ts';
import { authorize, PERMISSIONS, type Actor } from '../../core/access/permissions.ts';
import type { RejectionReason } from '../../core/reports/states.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { transitionReport } from './triage.ts';

/** Who may hold a report: members whose role may triage it (a viewer could not act on it). */
const ASSIGNABLE_ROLES: readonly string[] = PERMISSIONS['report:triage'];

export interface Assignee {
  id: string;
  name: string;
}

/** The project's members a report can be assigned to, by name. */
export async function listAssignees(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null): Promise<Assignee[]> {
  authorize(actor, 'report:list');
  return assignableQuery(ctx.db, project.id).orderBy('users.name').orderBy('users.id').execute();
}

const assignableQuery = (db: DbOrTx, projectId: string) =>
  db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.name'])
    .where('memberships.project_id', '=', projectId)
    .where('memberships.role', 'in', ASSIGNABLE_ROLES)
    .where('users.disabled', '=', false);

/**
 * Gives a report to a member who can triage it, or takes it back (null); the change and its audit entry (who, to
 * whom, from whom, by name) commit together. Setting the assignee it already has changes and records nothing.
 */
export async function assignReport(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  assigneeUserId: string | null,
): Promise<{ assignee: Assignee | null }> {
  authorize(actor, 'report:triage');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('reports')
      .leftJoin('users', 'users.id', 'reports.assignee_user_id')
      .select(['reports.id', 'reports.assignee_user_id', 'users.name as assignee_name'])
      .where('reports.project_id', '=', project.id)
      .where('reports.tracking_id', '=', trackingId)
      .forUpdate('reports')
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
    let assignee: Assignee | null = null;
    if (assigneeUserId !== null) {
      assignee = (await assignableQuery(tx, project.id).where('users.id', '=', assigneeUserId).executeTakeFirst()) ?? null;
      if (!assignee) throw DomainError.validation([{ field: 'user_id', message: `is not a member of ${project.slug} who can triage reports (admin or triager)` }]);
    }
    if (row.assignee_user_id === assigneeUserId) return { assignee };
    await tx.updateTable('reports').set({ assignee_user_id: assigneeUserId }).where('id', '=', row.id).execute();
    await appendAudit(
      tx,
      {
        actor: actorLabel,
        action: 'report.assigned',
        projectId: project.id,
        reportId: row.id,
        data: { assignee: assignee?.id ?? null, assignee_name: assignee?.name ?? null, previous: row.assignee_user_id, previous_name: row.assignee_name ?? null },
      },
      now,
    );
    return { assignee };
  });
}

/** The most reports one bulk request may change. */
export const MAX_BULK = 100;

export type BulkAction = { action: 'assign'; assigneeUserId: string | null } | { action: 'reject'; reason: RejectionReason; duplicateOf?: string | null };

export interface BulkOutcome {
  trackingId: string;
  ok: boolean;
  /** Why this report was left as it was (e.g. a transition its state does not allow). */
  error: string | null;
}

/**
 * One action on several reports of the queue. Each report changes in its own transaction with its own audit
 * entry, exactly as the single-report action would; one that cannot (a closed report cannot be rejected) is
 * reported and the others still change.
 */
export async function bulkUpdateReports(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, trackingIds: readonly string[], action: BulkAction): Promise<BulkOutcome[]> {
  authorize(actor, 'report:triage');
  const ids = [...new Set(trackingIds)];
  if (!ids.length || ids.length > MAX_BULK) throw DomainError.validation([{ field: 'tracking_ids', message: `must list 1 to ${MAX_BULK} reports` }]);
  const out: BulkOutcome[] = [];
  for (const trackingId of ids) {
    try {
      if (action.action === 'assign') await assignReport(ctx, project, trackingId, actor, actorLabel, action.assigneeUserId);
      else await transitionReport(ctx, project, trackingId, actor, actorLabel, { to: 'rejected', reason: action.reason, duplicateOf: action.duplicateOf ?? null });
      out.push({ trackingId, ok: true, error: null });
    } catch (e) {
      // Invalid input (a non-member assignee, a reason that needs more) is wrong for every report: refuse the request.
      if (!isDomainError(e) || e.code === 'validation') throw e;
      out.push({ trackingId, ok: false, error: e.message + problemsOf(e) });
    }
  }
  return out;
}

const problemsOf = (e: DomainError): string => {
  const problems = (e.details as { problems?: { field: string; message: string }[] } | undefined)?.problems;
  return problems?.length ? `: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}` : '';
};
