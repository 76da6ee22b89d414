import { Type, type Static } from '@sinclair/typebox';
import { REWARD_KINDS } from '../../core/bounty/award.ts';
import { BOUNTY_STATES } from '../../core/bounty/states.ts';
import { SUBSCRIBER_STATES } from '../../core/recognition/mailing-list.ts';
import { DateTime, Nullable } from '../schemas.ts';

/** Response schemas of recognition: the bounty ledger (../present-recognition.ts), the Hall of Fame, the advisory mailing list. */

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const RangeSchema = Type.Object({
  severity: Nullable(Type.String()),
  currency: Type.String(),
  min: Nullable(Type.String({ description: 'decimal amount, e.g. "500.00"' })),
  max: Nullable(Type.String()),
  rewards: Type.Array(Type.String()),
  text: Type.String({ description: 'e.g. "500.00–2000.00 USD"' }),
});

const ReporterSchema = Type.Object({ key: Type.String(), label: Type.String() });

export const BountyEntrySchema = Type.Object({
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
  reporter: ReporterSchema,
  proposed_at: Nullable(DateTime()),
  awarded_at: Nullable(DateTime()),
  approved_at: Nullable(DateTime()),
  paid_at: Nullable(DateTime()),
  closed_at: Nullable(DateTime()),
  awarded_by: Nullable(Type.String()),
  approved_by: Nullable(Type.String()),
  paid_by: Nullable(Type.String()),
  closed_by: Nullable(Type.String()),
  created_at: DateTime(),
  updated_at: DateTime(),
});
export const BountyListSchema = Type.Object({ bounties: Type.Array(BountyEntrySchema) });

export const CurrencyTotalSchema = Type.Object({
  currency: Type.String(),
  awarded: Type.String({ description: 'awarded, awaiting approval' }),
  approved: Type.String({ description: 'approved, awaiting payment' }),
  paid: Type.String(),
  total: Type.String(),
  entries: Type.Integer(),
});

export const BountyTotalsSchema = Type.Object({
  year: Nullable(Type.Integer()),
  by_reporter: Type.Array(Type.Object({ reporter: ReporterSchema, currencies: Type.Array(CurrencyTotalSchema), non_money: Type.Integer() })),
  by_year: Type.Array(Type.Object({ year: Type.Integer(), currencies: Type.Array(CurrencyTotalSchema), non_money: Type.Integer() })),
});

export const HallOfFameSchema = Type.Object({
  project: Type.Object({ slug: Type.String(), name: Type.String() }),
  entries: Type.Array(
    Type.Object({
      name: Type.String(),
      advisory_count: Type.Integer(),
      first_credited_at: DateTime(),
      advisories: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), published_at: DateTime(), url: Type.String() })),
    }),
  ),
  anonymous_credits: Type.Integer({ description: 'credits of reporters who chose anonymity: counted, never named' }),
  credited_advisories: Type.Integer(),
  text: Nullable(Type.String({ description: "the policy's own words on recognition" })),
  page_url: Type.String(),
});

export const SubscriberSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  state: literals(SUBSCRIBER_STATES),
  created_at: DateTime(),
  confirmed_at: Nullable(DateTime()),
  unsubscribed_at: Nullable(DateTime()),
});
export const SubscriberListSchema = Type.Object({
  subscribers: Type.Array(SubscriberSchema),
  counts: Type.Object({ pending: Type.Integer(), confirmed: Type.Integer(), unsubscribed: Type.Integer() }),
});
export const SubscriptionPendingSchema = Type.Object({ status: Type.Literal('confirmation-sent'), message: Type.String() });

export type BountyEntry = Static<typeof BountyEntrySchema>;
export type BountyList = Static<typeof BountyListSchema>;
export type CurrencyTotal = Static<typeof CurrencyTotalSchema>;
export type BountyTotals = Static<typeof BountyTotalsSchema>;
export type HallOfFame = Static<typeof HallOfFameSchema>;
export type Subscriber = Static<typeof SubscriberSchema>;
export type SubscriberList = Static<typeof SubscriberListSchema>;
export type SubscriptionPending = Static<typeof SubscriptionPendingSchema>;
