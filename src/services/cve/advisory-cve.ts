import { actorNames } from '../access/actor-names.ts';
import { CveServicesError, type Quota } from '../../adapters/cve-services/client.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { cveRequestFor, type CveRequest } from '../../core/advisories/cve-request.ts';
import { DomainError } from '../../core/errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import { readAdvisory, updateAdvisory } from '../advisories/advisories.ts';
import { advisoryUrl } from '../advisories/disclosure.ts';
import { requireAdvisory } from '../advisories/store.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { cnaConnection } from './credentials.ts';
import type { CveAction } from './queue.ts';

export type PublicationStatus = 'pending' | 'retrying' | 'sending' | 'published' | 'failed';

export interface CvePublicationInfo {
  id: string;
  action: CveAction;
  status: PublicationStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  doneAt: Date | null;
}

export interface AdvisoryCveInfo {
  cveId: string | null;
  /** The project has CVE Services credentials: it reserves and publishes itself. */
  isCna: boolean;
  /** `reservedBy`: the actor label; `reservedByName`: the user's name, for people (null when not a user of this instance). */
  reserved: { cveId: string; state: string; reservedBy: string; reservedByName: string | null; reservedAt: Date } | null;
  publications: CvePublicationInfo[];
  /** For projects that are not CNAs: the request to their CNA of last resort, prefilled, and whether it was sent. */
  request: (CveRequest & { requestedAt: Date | null; requestedBy: string | null }) | null;
}

const upstream = (e: unknown): never => {
  if (e instanceof CveServicesError) throw new DomainError('upstream', e.message, { upstream_status: e.status, upstream_error: e.error, retryable: e.transient });
  throw e;
};

function statusOf(r: { status: string; attempts: number }): PublicationStatus {
  if (r.status === 'pending') return r.attempts > 0 ? 'retrying' : 'pending';
  return r.status as PublicationStatus;
}

export async function advisoryCve(ctx: ServiceContext, project: ProjectRecord, publicId: string, actor: Actor | null, actorLabel: string): Promise<AdvisoryCveInfo> {
  const view = await readAdvisory(ctx, project, publicId, actor, actorLabel, 'cve');
  const row = await requireAdvisory(ctx.db, project, publicId);
  const [settings, reserved, pubs, request] = await Promise.all([
    ctx.db.selectFrom('cve_settings').select('project_id').where('project_id', '=', project.id).executeTakeFirst(),
    ctx.db.selectFrom('cve_ids').selectAll().where('advisory_id', '=', row.id).executeTakeFirst(),
    ctx.db.selectFrom('cve_publications').selectAll().where('advisory_id', '=', row.id).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(10).execute(),
    ctx.db.selectFrom('cve_requests').selectAll().where('advisory_id', '=', row.id).executeTakeFirst(),
  ]);
  const a = view.advisory;
  const isCna = Boolean(settings);
  const names = reserved ? await actorNames(ctx, [reserved.reserved_by]) : new Map<string, string>();
  return {
    cveId: a.cve_id,
    isCna,
    reserved: reserved ? { cveId: reserved.cve_id, state: reserved.state, reservedBy: reserved.reserved_by, reservedByName: names.get(reserved.reserved_by) ?? null, reservedAt: new Date(reserved.reserved_at) } : null,
    publications: pubs.map((p) => ({
      id: p.id,
      action: p.action,
      status: statusOf({ status: p.status, attempts: Number(p.attempts) }),
      attempts: Number(p.attempts),
      lastStatus: p.last_status === null ? null : Number(p.last_status),
      lastError: p.last_error,
      nextAttemptAt: p.status === 'pending' ? new Date(p.next_attempt_at) : null,
      createdAt: new Date(p.created_at),
      doneAt: p.done_at ? new Date(p.done_at) : null,
    })),
    request: isCna
      ? null
      : {
          ...cveRequestFor(a, project.policy, { advisoryUrl: a.published_at ? advisoryUrl(ctx.publicUrl, project.slug, a.id) : null }),
          requestedAt: request ? new Date(request.requested_at) : null,
          requestedBy: request?.requested_by ?? null,
        },
  };
}

/**
 * Reserves one CVE ID for the advisory from the project's CNA quota and writes it into the advisory. The ID is
 * recorded (with its audit entry) before the advisory is edited, so an edit that fails leaves the ID known, and
 * the next attempt uses it instead of reserving another.
 */
