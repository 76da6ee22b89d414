/** Reading the bounty ledger: entries as maintainers see them, and totals per reporter and per year. */
import { authorize, type Actor } from '../../core/access/permissions.ts';
import type { RewardKind } from '../../core/bounty/award.ts';
import type { BountyRangeSnapshot } from '../../core/bounty/proposal.ts';
import { reporterIdentity, type BountyReporter, type ReporterIdentity } from '../../core/bounty/reporter.ts';
import { isBountyState, type BountyState } from '../../core/bounty/states.ts';
import { totalsByReporter, totalsByYear, yearOf, type LedgerLine, type ReporterTotals, type YearTotals } from '../../core/bounty/totals.ts';
import { isSeverity } from '../../core/severity.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import type { BountyEntriesTable } from '../../adapters/db/schema-recognition.ts';
import type { Selectable } from 'kysely';
import type { DbOrTx, ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';

export const bountyAad = (id: string) => `bounty:${id}:reporter`;

export interface BountyEntry {
  id: string;
  trackingId: string;
  state: BountyState;
  range: BountyRangeSnapshot | null;
  reward: { kind: RewardKind; amountMinor: number | null; currency: string | null; items: string[] } | null;
  outsideRange: boolean;
  reason: string | null;
  paymentReference: string | null;
  closingReason: string | null;
  reporter: ReporterIdentity;
  proposedAt: Date | null;
  awardedAt: Date | null;
  approvedAt: Date | null;
  paidAt: Date | null;
  closedAt: Date | null;
  awardedBy: string | null;
  approvedBy: string | null;
  paidBy: string | null;
  closedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type BountyRow = Selectable<BountyEntriesTable>;

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toEntry(ctx: ServiceContext, row: BountyRow, trackingId: string): BountyEntry {
  const reporter = openJson<BountyReporter>(ctx.sealer, row.key_id, row.reporter_sealed, bountyAad(row.id));
  const severity = isSeverity(row.severity) ? row.severity : null;
  return {
    id: row.id,
    trackingId,
    state: isBountyState(row.state) ? row.state : 'proposed',
    range: row.range_currency
      ? { severity, currency: row.range_currency, minMinor: num(row.range_min_minor), maxMinor: num(row.range_max_minor), rewards: row.range_rewards ?? [] }
      : null,
    reward: row.reward_kind
      ? { kind: row.reward_kind as RewardKind, amountMinor: num(row.amount_minor), currency: row.currency, items: row.reward_items ?? [] }
      : null,
    outsideRange: row.outside_range,
    reason: row.reason,
    paymentReference: row.payment_reference,
    closingReason: row.closing_reason,
    reporter: reporterIdentity(reporter),
    proposedAt: row.proposed_at,
    awardedAt: row.awarded_at,
    approvedAt: row.approved_at,
    paidAt: row.paid_at,
    closedAt: row.closed_at,
    awardedBy: row.awarded_by,
    approvedBy: row.approved_by,
    paidBy: row.paid_by,
    closedBy: row.closed_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function projectEntries(ctx: ServiceContext, db: DbOrTx, project: ProjectRecord, states?: BountyState[]): Promise<BountyEntry[]> {
  let q = db
    .selectFrom('bounty_entries')
    .innerJoin('reports', 'reports.id', 'bounty_entries.report_id')
    .selectAll('bounty_entries')
    .select('reports.tracking_id')
    .where('bounty_entries.project_id', '=', project.id);
  if (states?.length) q = q.where('bounty_entries.state', 'in', states);
  const rows = await q.orderBy('bounty_entries.created_at', 'desc').orderBy('bounty_entries.id').execute();
  return rows.map(({ tracking_id, ...row }) => toEntry(ctx, row, tracking_id));
}

export async function listBounties(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, filter: { state?: BountyState[] } = {}): Promise<BountyEntry[]> {
  authorize(actor, 'bounty:read');
  return projectEntries(ctx, ctx.db, project, filter.state);
}

export interface BountyTotals {
  byReporter: ReporterTotals[];
  byYear: YearTotals[];
}

export const ledgerLine = (e: BountyEntry): LedgerLine => ({
  state: e.state,
  kind: e.reward?.kind ?? null,
  amountMinor: e.reward?.amountMinor ?? null,
  currency: e.reward?.currency ?? null,
  awardedAt: e.awardedAt?.toISOString() ?? null,
  paidAt: e.paidAt?.toISOString() ?? null,
  reporterKey: e.reporter.key,
  reporterLabel: e.reporter.label,
});

/** Totals of awarded, approved and paid entries; optionally one calendar year (UTC) only. */
export async function bountyTotals(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, opts: { year?: number } = {}): Promise<BountyTotals> {
  authorize(actor, 'bounty:read');
  let lines = (await projectEntries(ctx, ctx.db, project)).map(ledgerLine);
  if (opts.year !== undefined) lines = lines.filter((l) => yearOf(l) === opts.year);
  return { byReporter: totalsByReporter(lines), byYear: totalsByYear(lines) };
}
