import { sql } from 'kysely';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { CLOSED_STATES, sameAddress } from '../../core/reports/retention.ts';
import type { ReportBody } from '../../core/reports/submission.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import { aad } from '../reports/store.ts';
import { reporterAddressHash } from '../triage/signing.ts';
import { deleteQuarantinedFrom, eraseReportReporterData, type ReportErasure } from './erase-reporter.ts';

const BATCH = 20;

/**
 * One tick of the retention job: erases the reporter data of up to 20 reports closed longer than their project's
 * `retention.reporter_contact_days_after_close` (closed = the last move into rejected, disclosed or closed), and
 * deletes held mail (quarantine) resolved longer ago than that. Claimed with FOR UPDATE SKIP LOCKED, so instances
 * sharing a database never erase one report twice; each report commits with its audit entry. A project whose
 * policy has no `retention` is never touched: retention is asked for, not assumed.
 */
export async function retentionTick(ctx: ServiceContext): Promise<number> {
  const now = ctx.now();
  // One transaction per report, walking the due ones by id: a report that cannot be erased (its key is gone) is
  // reported after the others committed, and never holds them back.
  let erased = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  const failed: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const failedBefore = failed.length;
    const step = await ctx.db.transaction().execute(async (tx) => {
      const due = await sql<{ id: string; tracking_id: string }>`
        select r.id, r.tracking_id from reports r join projects p on p.id = r.project_id
        where (p.policy->'retention'->>'reporter_contact_days_after_close') is not null
          and r.reporter_data_erased_at is null and r.state = any(${[...CLOSED_STATES]}::text[]) and r.id > ${after}::uuid
          and coalesce((select max(e.at) from report_events e where e.report_id = r.id and e.kind = 'state'), r.updated_at)
              < ${now}::timestamptz - make_interval(days => (p.policy->'retention'->>'reporter_contact_days_after_close')::int)
        order by r.id limit 1
        for update of r skip locked`.execute(tx);
      const next = due.rows[0];
      if (!next) return null;
      after = next.id;
      try {
        return { done: Boolean(await eraseReportReporterData(ctx, tx, next.id, 'retention', 'system:retention')) };
      } catch (e) {
        failed.push(`${next.tracking_id}: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    }).catch((e: unknown) => {
      if (failed.length === failedBefore) throw e; // not the erasure: the database itself
      return { done: false };
    });
    if (!step) break;
    if (step.done) erased++;
  }
  const held = await ctx.db.transaction().execute(async (tx) => {
    const gone = await sql<{ id: string; project_id: string }>`
      delete from quarantine q using projects p
      where p.id = q.project_id and q.resolved_at is not null
        and q.resolved_at < ${now}::timestamptz - make_interval(days => (p.policy->'retention'->>'reporter_contact_days_after_close')::int)
      returning q.id, q.project_id`.execute(tx);
    for (const g of gone.rows) await appendAudit(tx, { actor: 'system:retention', action: 'quarantine.erased', projectId: g.project_id, data: { id: g.id, reason: 'retention' } }, now);
    return gone.rows.length;
  });
  if (failed.length) throw new Error(`retention: ${failed.length} report(s) could not be erased (${failed.join('; ')}); ${erased} erased`);
  return erased + held;
}

export interface ReporterErasureResult {
  reports: ReportErasure[];
  quarantineRows: number;
}

/**
 * Erases everything Embargo holds about the reporter with this address, on their request (a site admin acts):
 * every report they sent, open or closed (a report stays, only its contact data goes), and held mail from the
 * address in every project. Their reports are found by the keyed address hash the triage job keeps; reports not
 * yet signed, or signed under another key than the active one, are opened and compared.
 */
export async function eraseReporterByAddress(ctx: ServiceContext, email: string, actor: string): Promise<ReporterErasureResult> {
  const hash = reporterAddressHash(ctx, email);
  const candidates = await sql<{ id: string; key_id: string; body_sealed: Uint8Array }>`
    select r.id, r.key_id, r.body_sealed from reports r
    where r.reporter_data_erased_at is null and (
      r.id in (select report_id from report_reporters where address_hash = ${hash})
      or r.triage_pending
      or not exists (select 1 from report_signatures s where s.report_id = r.id and s.key_id = ${ctx.triageIndex.keyId}))`.execute(ctx.db);
  const mine = candidates.rows.filter((r) => sameAddress(openJson<ReportBody>(ctx.sealer, r.key_id, r.body_sealed, aad(r.id, 'body')).reporter_email, email));
  const reports: ReportErasure[] = [];
  for (const r of mine) {
    const done = await ctx.db.transaction().execute((tx) => eraseReportReporterData(ctx, tx, r.id, 'request', actor));
    if (done) reports.push(done);
  }
  const quarantineRows = await ctx.db.transaction().execute(async (tx) => {
    const n = await deleteQuarantinedFrom(tx, email, null);
    if (n) await appendAudit(tx, { actor, action: 'quarantine.erased', data: { rows: n, reason: 'request' } }, ctx.now());
    return n;
  });
  return { reports, quarantineRows: quarantineRows + reports.reduce((s, r) => s + r.quarantineRows, 0) };
}
