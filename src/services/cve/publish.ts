import { sql } from 'kysely';
import { CveServicesError } from '../../adapters/cve-services/client.ts';
import type { Advisory } from '../../core/advisories/index.ts';
import { toCveCnaContainer } from '../../core/formats/cve5.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import { documentOf } from '../advisories/store.ts';
import { getProject } from '../projects/projects.ts';
import { cnaConnection, type CnaConnection } from './credentials.ts';
import type { CveAction } from './queue.ts';

export const CVE_PUBLISH_JOB_ACTOR = 'job:cve-publish';
/** CVE Services outages can last hours: retried for about two days (1 min, 2, 4 … capped at 6 h) before `failed`. */
export const CVE_MAX_ATTEMPTS = 16;
export const CVE_RETRY_BASE_MS = 60_000;
const MAX_BACKOFF_MS = 6 * 3600_000;

export const cveRetryDelayMs = (attempts: number): number => Math.min(MAX_BACKOFF_MS, CVE_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));

interface Claimed {
  id: string;
  project_id: string;
  advisory_id: string;
  cve_id: string;
  action: CveAction;
  attempts: number;
  claimed_until: Date;
}

/**
 * Claims due calls in one statement, like the webhook deliveries: pending ones whose time has come, sending ones whose
 * lease ran out, never one whose advisory has a call in flight (a PUT must not overtake the POST before it).
 */
async function claimDue(ctx: ServiceContext, limit: number, leaseMs: number): Promise<Claimed[]> {
  const now = ctx.now();
  const lease = new Date(now.getTime() + leaseMs);
  const result = await sql<Claimed>`
    with due as materialized (
      select id from cve_publications c
      where ((c.status = 'pending' and c.next_attempt_at <= ${now}) or (c.status = 'sending' and c.claimed_until < ${now}))
        -- One call per advisory at a time: a change queued while its previous call is in flight waits for it.
        and not exists (select 1 from cve_publications s where s.advisory_id = c.advisory_id and s.id <> c.id and s.status = 'sending' and s.claimed_until >= ${now})
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    update cve_publications p set status = 'sending', claimed_until = ${lease}, attempts = p.attempts + 1
    from due
    where p.id = due.id
      and ((p.status = 'pending' and p.next_attempt_at <= ${now}) or (p.status = 'sending' and p.claimed_until < ${now}))
    returning p.id, p.project_id, p.advisory_id, p.cve_id, p.action, p.attempts, p.claimed_until`.execute(ctx.db);
  return result.rows.map((r) => ({ ...r, attempts: Number(r.attempts), claimed_until: new Date(r.claimed_until) }));
}

/** A failure that no retry mends (a record CVE Services' schema refuses, missing credentials): `failed` at once. */
class Permanent extends Error {}

