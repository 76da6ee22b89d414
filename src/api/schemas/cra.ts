import { Type, type Static } from '@sinclair/typebox';
import { CRA_STAGES } from '../../core/sla/cra.ts';
import { DateTime, DeadlineSchema, Nullable } from '../schemas.ts';

export const CraStageEnum = Type.Union(CRA_STAGES.map((s) => Type.Literal(s)));

export const CraDraftSchema = Type.Object({
  stage: CraStageEnum,
  due_at: Nullable(DateTime()),
  filed: Nullable(Type.Object({ filed_at: DateTime(), reference: Type.String() })),
  content: Type.Record(Type.String(), Type.Unknown(), { description: 'the fields Article 14(2) asks for at this stage; null values are for the maintainer to complete' }),
});

/** A report's EU Cyber Resilience Act Article 14 reporting (docs/cra.md). */
export const CraViewSchema = Type.Object({
  applies: Type.Boolean({ description: "the project's policy declares cra.applies" }),
  actively_exploited: Type.Boolean(),
  severe_incident: Type.Boolean(),
  aware_at: Nullable(DateTime()),
  fix_available_at: Nullable(DateTime()),
  deadlines: Type.Array(DeadlineSchema),
  drafts: Type.Array(CraDraftSchema),
});
export type CraViewJson = Static<typeof CraViewSchema>;
export type CraDraftJson = Static<typeof CraDraftSchema>;
