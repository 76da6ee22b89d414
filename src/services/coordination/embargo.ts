import { DomainError } from '../../core/errors.ts';
import { authorize } from '../../core/access/permissions.ts';
import { randomUUID } from 'node:crypto';
import { embargoMoved } from '../../core/mail/templates.ts';
import { aad } from '../reports/store.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { enqueueMail } from '../mail/outbox.ts';
import type { ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import type { CaseCaller } from './access.ts';
import { casePageLink } from './parties.ts';

/**
 * The shared embargo of a case (issue 19): the report's embargo date, set by maintainers (reports/triage.ts
 * setEmbargo), mailed to every joined party when it moves, and a party's way to ask for more time.
 */

/** Called by setEmbargo inside its transaction: one mail per joined party, through the outbox. */
export async function tellPartiesEmbargoMoved(
  tx: Tx,
  ctx: ServiceContext,
  input: { project: ProjectRecord; reportId: string; trackingId: string; from: Date | null; to: Date | null },
): Promise<number> {
  if ((input.from?.getTime() ?? null) === (input.to?.getTime() ?? null)) return 0;
  const parties = await tx.selectFrom('case_parties').select(['email']).where('report_id', '=', input.reportId).where('accepted_at', 'is not', null).execute();
  const mail = embargoMoved({
    projectName: input.project.name,
    trackingId: input.trackingId,
    from: input.from?.toISOString() ?? null,
    to: input.to?.toISOString() ?? null,
    link: casePageLink(ctx.publicUrl, input.reportId),
  });
  for (const p of parties) {
    await enqueueMail(tx, ctx, { kind: 'case-embargo', projectId: input.project.id, reportId: input.reportId, to: p.email, subject: mail.subject, text: mail.text });
  }
  return parties.length;
}

export interface ExtensionRequestView {
  id: string;
  party_id: string;
  requested_until: Date;
  reason: string;
  state: string;
  created_at: Date;
}

const reasonAad = (reportId: string, id: string) => aad(reportId, `extension-request:${id}`);

export async function requestExtension(ctx: ServiceContext, caller: CaseCaller, input: { until: string; reason: string }): Promise<ExtensionRequestView> {
  if (caller.kind !== 'party') throw new DomainError('forbidden', 'Maintainers set the embargo themselves; parties ask for an extension');
  const until = new Date(input.until);
  const reason = input.reason.trim();
  const now = ctx.now();
  const problems = [];
  if (Number.isNaN(until.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(input.until)) problems.push({ field: 'until', message: 'must be an ISO-8601 date or date-time' });
  else if (until.getTime() <= Math.max(now.getTime(), caller.report.embargoUntil?.getTime() ?? 0)) problems.push({ field: 'until', message: 'must be later than the current embargo and now' });
  if (!reason) problems.push({ field: 'reason', message: 'is required' });
  if (problems.length) throw DomainError.validation(problems);
  const id = randomUUID();
  const sealed = ctx.sealer.seal(reason, reasonAad(caller.report.id, id));
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('embargo_extension_requests')
      .values({ id, report_id: caller.report.id, party_id: caller.party.id, requested_until: until, reason_sealed: sealed.sealed, key_id: sealed.keyId, created_at: now })
      .execute();
    await appendAudit(
      tx,
      { actor: caller.label, action: 'case.extension-requested', projectId: caller.project.id, reportId: caller.report.id, data: { request: id, party: caller.party.id, until: until.toISOString() } },
      now,
    );
  });
  return { id, party_id: caller.party.id, requested_until: until, reason, state: 'pending', created_at: now };
}

/** The case's extension requests: all of them for maintainers, its own for a party. */
export async function extensionRequests(ctx: ServiceContext, caller: CaseCaller): Promise<ExtensionRequestView[]> {
  let q = ctx.db.selectFrom('embargo_extension_requests').selectAll().where('report_id', '=', caller.report.id);
  if (caller.kind === 'party') q = q.where('party_id', '=', caller.party.id);
  const rows = await q.orderBy('created_at', 'desc').limit(100).execute();
  return rows.map((r) => ({
    id: r.id,
    party_id: r.party_id,
    requested_until: r.requested_until,
    reason: ctx.sealer.open(r.key_id, r.reason_sealed, reasonAad(r.report_id, r.id)).toString('utf8'),
    state: r.state,
    created_at: r.created_at,
  }));
}

/** A maintainer closes a request (after moving the embargo, or not). */
export async function decideExtension(ctx: ServiceContext, caller: CaseCaller, requestId: string, decision: 'granted' | 'declined'): Promise<void> {
  if (caller.kind !== 'maintainer') throw new DomainError('forbidden', 'Only the maintainers decide on an extension');
  authorize(caller.actor, 'report:triage');
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('embargo_extension_requests')
      .set({ state: decision, decided_at: now })
      .where('id', '=', requestId)
      .where('report_id', '=', caller.report.id)
      .where('state', '=', 'pending')
      .returning('party_id')
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', 'No pending extension request with that id in this case');
    await appendAudit(tx, { actor: caller.label, action: `case.extension-${decision}`, projectId: caller.project.id, reportId: caller.report.id, data: { request: requestId, party: row.party_id } }, now);
  });
}