async function send(ctx: ServiceContext, conn: CnaConnection, row: Claimed, advisory: Advisory, slug: string, recordState: string): Promise<'PUBLISHED' | 'REJECTED'> {
  const project = await getProject(ctx.db, slug);
  const provider = { orgId: conn.orgId, shortName: conn.shortName, version: conn.recordVersion };
  if (row.action === 'reject') {
    const reason = advisory.revisions[advisory.revisions.length - 1]?.summary ?? 'Withdrawn by the vendor';
    const container = { providerMetadata: { orgId: conn.orgId, shortName: conn.shortName }, rejectedReasons: [{ lang: 'en', value: reason }] };
    const problems = await ctx.cveServices.schemas.problems(container, 'cna-rejected', conn.recordVersion);
    if (problems.length) throw new Permanent(`the rejection is invalid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    await conn.client.reject(row.cve_id, container, recordState === 'PUBLISHED');
    return 'REJECTED';
  }
  const container = toCveCnaContainer({ ...advisory, cve_id: row.cve_id }, project.policy, provider);
  const problems = await ctx.cveServices.schemas.problems(container, 'cna', conn.recordVersion);
  if (problems.length) throw new Permanent(`the CVE ${conn.recordVersion} record is invalid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const update = recordState === 'PUBLISHED' || recordState === 'REJECTED';
  try {
    await conn.client.publishCna(row.cve_id, container, update);
  } catch (e) {
    // Sent before, but our record of it was lost (a crash between the call and the commit): the record exists, so update it.
    if (!update && e instanceof CveServicesError && e.error === 'CVE_RECORD_EXISTS') await conn.client.publishCna(row.cve_id, container, true);
    else throw e;
  }
  return 'PUBLISHED';
}

/**
 * One pass of the CVE publication queue: claim, call CVE Services, record. A transient failure (no answer, 429,
 * 5xx) stays `pending` with its error and the next try (backoff, or the server's RateLimit-Reset); anything else
 * (credentials refused, a record refused) is `failed` with CVE Services' error until someone retries it. The
 * record is written only while our lease holds, so two instances never both record one call.
 */
export async function publishDueCveRecords(ctx: ServiceContext, limit = 10): Promise<number> {
  const leaseMs = ctx.cveServices.timeoutMs * 3 + 5_000;
  const rows = await claimDue(ctx, limit, leaseMs);
  let handled = 0;
  for (const row of rows) {
    let error: string | null = null;
    let status: number | null = null;
    let transient = false;
    let retryAfterMs: number | null = null;
    let outcome: 'PUBLISHED' | 'REJECTED' | null = null;
    try {
      const adv = await ctx.db
        .selectFrom('advisories')
        .innerJoin('projects', 'projects.id', 'advisories.project_id')
        .select(['advisories.id', 'advisories.document', 'advisories.document_sealed', 'advisories.key_id', 'projects.slug'])
        .where('advisories.id', '=', row.advisory_id)
        .executeTakeFirst();
      const conn = await cnaConnection(ctx, row.project_id);
      const idRow = await ctx.db.selectFrom('cve_ids').select('state').where('cve_id', '=', row.cve_id).executeTakeFirst();
      if (!adv) throw new Permanent('the advisory is gone');
      if (!conn) throw new Permanent('the project has no CVE Services credentials any more');
      outcome = await send(ctx, conn, row, documentOf(ctx, adv), adv.slug, idRow?.state ?? 'RESERVED');
    } catch (e) {
      if (e instanceof CveServicesError) {
        status = e.status;
        transient = e.transient;
        retryAfterMs = e.retryAfterMs;
      } else transient = !(e instanceof Permanent);
      error = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
    }
    const now = ctx.now();
    const failed = error !== null && (!transient || row.attempts >= CVE_MAX_ATTEMPTS);
    const nextAt = new Date(now.getTime() + Math.max(cveRetryDelayMs(row.attempts), retryAfterMs ?? 0));
    const recorded = await ctx.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('cve_publications')
        .set({
          status: outcome ? 'published' : failed ? 'failed' : 'pending',
          claimed_until: null,
          last_status: status,
          last_error: error,
          ...(outcome ? { done_at: now } : failed ? { done_at: now } : { next_attempt_at: nextAt }),
        })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('claimed_until', '=', row.claimed_until)
        .executeTakeFirst();
      if (!Number(updated.numUpdatedRows)) return false;
      if (outcome) await tx.updateTable('cve_ids').set({ state: outcome }).where('cve_id', '=', row.cve_id).execute();
      await appendAudit(
        tx,
        {
          actor: CVE_PUBLISH_JOB_ACTOR,
          action: outcome ? (outcome === 'REJECTED' ? 'cve.rejected' : 'cve.published') : failed ? 'cve.publish_failed' : 'cve.publish_retrying',
          projectId: row.project_id,
          data: { cve_id: row.cve_id, action: row.action, attempt: row.attempts, ...(error ? { error, status } : {}), ...(!outcome && !failed ? { next_attempt_at: nextAt.toISOString() } : {}) },
        },
        now,
      );
      return true;
    });
    if (recorded) handled += 1;
  }
  return handled;
}
