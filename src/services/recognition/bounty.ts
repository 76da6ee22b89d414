/** Bounty ledger changes: the proposal on acceptance, awards and the approve/pay/decline/cancel steps. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { decideAward, type RewardInput } from '../../core/bounty/award.ts';
import { proposeBounty, rangeFor, type BountyRangeSnapshot } from '../../core/bounty/proposal.ts';
import type { BountyReporter } from '../../core/bounty/reporter.ts';
import { ACTIVE_BOUNTY_STATES, checkBountyTransition, isBountyState, type BountyState, type ManualBountyTarget } from '../../core/bounty/states.ts';
import { DomainError } from '../../core/errors.ts';
import type { ReportState } from '../../core/reports/states.ts';
import type { ReportBody } from '../../core/reports/submission.ts';
import { isSeverity } from '../../core/severity.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { bountyAad, toEntry, type BountyEntry } from './bounty-ledger.ts';
import type { ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { aad } from '../reports/store.ts';

/** Reports filed by someone outside the project; internal ones (from a scan) have nobody to reward. */
const REPORTER_SOURCES = new Set(['web', 'api', 'email']);

type ReportForBounty = { id: string; tracking_id: string; state: string; severity: string | null; source: string; credit_choice: string; body_sealed: Uint8Array; key_id: string };

async function lockReport(tx: Tx, projectId: string, by: { id: string } | { trackingId: string }): Promise<ReportForBounty | undefined> {
  let q = tx.selectFrom('reports').select(['id', 'tracking_id', 'severity', 'source', 'credit_choice', 'body_sealed', 'key_id', 'state']).where('project_id', '=', projectId);
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('tracking_id', '=', by.trackingId);
  return q.forUpdate().executeTakeFirst();
}

function reporterOf(ctx: ServiceContext, report: ReportForBounty): BountyReporter {
  const body = openJson<ReportBody>(ctx.sealer, report.key_id, report.body_sealed, aad(report.id, 'body'));
  return { trackingId: report.tracking_id, creditChoice: report.credit_choice, creditName: body.credit_name, reporterName: body.reporter_name, reporterEmail: body.reporter_email };
}

const activeEntry = (tx: Tx, reportId: string) =>
  tx.selectFrom('bounty_entries').selectAll().where('report_id', '=', reportId).where('state', 'in', [...ACTIVE_BOUNTY_STATES]).forUpdate().executeTakeFirst();

const rangeColumns = (range: BountyRangeSnapshot | null, severity: string | null) => ({
  severity,
  range_currency: range?.currency ?? null,
  range_min_minor: range?.minMinor ?? null,
  range_max_minor: range?.maxMinor ?? null,
  range_rewards: JSON.stringify(range?.rewards ?? []),
});

/**
 * Called by `transitionReport` inside its transaction. Acceptance proposes the policy's range for the report's
 * severity (when the policy has a bounty program, the report came from a reporter, and it holds no entry yet);
 * a rejection cancels a proposal nobody acted on. Awarded entries are left to an admin.
 */
