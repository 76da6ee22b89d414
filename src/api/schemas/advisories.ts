import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ADVISORY_STATES, BRANCH_STATUSES, CREDIT_TYPES, REFERENCE_TYPES } from '../../core/advisories/types.ts';
import { ECOSYSTEMS } from '../../core/versions/ecosystems.ts';
import { DateTime, Str } from '../schemas.ts';

/**
 * The advisory document and the answers of the advisory API (../present-advisories.ts). The document's parts
 * are also the request bodies' parts (src/http/routes/advisories.routes.ts), so what is sent back is what may
 * be sent.
 */

/**
 * Null first: with ajv's type coercion the string branch of `Nullable(...)` would turn a JSON null into "" before
 * the null branch is tried.
 */
export const NullFirst = <T extends TSchema>(t: T) => Type.Union([Type.Null(), t]);

export const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const Version = Str(100, 1);
export const BranchEntrySchema = Type.Object(
  {
    branch: Str(100, 1),
    status: lit(BRANCH_STATUSES),
    introduced: Type.Optional(Version),
    fixed: Type.Optional(Version),
    last_affected: Type.Optional(Version),
  },
  { additionalProperties: false },
);
export const AffectedSchema = Type.Object(
  { ecosystem: lit(ECOSYSTEMS), package: Str(214, 1), purl: Type.Optional(Str(500, 1)), branches: Type.Array(BranchEntrySchema, { maxItems: 50 }) },
  { additionalProperties: false },
);
export const ReferenceSchema = Type.Object({ type: lit(REFERENCE_TYPES), url: Str(2000, 1), name: Type.Optional(Str(512)) }, { additionalProperties: false });
export const CreditSchema = Type.Object(
  { name: NullFirst(Str(200, 1)), type: lit(CREDIT_TYPES), contact: Type.Optional(Type.Array(Str(500, 1), { maxItems: 5 })) },
  { additionalProperties: false },
);
export const CvssVectorsSchema = Type.Object({ v3: NullFirst(Str(200)), v4: NullFirst(Str(300)) }, { additionalProperties: false });

export const AdvisoryDocSchema = Type.Object({
  id: Type.String(),
  project: Type.String(),
  report_id: NullFirst(Type.String()),
  title: Type.String(),
  summary: Type.String(),
  details: Type.String(),
  cwe_ids: Type.Array(Type.String()),
  cvss: CvssVectorsSchema,
  affected: Type.Array(AffectedSchema),
  references: Type.Array(ReferenceSchema),
  credits: Type.Array(CreditSchema),
  cve_id: NullFirst(Type.String()),
  embargo_until: NullFirst(Type.String()),
  state: lit(ADVISORY_STATES),
  created_at: Type.String(),
  updated_at: Type.String(),
  published_at: NullFirst(Type.String()),
  withdrawn_at: NullFirst(Type.String()),
  revisions: Type.Array(Type.Object({ number: Type.Integer(), date: Type.String(), summary: Type.String() })),
});

const Problem = Type.Object({ field: Type.String(), message: Type.String() });
export const AdvisoryViewSchema = Type.Object({
  advisory: AdvisoryDocSchema,
  problems: Type.Array(Problem, { description: 'what is still wrong; a draft may be saved with problems, leaving draft needs none' }),
  revision: Type.Integer(),
  report_tracking_id: NullFirst(Type.String()),
  announced_at: NullFirst(DateTime()),
  embargo_follows_report: Type.Boolean({ description: "the embargo date is the report's and moves with it; false: set on the advisory itself" }),
  public_url: Type.String(),
  exports: Type.Object({ osv: Type.String(), cve: Type.String(), csaf: Type.String() }),
});
export const AdvisorySummarySchema = Type.Object({
  id: Type.String(),
  state: lit(ADVISORY_STATES),
  title: Type.String(),
  cve_id: NullFirst(Type.String()),
  report_tracking_id: NullFirst(Type.String()),
  publish_at: NullFirst(DateTime()),
  published_at: NullFirst(DateTime()),
  updated_at: DateTime(),
  revision: Type.Integer(),
});
export const RevisionSchema = Type.Object({
  number: Type.Integer(),
  state: Type.String(),
  summary: Type.String(),
  note: NullFirst(Type.String()),
  actor: Type.String(),
  created_at: DateTime(),
  document: AdvisoryDocSchema,
});
export const AdvisoryListSchema = Type.Object({ advisories: Type.Array(AdvisorySummarySchema) });
export const RevisionListSchema = Type.Object({ revisions: Type.Array(RevisionSchema) });

export type AdvisoryDoc = Static<typeof AdvisoryDocSchema>;
export type AdvisoryView = Static<typeof AdvisoryViewSchema>;
export type AdvisorySummary = Static<typeof AdvisorySummarySchema>;
export type AdvisoryRevision = Static<typeof RevisionSchema>;
export type AdvisoryList = Static<typeof AdvisoryListSchema>;
export type RevisionList = Static<typeof RevisionListSchema>;
