import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from '../schemas.ts';
import { ReportBodySchema } from './reports.ts';

/** The review queue and sender blocks (issue 18, docs/triage.md). */

export const HeldItemSchema = Type.Object({
  tracking_id: Type.String({ description: 'the tracking ID the sender was given; the report keeps it when released' }),
  reason: Type.Union([Type.Literal('blocked'), Type.Literal('first-time')], { description: 'a block in force, or a first-time reporter the policy holds' }),
  source: Type.String(),
  title: Type.String(),
  received_at: DateTime(),
});

export const HeldListSchema = Type.Object({
  total: Type.Integer({ description: 'how many submissions wait for review' }),
  items: Type.Array(HeldItemSchema, { description: 'oldest first' }),
  next_cursor: Nullable(Type.String({ description: 'pass as cursor for the next page; null on the last' })),
});

export const HeldDetailSchema = Type.Object({
  ...HeldItemSchema.properties,
  body: ReportBodySchema,
  attachments: Type.Integer({ description: 'how many files came with it (readable once released)' }),
});

export const HeldDecisionSchema = Type.Object({ tracking_id: Type.String() });

export const BlockKindEnum = Type.Union([Type.Literal('email'), Type.Literal('pgp'), Type.Literal('network')]);

export const SenderBlockSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  scope: Type.Union([Type.Literal('project'), Type.Literal('instance')]),
  kind: BlockKindEnum,
  value: Nullable(Type.String({ description: 'the address, fingerprint or network; null for a block made from a report' })),
  from_report: Nullable(Type.String({ description: 'the report whose sender was blocked' })),
  note: Nullable(Type.String()),
  created_by: Type.String(),
  created_at: DateTime(),
  expires_at: Nullable(DateTime('null: indefinitely')),
  lifted_at: Nullable(DateTime()),
  active: Type.Boolean(),
});

export const SenderBlockListSchema = Type.Object({ blocks: Type.Array(SenderBlockSchema) });

export type HeldItem = Static<typeof HeldItemSchema>;
export type HeldList = Static<typeof HeldListSchema>;
export type HeldDetail = Static<typeof HeldDetailSchema>;
export type SenderBlock = Static<typeof SenderBlockSchema>;
export type SenderBlockList = Static<typeof SenderBlockListSchema>;
export type HeldDecision = Static<typeof HeldDecisionSchema>;
