import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { describeRange, REWARD_KINDS } from '../../core/bounty/award.ts';
import { formatMinor } from '../../core/bounty/currency.ts';
import { BOUNTY_STATES, MANUAL_BOUNTY_TARGETS, type BountyState } from '../../core/bounty/states.ts';
import type { CurrencyTotal } from '../../core/bounty/totals.ts';
import { DomainError } from '../../core/errors.ts';
import { awardBounty, transitionBounty } from '../../services/recognition/bounty.ts';
import { bountyTotals, listBounties, type BountyEntry } from '../../services/recognition/bounty-ledger.ts';
import type { ServiceContext } from '../../services/context.ts';
import { actorLabel } from '../auth.ts';
import { Nullable, ReportParams, Slug, SlugParams, Str } from '../../api/schemas.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Money = (minor: number | null, currency: string | null) => (minor === null || currency === null ? null : formatMinor(minor, currency));
const iso = (d: Date | null) => d?.toISOString() ?? null;

const RangeSchema = Type.Object({
  severity: Nullable(Type.String()),
  currency: Type.String(),
  min: Nullable(Type.String({ description: 'decimal amount, e.g. "500.00"' })),
  max: Nullable(Type.String()),
  rewards: Type.Array(Type.String()),
  text: Type.String({ description: 'e.g. "500.00–2000.00 USD"' }),
});

const EntrySchema = Type.Object({
  id: Type.String(),
  tracking_id: Type.String(),
  state: literals(BOUNTY_STATES),
  range: Nullable(RangeSchema),
  reward: Nullable(
    Type.Object({
      kind: literals(REWARD_KINDS),
      amount: Nullable(Type.String()),
      amount_minor: Nullable(Type.Integer({ description: 'in the minor unit of the currency (cents)' })),
      currency: Nullable(Type.String()),
      items: Type.Array(Type.String()),
    }),
  ),
  outside_range: Type.Boolean(),
  reason: Nullable(Type.String()),
  payment_reference: Nullable(Type.String()),
  closing_reason: Nullable(Type.String()),
  reporter: Type.Object({ key: Type.String(), label: Type.String() }),
  proposed_at: Nullable(Type.String({ format: 'date-time' })),
  awarded_at: Nullable(Type.String({ format: 'date-time' })),
  approved_at: Nullable(Type.String({ format: 'date-time' })),
  paid_at: Nullable(Type.String({ format: 'date-time' })),
  closed_at: Nullable(Type.String({ format: 'date-time' })),
  awarded_by: Nullable(Type.String()),
  approved_by: Nullable(Type.String()),
  paid_by: Nullable(Type.String()),
  closed_by: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

const CurrencyTotalSchema = Type.Object({
  currency: Type.String(),
  awarded: Type.String({ description: 'awarded, awaiting approval' }),
  approved: Type.String({ description: 'approved, awaiting payment' }),
  paid: Type.String(),
  total: Type.String(),
  entries: Type.Integer(),
});

const TotalsSchema = Type.Object({
  year: Nullable(Type.Integer()),
  by_reporter: Type.Array(Type.Object({ reporter: Type.Object({ key: Type.String(), label: Type.String() }), currencies: Type.Array(CurrencyTotalSchema), non_money: Type.Integer() })),
  by_year: Type.Array(Type.Object({ year: Type.Integer(), currencies: Type.Array(CurrencyTotalSchema), non_money: Type.Integer() })),
});

export const presentBounty = (e: BountyEntry) => ({
  id: e.id,
  tracking_id: e.trackingId,
  state: e.state,
  range: e.range
    ? {
        severity: e.range.severity,
        currency: e.range.currency,
        min: Money(e.range.minMinor, e.range.currency),
        max: Money(e.range.maxMinor, e.range.currency),
        rewards: e.range.rewards,
        text: describeRange(e.range),
      }
    : null,
  reward: e.reward
    ? { kind: e.reward.kind, amount: Money(e.reward.amountMinor, e.reward.currency), amount_minor: e.reward.amountMinor, currency: e.reward.currency, items: e.reward.items }
    : null,
  outside_range: e.outsideRange,
  reason: e.reason,
  payment_reference: e.paymentReference,
  closing_reason: e.closingReason,
  reporter: e.reporter,
  proposed_at: iso(e.proposedAt),
  awarded_at: iso(e.awardedAt),
  approved_at: iso(e.approvedAt),
  paid_at: iso(e.paidAt),
  closed_at: iso(e.closedAt),
  awarded_by: e.awardedBy,
  approved_by: e.approvedBy,
  paid_by: e.paidBy,
  closed_by: e.closedBy,
  created_at: e.createdAt.toISOString(),
  updated_at: e.updatedAt.toISOString(),
});

const presentCurrency = (t: CurrencyTotal) => ({
  currency: t.currency,
  awarded: formatMinor(t.awardedMinor, t.currency),
  approved: formatMinor(t.approvedMinor, t.currency),
  paid: formatMinor(t.paidMinor, t.currency),
  total: formatMinor(t.totalMinor, t.currency),
  entries: t.entries,
});

const AwardBody = Type.Object(
  {
    kind: literals(REWARD_KINDS),
    amount: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Number()], { description: 'money: decimal amount, e.g. "750" or "750.50"' })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', description: "money: ISO 4217 code (default: the policy's bounty currency)" })),
    items: Type.Optional(Type.Array(Str(100, 1), { maxItems: 10, description: 'non-money: the rewards, e.g. ["Swag"]' })),
    reason: Type.Optional(Nullable(Str(2000))),
  },
  { additionalProperties: false },
);