export async function reserveCveForAdvisory(ctx: ServiceContext, project: ProjectRecord, publicId: string, actor: Actor | null, actorLabel: string): Promise<AdvisoryCveInfo> {
  authorize(actor, 'cve:reserve');
  authorize(actor, 'advisory:edit');
  const row = await requireAdvisory(ctx.db, project, publicId);
  if (!['draft', 'in-review'].includes(row.state)) throw new DomainError('conflict', `A CVE ID is reserved while the advisory is a draft or in review (it is ${row.state})`, { state: row.state });
  const view = await readAdvisory(ctx, project, publicId, actor, actorLabel, 'cve');
  if (view.advisory.cve_id) throw new DomainError('conflict', `The advisory already has ${view.advisory.cve_id}`, { cve_id: view.advisory.cve_id });
  let cveId = (await ctx.db.selectFrom('cve_ids').select('cve_id').where('advisory_id', '=', row.id).executeTakeFirst())?.cve_id;
  if (!cveId) {
    const conn = await cnaConnection(ctx, project.id);
    if (!conn) throw new DomainError('conflict', 'This project has no CVE Services credentials: a project admin sets them in the project settings, or request an ID from your CNA of last resort');
    const now = ctx.now();
    const ids = await conn.client.reserveIds({ amount: 1, year: now.getUTCFullYear(), shortName: conn.shortName }).catch(upstream);
    const got = ids[0];
    if (!got) throw new DomainError('upstream', 'CVE Services reserved no ID (is the quota used up?)');
    cveId = got.cve_id;
    await ctx.db.transaction().execute(async (tx) => {
      await tx.insertInto('cve_ids').values({ cve_id: got.cve_id, project_id: project.id, advisory_id: row.id, state: 'RESERVED', owning_cna: got.owning_cna || conn.shortName, reserved_by: actorLabel, reserved_at: now }).execute();
      await appendAudit(tx, { actor: actorLabel, action: 'cve.reserved', projectId: project.id, reportId: row.report_id, data: { cve_id: got.cve_id, advisory: publicId } }, now);
    });
  }
  await updateAdvisory(ctx, project, publicId, actor, actorLabel, { cve_id: cveId });
  return advisoryCve(ctx, project, publicId, actor, actorLabel);
}

/** Sends a failed (or waiting) CVE publication of the advisory again, now. */
export async function retryCvePublication(ctx: ServiceContext, project: ProjectRecord, publicId: string, actor: Actor | null, actorLabel: string): Promise<AdvisoryCveInfo> {
  authorize(actor, 'advisory:publish');
  const row = await requireAdvisory(ctx.db, project, publicId);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const last = await tx
      .selectFrom('cve_publications')
      .select(['id', 'status', 'cve_id', 'action'])
      .where('advisory_id', '=', row.id)
      .where('status', 'in', ['pending', 'failed'])
      .orderBy('created_at', 'desc')
      .forUpdate()
      .executeTakeFirst();
    if (!last) throw new DomainError('conflict', 'No CVE publication of this advisory is waiting or failed');
    const waiting = await tx.selectFrom('cve_publications').select('id').where('advisory_id', '=', row.id).where('status', '=', 'pending').executeTakeFirst();
    const id = waiting?.id ?? last.id;
    await tx.updateTable('cve_publications').set({ status: 'pending', next_attempt_at: now, done_at: null, ...(waiting ? {} : { attempts: 0 }) }).where('id', '=', id).execute();
    await appendAudit(tx, { actor: actorLabel, action: 'cve.publish_retry', projectId: project.id, reportId: row.report_id, data: { cve_id: last.cve_id, action: last.action, advisory: publicId } }, now);
  });
  return advisoryCve(ctx, project, publicId, actor, actorLabel);
}

/** Records (or, with `requested: false`, clears) the step "we asked our CNA of last resort for an ID". */
export async function markCveRequested(ctx: ServiceContext, project: ProjectRecord, publicId: string, actor: Actor | null, actorLabel: string, input: { requested: boolean; cna?: string }): Promise<AdvisoryCveInfo> {
  authorize(actor, 'advisory:edit');
  const row = await requireAdvisory(ctx.db, project, publicId);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    if (input.requested) {
      const cna = input.cna?.trim() || 'MITRE (CNA of last resort)';
      await tx
        .insertInto('cve_requests')
        .values({ advisory_id: row.id, project_id: project.id, cna, requested_by: actorLabel, requested_at: now })
        .onConflict((oc) => oc.column('advisory_id').doUpdateSet({ cna, requested_by: actorLabel, requested_at: now }))
        .execute();
    } else await tx.deleteFrom('cve_requests').where('advisory_id', '=', row.id).execute();
    await appendAudit(tx, { actor: actorLabel, action: input.requested ? 'cve.requested' : 'cve.request_cleared', projectId: project.id, reportId: row.report_id, data: { advisory: publicId, ...(input.cna ? { cna: input.cna } : {}) } }, now);
  });
  return advisoryCve(ctx, project, publicId, actor, actorLabel);
}

/** The project's CNA quota at CVE Services (project admins and triagers, who reserve from it). */
export async function cveQuota(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null): Promise<Quota & { cnaShortName: string }> {
  authorize(actor, 'cve:reserve');
  const conn = await cnaConnection(ctx, project.id);
  if (!conn) throw new DomainError('conflict', 'This project has no CVE Services credentials');
  const q = await conn.client.quota(conn.shortName).catch(upstream);
  return { id_quota: Number(q.id_quota ?? 0), total_reserved: Number(q.total_reserved ?? 0), available: Number(q.available ?? 0), cnaShortName: conn.shortName };
}
