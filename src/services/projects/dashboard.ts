import { authorize, type Actor, type ProjectRole } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import { readAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { actorNames } from '../access/actor-names.ts';
import type { ProjectRecord } from './projects.ts';

export interface DashboardProject {
  slug: string;
  name: string;
  role: ProjectRole;
}

/**
 * The projects a maintainer works on, with their role: what the dashboard's queue spans and which actions it
 * offers. Site admins act as admins of every project (permissions.ts), so they get every project as admin.
 */
export async function projectsOfUser(
  db: DbOrTx,
  user: { id: string; siteAdmin: boolean },
  /** An API token's project limit: only these (its owner's role or site-admin power applies within them). */
  limit: { projectIds: string[]; ownerSiteAdmin: boolean } | null = null,
): Promise<DashboardProject[]> {
  if (user.siteAdmin || limit?.ownerSiteAdmin) {
    let q = db.selectFrom('projects').select(['slug', 'name']).orderBy('slug');
    if (limit) q = q.where('id', 'in', limit.projectIds.length ? limit.projectIds : ['00000000-0000-0000-0000-000000000000']);
    const rows = await q.execute();
    return rows.map((r) => ({ slug: r.slug, name: r.name, role: 'admin' as const }));
  }
  let q = db
    .selectFrom('memberships')
    .innerJoin('projects', 'projects.id', 'memberships.project_id')
    .select(['projects.slug', 'projects.name', 'memberships.role'])
    .where('memberships.user_id', '=', user.id)
    .orderBy('projects.slug');
  if (limit) q = q.where('projects.id', 'in', limit.projectIds.length ? limit.projectIds : ['00000000-0000-0000-0000-000000000000']);
  const rows = await q.execute();
  return rows.map((r) => ({ slug: r.slug, name: r.name, role: r.role as ProjectRole }));
}

/** The audit entries of one report, oldest first (project admins: the same permission as the project's trail). */
export async function reportAudit(ctx: ServiceContext, project: ProjectRecord, trackingId: string, actor: Actor | null) {
  authorize(actor, 'audit:read');
  const report = await ctx.db.selectFrom('reports').select('id').where('project_id', '=', project.id).where('tracking_id', '=', trackingId).executeTakeFirst();
  if (!report) throw new DomainError('not_found', `No report ${trackingId}`);
  const rows = await readAudit(ctx.db, { projectId: project.id, reportId: report.id, limit: 5000 });
  const names = await actorNames(ctx, rows.map((r) => r.actor));
  return rows.map((r) => ({ ...r, actorName: names.get(r.actor) ?? null }));
}

/** The project's audit trail, newest entries up to `limit` (project admins). */
export async function projectAudit(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, opts: { limit: number }) {
  authorize(actor, 'audit:read');
  return readAudit(ctx.db, { projectId: project.id, limit: opts.limit });
}