export async function bountyOnReportTransition(tx: Tx, ctx: ServiceContext, project: ProjectRecord, reportId: string, to: ReportState, actorLabel: string): Promise<void> {
  if (to !== 'accepted' && to !== 'rejected') return;
  const now = ctx.now();
  if (to === 'rejected') {
    const cancelled = await tx
      .updateTable('bounty_entries')
      .set({ state: 'cancelled', closing_reason: 'report rejected', closed_at: now, closed_by: actorLabel, updated_at: now })
      .where('report_id', '=', reportId)
      .where('state', '=', 'proposed')
      .returning('id')
      .execute();
    for (const { id } of cancelled) {
      await appendAudit(tx, { actor: actorLabel, action: 'bounty.cancelled', projectId: project.id, reportId, data: { bounty_id: id, from: 'proposed', to: 'cancelled', reason: 'report rejected' } }, now);
    }
    return;
  }
  const report = await lockReport(tx, project.id, { id: reportId });
  if (!report || !REPORTER_SOURCES.has(report.source)) return;
  const severity = isSeverity(report.severity) ? report.severity : null;
  const proposal = proposeBounty(project.policy.bounty, severity);
  if (!proposal || (await activeEntry(tx, reportId))) return;
  const id = randomUUID();
  const sealed = ctx.sealer.seal(JSON.stringify(reporterOf(ctx, report)), bountyAad(id));
  await tx
    .insertInto('bounty_entries')
    .values({
      id,
      project_id: project.id,
      report_id: reportId,
      state: 'proposed',
      ...rangeColumns(proposal.range, severity),
      reward_kind: null,
      amount_minor: null,
      currency: null,
      reward_items: '[]',
      reporter_sealed: sealed.sealed,
      key_id: sealed.keyId,
      proposed_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await appendAudit(
    tx,
    {
      actor: actorLabel,
      action: 'bounty.proposed',
      projectId: project.id,
      reportId,
      data: { bounty_id: id, severity, currency: proposal.range?.currency ?? null, min_minor: proposal.range?.minMinor ?? null, max_minor: proposal.range?.maxMinor ?? null, rewards: proposal.range?.rewards ?? [] },
    },
    now,
  );
}

/** A report can be rewarded once it has been accepted (now or earlier) and while it is not rejected. */
async function wasAccepted(tx: Tx, reportId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('report_events')
    .select('id')
    .where('report_id', '=', reportId)
    .where('kind', '=', 'state')
    .where(sql<string>`data->>'to'`, '=', 'accepted')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** What an admin asks for; a money award without a currency takes the policy's bounty currency. */
export interface AwardRequest {
  kind: RewardInput['kind'];
  amount?: string | number | undefined;
  currency?: string | undefined;
  items?: string[] | undefined;
  reason?: string | null | undefined;
}

function rewardOf(req: AwardRequest, project: ProjectRecord): RewardInput {
  if (req.kind === 'non-money') return { kind: 'non-money', items: req.items ?? [] };
  if (req.kind === 'credit-only') return { kind: 'credit-only' };
  const currency = req.currency ?? project.policy.bounty?.currency;
  if (req.amount === undefined || currency === undefined) {
    throw DomainError.validation([{ field: req.amount === undefined ? 'amount' : 'currency', message: 'is required for a money reward' }]);
  }
  return { kind: 'money', amount: req.amount, currency };
}

/**
 * Records the reward decided for a report: the open proposal becomes `awarded` (or an earlier award is
 * corrected); with no open entry (no bounty program, or the last one was declined or cancelled) a new one is
 * made. The range checked against is the policy's current range for the report's current severity.
 */
export async function awardBounty(ctx: ServiceContext, project: ProjectRecord, trackingId: string, actor: Actor | null, actorLabel: string, req: AwardRequest): Promise<BountyEntry> {
  // Before the request's own checks, so an outsider learns nothing from a validation message.
  authorize(actor, 'bounty:award');
  const reward = rewardOf(req, project);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const report = await lockReport(tx, project.id, { trackingId });
    if (!report) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
    const state = report.state;
    if (state === 'rejected' || !(await wasAccepted(tx, report.id))) {
      throw new DomainError('conflict', `Report ${trackingId} has not been accepted: only accepted reports are rewarded`, { state });
    }
    const severity = isSeverity(report.severity) ? report.severity : null;
    const range = rangeFor(project.policy.bounty, severity);
    const award = decideAward(reward, range, req.reason);
    const existing = await activeEntry(tx, report.id);
    const from: BountyState | null = existing && isBountyState(existing.state) ? existing.state : null;
    if (from) checkBountyTransition({ from, to: 'awarded' });
    const id = existing?.id ?? randomUUID();
    const sealed = ctx.sealer.seal(JSON.stringify(reporterOf(ctx, report)), bountyAad(id));
    const values = {
      state: 'awarded',
      ...rangeColumns(range, severity),
      reward_kind: award.kind,
      amount_minor: award.amountMinor,
      currency: award.currency,
      reward_items: JSON.stringify(award.items),
      outside_range: award.outsideRange,
      reason: award.reason,
      reporter_sealed: sealed.sealed,
      key_id: sealed.keyId,
      awarded_at: now,
      awarded_by: actorLabel,
      updated_at: now,
    };
    const row = existing
      ? await tx.updateTable('bounty_entries').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
      : await tx
          .insertInto('bounty_entries')
          .values({ id, project_id: project.id, report_id: report.id, ...values, created_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
    await appendAudit(
      tx,
      {
        actor: actorLabel,
        action: 'bounty.awarded',
        projectId: project.id,
        reportId: report.id,
        data: {
          bounty_id: id,
          from,
          to: 'awarded',
          kind: award.kind,
          amount_minor: award.amountMinor,
          currency: award.currency,
          items: award.items,
          outside_range: award.outsideRange,
          reason: award.reason,
          severity,
        },
      },
      now,
    );
    return toEntry(ctx, row, report.tracking_id);
  });
}

export interface BountyTransitionRequest {
  to: ManualBountyTarget;
  reason?: string | null;
  /** Payment reference (transfer id, invoice number) recorded with `paid`. */
  reference?: string | null;
}

/** Approve, mark paid, decline or cancel a ledger entry; each step records who took it and is audited. */
export async function transitionBounty(ctx: ServiceContext, project: ProjectRecord, entryId: string, actor: Actor | null, actorLabel: string, req: BountyTransitionRequest): Promise<BountyEntry> {
  authorize(actor, 'bounty:award');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('bounty_entries')
      .innerJoin('reports', 'reports.id', 'bounty_entries.report_id')
      .selectAll('bounty_entries')
      .select('reports.tracking_id')
      .where('bounty_entries.project_id', '=', project.id)
      .where('bounty_entries.id', '=', entryId)
      .forUpdate()
      .executeTakeFirst();
    if (!existing) throw new DomainError('not_found', 'No such bounty entry');
    const from = isBountyState(existing.state) ? existing.state : 'proposed';
    const reason = req.reason?.trim() || null;
    checkBountyTransition({ from, to: req.to, reason });
    const reference = req.reference?.trim() || null;
    const change =
      req.to === 'approved'
        ? { approved_at: now, approved_by: actorLabel }
        : req.to === 'paid'
          ? { paid_at: now, paid_by: actorLabel, payment_reference: reference }
          : { closed_at: now, closed_by: actorLabel, closing_reason: reason };
    const { tracking_id: trackingId } = existing;
    const row = await tx.updateTable('bounty_entries').set({ state: req.to, ...change, updated_at: now }).where('id', '=', entryId).returningAll().executeTakeFirstOrThrow();
    await appendAudit(
      tx,
      { actor: actorLabel, action: `bounty.${req.to}`, projectId: project.id, reportId: existing.report_id, data: { bounty_id: entryId, from, to: req.to, reason, reference } },
      now,
    );
    return toEntry(ctx, row, trackingId);
  });
}
