import { Type, type Static } from '@sinclair/typebox';
import { ClassificationSchema, DeadlineSchema, DateTime, Nullable, SeverityEnum, StateEnum } from '../schemas.ts';
import { CvssScoreSchema } from './cvss.ts';
import { EncryptionSchema } from './pgp.ts';

/**
 * Response schemas of reports: the queue, one report, the reporter's view, triage answers. Fastify serialises
 * with these (a field missing here is dropped from the answer), and the presenters in ../present.ts return
 * their Static types, so the two cannot drift; the web UI imports the same types.
 */

export const AssigneeSchema = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() });

export const ReportSummarySchema = Type.Object({
  tracking_id: Type.String(),
  assignee: Nullable(AssigneeSchema),
  title: Type.String(),
  state: StateEnum,
  severity: Nullable(SeverityEnum),
  category: Nullable(Type.String()),
  affected_version: Nullable(Type.String()),
  classification: ClassificationSchema,
  created_at: DateTime(),
  updated_at: DateTime(),
  deadlines: Type.Array(DeadlineSchema),
});

/** The reporter's words (sealed at rest). */
export const ReportBodySchema = Type.Object({
  description: Type.String(),
  steps_to_reproduce: Nullable(Type.String()),
  impact: Nullable(Type.String()),
  environment: Nullable(Type.String()),
  proof_of_concept: Nullable(Type.String()),
  suggested_fix: Nullable(Type.String()),
  reporter_name: Nullable(Type.String()),
  reporter_email: Nullable(Type.String()),
  credit_name: Nullable(Type.String()),
  ai_disclosure: Type.Optional(Nullable(Type.String({ description: 'the answer to "Did you use AI tools? How?" when the policy asks' }))),
});

export const ThreadMessageSchema = Type.Object({
  id: Type.String(),
  author: Type.Union([Type.Literal('reporter'), Type.Literal('maintainer')]),
  author_name: Nullable(Type.String()),
  internal: Type.Boolean(),
  body: Type.String(),
  created_at: DateTime(),
});

export const ThreadAttachmentSchema = Type.Object({
  id: Type.String(),
  filename: Type.String(),
  content_type: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  message_id: Nullable(Type.String()),
  created_at: DateTime(),
  url: Type.Optional(Type.String({ description: 'maintainer views only: the download path' })),
});

export const CvssAssessmentSchema = Type.Object({
  v3: Nullable(CvssScoreSchema),
  v4: Nullable(CvssScoreSchema),
  driven_by: Nullable(Type.Union([Type.Literal('3.x'), Type.Literal('4.0')], { description: 'which vector decides the severity; null when severity is set by hand' })),
});

export const DuplicateCandidateSchema = Type.Object({
  tracking_id: Type.String(),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  reasons: Type.Array(Type.String(), { description: 'why, in words: shared identifiers first, then how much wording is shared' }),
});

export const KnownAdvisorySchema = Type.Object({
  id: Type.String({ description: 'the OSV record id (GHSA-…, PYSEC-…, GO-…)' }),
  score: Type.Number({ minimum: 0, maximum: 1, description: '1 when the report names the id or an alias; else how alike the texts are' }),
  reasons: Type.Array(Type.String()),
});

export const QualitySignalSchema = Type.Object({
  key: Type.String({ description: 'steps, version, scope, proof, length, fields, history' }),
  status: Type.Union([Type.Literal('good'), Type.Literal('missing'), Type.Literal('warning'), Type.Literal('info')]),
  text: Type.String({ description: 'the signal and its reason, in words' }),
});

export const ReportDetailSchema = Type.Object({
  ...ReportSummarySchema.properties,
  body: ReportBodySchema,
  cvss: CvssAssessmentSchema,
  rejection_reason: Nullable(Type.String()),
  duplicate_of: Nullable(Type.String()),
  credit_choice: Type.String(),
  terms_accepted: Type.Boolean(),
  source: Type.String(),
  embargo_until: Nullable(DateTime()),
  allowed_transitions: Type.Array(StateEnum),
  encryption: EncryptionSchema,
  duplicate_candidates: Type.Array(DuplicateCandidateSchema, { description: "earlier reports of this project it resembles, best first, at or above the policy's triage.duplicate_threshold" }),
  quality_signals: Type.Array(QualitySignalSchema, { description: 'each with its reason; no total score' }),
  known_advisories: Type.Array(KnownAdvisorySchema, { description: "imported OSV advisories it names or describes, best first, at or above triage.duplicate_threshold: 'already public as …'" }),
  messages: Type.Array(ThreadMessageSchema),
  attachments: Type.Array(ThreadAttachmentSchema),
});

