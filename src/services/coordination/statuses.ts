import { DomainError } from '../../core/errors.ts';
import { checkStatus, type StatusInput } from '../../core/coordination/vocabulary.ts';
import { aad } from '../reports/store.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import type { CaseCaller } from './access.ts';
import { raiseEvent, reportRef } from '../events/raise.ts';

/**
 * A party's status per vulnerability and product (issue 19). Append-only: every change is a row, so the history
 * is the table itself; the current status is the latest row per (party, vulnerability, product). The statement
 * text is sealed, bound to its party and instant so it cannot be moved to another.
 */

const statementAad = (reportId: string, partyId: string, at: Date) => aad(reportId, `party-statement:${partyId}:${at.toISOString()}`);

export interface StatusView {
  party_id: string;
  vulnerability: string;
  product: string;
  versions: string | null;
  status: string;
  justification: string | null;
  fixed_versions: string | null;
  statement: string | null;
  changed_at: Date;
  changed_by: string;
}

type StatusRow = {
  party_id: string;
  vulnerability: string;
  product: string;
  versions: string | null;
  status: string;
  justification: string | null;
  fixed_versions: string | null;
  statement_sealed: Uint8Array | null;
  key_id: string | null;
  actor: string;
  created_at: Date;
};

export const openStatus = (ctx: Pick<ServiceContext, 'sealer'>, reportId: string, r: StatusRow): StatusView => ({
  party_id: r.party_id,
  vulnerability: r.vulnerability,
  product: r.product,
  versions: r.versions,
  status: r.status,
  justification: r.justification,
  fixed_versions: r.fixed_versions,
  statement: r.statement_sealed && r.key_id ? ctx.sealer.open(r.key_id, r.statement_sealed, statementAad(reportId, r.party_id, r.created_at)).toString('utf8') : null,
  changed_at: r.created_at,
  changed_by: r.actor,
});

const STATUS_COLUMNS = ['party_id', 'vulnerability', 'product', 'versions', 'status', 'justification', 'fixed_versions', 'statement_sealed', 'key_id', 'actor', 'created_at'] as const;

/** Current statuses of a case, optionally of one party: the latest row per (party, vulnerability, product). */
export async function currentStatuses(ctx: Pick<ServiceContext, 'sealer'> & { db: DbOrTx }, reportId: string, partyId?: string): Promise<StatusView[]> {
  let q = ctx.db
    .selectFrom('party_statuses')
    .select([...STATUS_COLUMNS])
    .distinctOn(['party_id', 'vulnerability', 'product'])
    .where('report_id', '=', reportId);
  if (partyId) q = q.where('party_id', '=', partyId);
  const rows = await q.orderBy('party_id').orderBy('vulnerability').orderBy('product').orderBy('id', 'desc').execute();
  return rows.map((r) => openStatus(ctx, reportId, r));
}

/** Whether the case's advisory is out: from then on every party's statuses are public to the other parties. */
export async function casePublished(db: DbOrTx, reportId: string): Promise<boolean> {
  const row = await db.selectFrom('advisories').select('id').where('report_id', '=', reportId).where('state', '=', 'published').executeTakeFirst();
  return row !== undefined;
}

/** A party states its status; maintainers speak through the advisory, not as a party. */
export async function setPartyStatus(ctx: ServiceContext, caller: CaseCaller, input: StatusInput): Promise<StatusView> {
  if (caller.kind !== 'party') throw new DomainError('forbidden', 'Only a party of the case states a party status; the project states its own in the advisory');
  const s = checkStatus(input);
  if (s.statement && s.statement.length > 20_000) throw DomainError.validation([{ field: 'statement', message: 'must be at most 20000 characters' }]);
  const now = ctx.now();
  const { report, party } = caller;
  const sealed = s.statement ? ctx.sealer.seal(s.statement, statementAad(report.id, party.id, now)) : null;
  await ctx.db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('party_statuses')
      .select('status')
      .where('party_id', '=', party.id)
      .where('vulnerability', '=', s.vulnerability)
      .where('product', '=', s.product)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    await tx
      .insertInto('party_statuses')
      .values({
        party_id: party.id,
        report_id: report.id,
        vulnerability: s.vulnerability,
        product: s.product,
        versions: s.versions,
        status: s.status,
        justification: s.justification,
        fixed_versions: s.fixedVersions,
        statement_sealed: sealed?.sealed ?? null,
        key_id: sealed?.keyId ?? null,
        actor: caller.label,
        created_at: now,
      })
      .execute();
    await raiseEvent(tx, caller.project.id, { type: 'case.party_status_changed', report: await reportRef(tx, report.id), party_id: party.id, vulnerability: s.vulnerability, from: before?.status ?? 'unknown', to: s.status }, now);
    // The audit entry names the change, never the statement (sealed in the row).
    await appendAudit(
      tx,
      {
        actor: caller.label,
        action: 'case.party-status',
        projectId: caller.project.id,
        reportId: report.id,
        data: { party: party.id, vulnerability: s.vulnerability, product: s.product, from: before?.status ?? 'unknown', to: s.status, justification: s.justification },
      },
      now,
    );
  });
  return {
    party_id: party.id,
    vulnerability: s.vulnerability,
    product: s.product,
    versions: s.versions,
    status: s.status,
    justification: s.justification,
    fixed_versions: s.fixedVersions,
    statement: s.statement,
    changed_at: now,
    changed_by: caller.label,
  };
}

/** Every change of a party's statuses, newest first: the party's own, or any party's for maintainers. */
export async function statusHistory(ctx: ServiceContext, caller: CaseCaller, partyId: string): Promise<StatusView[]> {
  const mayRead = caller.kind === 'maintainer' || caller.party.id === partyId || (await casePublished(ctx.db, caller.report.id));
  if (!mayRead) throw new DomainError('not_found', 'No such party in this case');
  const party = await ctx.db.selectFrom('case_parties').select('id').where('id', '=', partyId).where('report_id', '=', caller.report.id).executeTakeFirst();
  if (!party) throw new DomainError('not_found', 'No such party in this case');
  const rows = await ctx.db
    .selectFrom('party_statuses')
    .select([...STATUS_COLUMNS])
    .where('report_id', '=', caller.report.id)
    .where('party_id', '=', partyId)
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => openStatus(ctx, caller.report.id, r));
}
