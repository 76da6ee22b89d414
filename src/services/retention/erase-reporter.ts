import { sql } from 'kysely';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { ERASED_PARTS, erasedReporterBody, sameAddress } from '../../core/reports/retention.ts';
import type { ReportBody } from '../../core/reports/submission.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { outboxAad, type SealedEnvelope } from '../mail/outbox.ts';
import { aad } from '../reports/store.ts';

export type ErasureReason = 'retention' | 'request';

export interface ReportErasure {
  trackingId: string;
  outboxRows: number;
  quarantineRows: number;
}

/**
 * Erases one report's reporter contact data, in the caller's transaction, with its audit entry (which names what
 * was erased, never the values): the address, the name unless credited, the OpenPGP key and signer fingerprint,
 * the reply addresses, the mails to the reporter and every sent or failed mail of the report, the pending digest,
 * the keyed hash counting their reports, held mail from their address in the project's quarantine, and the search
 * terms (re-indexed from the erased body by the search job). The title and body are sealed again, under the active
 * key. Returns null when the report is gone or was erased already.
 */
export async function eraseReportReporterData(ctx: Pick<ServiceContext, 'sealer' | 'now'>, tx: Tx, reportId: string, reason: ErasureReason, actor: string): Promise<ReportErasure | null> {
  const row = await tx
    .selectFrom('reports')
    .select(['id', 'project_id', 'tracking_id', 'key_id', 'title_sealed', 'body_sealed', 'credit_choice', 'reporter_data_erased_at'])
    .where('id', '=', reportId)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.reporter_data_erased_at) return null;
  const now = ctx.now();
  const title = ctx.sealer.open(row.key_id, row.title_sealed, aad(row.id, 'title'));
  const body = openJson<ReportBody>(ctx.sealer, row.key_id, row.body_sealed, aad(row.id, 'body'));
  const email = body.reporter_email;
  const newTitle = ctx.sealer.seal(title, aad(row.id, 'title'));
  const newBody = ctx.sealer.seal(JSON.stringify(erasedReporterBody(body, row.credit_choice)), aad(row.id, 'body'));
  await tx
    .updateTable('reports')
    .set({
      title_sealed: newTitle.sealed,
      body_sealed: newBody.sealed,
      key_id: newTitle.keyId,
      reporter_public_key_sealed: null,
      reporter_public_key_key_id: null,
      reporter_key_fingerprint: null,
      signer_fingerprint: null,
      reporter_data_erased_at: now,
      search_indexed_at: null,
    })
    .where('id', '=', row.id)
    .execute();
  // The blind index held hashes of the body's words, the address among them: rebuilt by the search-index job.
  await tx.deleteFrom('report_search').where('report_id', '=', row.id).execute();
  await tx.updateTable('messages').set({ search_indexed_at: null }).where('report_id', '=', row.id).execute();
  await tx.deleteFrom('report_reporters').where('report_id', '=', row.id).execute();
  await tx.deleteFrom('mail_reply_addresses').where('report_id', '=', row.id).execute();
  await tx.deleteFrom('reporter_digests').where('report_id', '=', row.id).execute();

  const mails = await tx.selectFrom('outbox').select(['id', 'key_id', 'envelope_sealed', 'status']).where('report_id', '=', row.id).execute();
  const doomed = mails
    .filter((m) => m.status === 'sent' || m.status === 'failed' || sameAddress(openJson<SealedEnvelope>(ctx.sealer, m.key_id, m.envelope_sealed, outboxAad(m.id)).to, email))
    .map((m) => m.id);
  if (doomed.length) await tx.deleteFrom('outbox').where('id', 'in', doomed).execute();
  const quarantineRows = email ? await deleteQuarantinedFrom(tx, email, row.project_id) : 0;

  await appendAudit(
    tx,
    { actor, action: 'report.reporter-data-erased', projectId: row.project_id, reportId: row.id, data: { reason, erased: [...ERASED_PARTS], outbox_rows: doomed.length, quarantine_rows: quarantineRows } },
    now,
  );
  return { trackingId: row.tracking_id, outboxRows: doomed.length, quarantineRows };
}

/** Held mail (quarantine) from this address, in one project or (null) in all; returns how many rows went. */
export async function deleteQuarantinedFrom(tx: Tx, email: string, projectId: string | null): Promise<number> {
  const address = email.trim().toLowerCase();
  let q = tx.deleteFrom('quarantine').where((eb) => eb.or([eb(sql`lower(sender)`, '=', address), eb(sql`lower(sender)`, 'like', `%<${address.replace(/[\\%_]/g, '\\$&')}>%`)]));
  if (projectId) q = q.where('project_id', '=', projectId);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}