const EntryParams = Type.Object({ slug: Slug, id: Type.String({ format: 'uuid' }) });
const csv = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

export const bountyRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/bounties',
    {
      schema: {
        tags: ['bounty'],
        summary: 'The bounty ledger, newest first (admins and triagers)',
        params: SlugParams,
        querystring: Type.Object({ state: Type.Optional(Type.String({ description: `comma-separated: ${BOUNTY_STATES.join(', ')}` })) }),
        response: { 200: Type.Object({ bounties: Type.Array(EntrySchema) }) },
      },
    },
    async (req) => {
      const p = req.project;
      const states = csv(req.query.state);
      const bad = states?.filter((s) => !(BOUNTY_STATES as readonly string[]).includes(s));
      if (bad?.length) throw DomainError.validation([{ field: 'state', message: `unknown state(s) ${bad.join(', ')}; one of ${BOUNTY_STATES.join(', ')}` }]);
      const entries = await listBounties(ctx, p, req.actor, states ? { state: states as BountyState[] } : {});
      return { bounties: entries.map(presentBounty) };
    },
  );

  app.get(
    '/api/v1/projects/:slug/bounties/totals',
    {
      schema: {
        tags: ['bounty'],
        summary: 'Awarded, approved and paid totals per reporter and per year, per currency (never summed across currencies)',
        params: SlugParams,
        querystring: Type.Object({ year: Type.Optional(Type.Integer({ minimum: 1970, maximum: 9999 })) }),
        response: { 200: TotalsSchema },
      },
    },
    async (req) => {
      const p = req.project;
      const totals = await bountyTotals(ctx, p, req.actor, req.query.year === undefined ? {} : { year: req.query.year });
      return {
        year: req.query.year ?? null,
        by_reporter: totals.byReporter.map((r) => ({ reporter: { key: r.reporterKey, label: r.reporterLabel }, currencies: r.currencies.map(presentCurrency), non_money: r.nonMoney })),
        by_year: totals.byYear.map((y) => ({ year: y.year, currencies: y.currencies.map(presentCurrency), non_money: y.nonMoney })),
      };
    },
  );

  app.post(
    '/api/v1/projects/:slug/reports/:trackingId/bounty',
    {
      schema: {
        tags: ['bounty'],
        summary: "Award a reward for an accepted report (admins): money, non-money items or credit only; outside the policy's range needs a reason",
        params: ReportParams,
        body: AwardBody,
        response: { 200: EntrySchema },
      },
    },
    async (req) => presentBounty(await awardBounty(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req), req.body)),
  );

  app.post(
    '/api/v1/projects/:slug/bounties/:id/transitions',
    {
      schema: {
        tags: ['bounty'],
        summary: 'Approve, mark paid, decline or cancel a ledger entry (admins; declined and cancelled need a reason)',
        params: EntryParams,
        body: Type.Object(
          { to: literals(MANUAL_BOUNTY_TARGETS), reason: Type.Optional(Nullable(Str(2000))), reference: Type.Optional(Nullable(Str(200))) },
          { additionalProperties: false },
        ),
        response: { 200: EntrySchema },
      },
    },
    async (req) => {
      const p = req.project;
      const entry = await transitionBounty(ctx, p, req.params.id, req.actor, actorLabel(req), {
        to: req.body.to,
        reason: req.body.reason ?? null,
        reference: req.body.reference ?? null,
      });
      return presentBounty(entry);
    },
  );
};
