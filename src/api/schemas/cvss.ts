import { Type, type Static } from '@sinclair/typebox';
import { SeverityEnum } from '../schemas.ts';

/** A scored CVSS vector: the same object `embargo cvss --json` prints (../present.ts presentCvss). */
const common = {
  vector: Type.String(),
  score: Type.Number({ description: 'the most specific score the vector defines' }),
  severity: SeverityEnum,
  base_score: Type.Number(),
};
export const Cvss3ScoreSchema = Type.Object({
  version: Type.Union([Type.Literal('3.0'), Type.Literal('3.1')]),
  ...common,
  temporal_score: Type.Number(),
  environmental_score: Type.Number(),
  impact_sub_score: Type.Number(),
  exploitability_sub_score: Type.Number(),
});
export const Cvss4ScoreSchema = Type.Object({
  version: Type.Literal('4.0'),
  ...common,
  nomenclature: Type.Union([Type.Literal('CVSS-B'), Type.Literal('CVSS-BT'), Type.Literal('CVSS-BE'), Type.Literal('CVSS-BTE')]),
  macro_vector: Type.String({ description: 'EQ1..EQ6 levels, e.g. 002201' }),
});
export const CvssScoreSchema = Type.Union([Cvss3ScoreSchema, Cvss4ScoreSchema]);

const MetricSchema = Type.Object({
  key: Type.String({ description: 'abbreviation as written in the vector, e.g. AV' }),
  name: Type.String(),
  group: Type.Union((['base', 'temporal', 'environmental', 'threat', 'supplemental'] as const).map((g) => Type.Literal(g))),
  mandatory: Type.Boolean(),
  description: Type.String(),
  values: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), description: Type.String() })),
});
export const CvssMetricsSchema = Type.Object({ '3.0': Type.Array(MetricSchema), '3.1': Type.Array(MetricSchema), '4.0': Type.Array(MetricSchema) });

export type Cvss3Score = Static<typeof Cvss3ScoreSchema>;
export type Cvss4Score = Static<typeof Cvss4ScoreSchema>;
export type CvssScore = Static<typeof CvssScoreSchema>;
export type CvssMetrics = Static<typeof CvssMetricsSchema>;
