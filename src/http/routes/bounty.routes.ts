import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { REWARD_KINDS } from '../../core/bounty/award.ts';
import { BOUNTY_STATES, MANUAL_BOUNTY_TARGETS, type BountyState } from '../../core/bounty/states.ts';
import { DomainError } from '../../core/errors.ts';
import { awardBounty, transitionBounty } from '../../services/recognition/bounty.ts';
import { bountyTotals, listBounties } from '../../services/recognition/bounty-ledger.ts';
import type { ServiceContext } from '../../services/context.ts';
import { actorLabel } from '../auth.ts';
import { Nullable, ReportParams, Slug, SlugParams, Str } from '../../api/schemas.ts';
import { BountyEntrySchema, BountyListSchema, BountyTotalsSchema } from '../../api/schemas/recognition.ts';
import { presentBounty, presentBountyTotals } from '../../api/present-recognition.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

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
        response: { 200: BountyListSchema },
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
        response: { 200: BountyTotalsSchema },
      },
    },
    async (req) => {
      const p = req.project;
      const totals = await bountyTotals(ctx, p, req.actor, req.query.year === undefined ? {} : { year: req.query.year });
      return presentBountyTotals(totals, req.query.year ?? null);
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
        response: { 200: BountyEntrySchema },
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
        response: { 200: BountyEntrySchema },
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