export const ReporterViewSchema = Type.Object({
  project: Type.Object({ slug: Type.String(), name: Type.String() }),
  tracking_id: Type.String(),
  title: Type.String(),
  state: StateEnum,
  severity: Nullable(SeverityEnum),
  rejection_reason: Nullable(Type.String()),
  created_at: DateTime(),
  updated_at: DateTime(),
  deadlines: Type.Array(DeadlineSchema),
  body: ReportBodySchema,
  affected_version: Nullable(Type.String()),
  cvss: CvssAssessmentSchema,
  advisory: Nullable(
    Type.Object({ id: Type.String(), title: Type.String(), url: Type.String() }, { description: 'the published advisory that came of the report, once public' }),
  ),
  messages: Type.Array(ThreadMessageSchema),
  attachments: Type.Array(ThreadAttachmentSchema),
});

/** A report in the queue: its summary, the deadline that places it, and its place in the order. */
export const QueueItemSchema = Type.Object({
  ...ReportSummarySchema.properties,
  source: Type.String({ description: 'how it came in: web, api, email, scanner, …' }),
  next_deadline: Nullable(DeadlineSchema),
  queue_order: Type.String({ description: 'sorts like the queue when compared as a string: merges the queues of several projects' }),
});

export const ReportListSchema = Type.Object({
  reports: Type.Array(QueueItemSchema, { description: 'one page, most urgent first' }),
  next_cursor: Nullable(Type.String({ description: 'pass as `cursor` for the next page; null on the last page' })),
});
export const TransitionResultSchema = Type.Object({ from: StateEnum, to: StateEnum });
export const SeverityResultSchema = Type.Object({ severity: Nullable(SeverityEnum), cvss: CvssAssessmentSchema });
export const EmbargoResultSchema = Type.Object({ embargo_until: Nullable(Type.String({ description: 'the date or date-time as it was given' })) });
export const MessageCreatedSchema = Type.Object({ id: Type.String() });
export const AssigneeListSchema = Type.Object({ assignees: Type.Array(AssigneeSchema, { description: 'members who can triage, by name' }) });
export const AssignResultSchema = Type.Object({ assignee: Nullable(AssigneeSchema) });
export const BulkResultSchema = Type.Object({
  results: Type.Array(Type.Object({ tracking_id: Type.String(), ok: Type.Boolean(), error: Nullable(Type.String({ description: 'why this report was left as it was' })) })),
});

export type ReportSummary = Static<typeof ReportSummarySchema>;
export type QueueItem = Static<typeof QueueItemSchema>;
export type ReportBody = Static<typeof ReportBodySchema>;
export type ThreadMessage = Static<typeof ThreadMessageSchema>;
export type ThreadAttachment = Static<typeof ThreadAttachmentSchema>;
export type CvssAssessment = Static<typeof CvssAssessmentSchema>;
export type ReportDetail = Static<typeof ReportDetailSchema>;
export type DuplicateCandidate = Static<typeof DuplicateCandidateSchema>;
export type ReporterView = Static<typeof ReporterViewSchema>;
export type ReportList = Static<typeof ReportListSchema>;
export type Assignee = Static<typeof AssigneeSchema>;
export type AssigneeList = Static<typeof AssigneeListSchema>;
export type AssignResult = Static<typeof AssignResultSchema>;
export type BulkResult = Static<typeof BulkResultSchema>;
export type TransitionResult = Static<typeof TransitionResultSchema>;
export type SeverityResult = Static<typeof SeverityResultSchema>;
export type EmbargoResult = Static<typeof EmbargoResultSchema>;
export type MessageCreated = Static<typeof MessageCreatedSchema>;
