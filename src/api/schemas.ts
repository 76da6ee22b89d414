import { Type, type Static, type TSchema, type TString } from '@sinclair/typebox';
import { REPORT_STATES, REJECTION_REASONS } from '../core/reports/states.ts';
import { SEVERITIES } from '../core/severity.ts';
import { PROJECT_ROLES } from '../core/access/permissions.ts';

/** Shared pieces of route schemas; each route still declares its own complete schema. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const Str = (max: number, min = 0) => Type.String({ maxLength: max, minLength: min });
export const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'project slug' });
export const TrackingId = Type.String({ pattern: '^[A-Z][A-Z0-9]{1,9}-\\d{4}-\\d{4,}$', description: 'tracking ID, e.g. PRIV-2026-0007' });
export const StateEnum = Type.Union(REPORT_STATES.map((s) => Type.Literal(s)));
export const SeverityEnum = Type.Union(SEVERITIES.map((s) => Type.Literal(s)));
export const ReasonEnum = Type.Union(REJECTION_REASONS.map((s) => Type.Literal(s)));
export const RoleEnum = Type.Union(PROJECT_ROLES.map((s) => Type.Literal(s)));
export const ErrorResponse = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    problems: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String(), line: Type.Optional(Type.Integer()) }))),
  },
  { additionalProperties: true },
);
export const SlugParams = Type.Object({ slug: Slug });
export const ReportParams = Type.Object({ slug: Slug, trackingId: TrackingId });
export const TokenParams = Type.Object({ token: Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) });

export const DeadlineSchema = Type.Object({
  clock: Type.String(),
  due_at: Type.String({ format: 'date-time' }),
  status: Type.String(),
  met_at: Nullable(Type.String({ format: 'date-time' })),
  remaining_ms: Nullable(Type.Number()),
  promise: Type.String(),
});

export const SubmissionBody = Type.Object(
  {
    // An encrypted title is an armored OpenPGP message, longer than any plain title; decrypted, it must fit 200.
    title: Type.Union([Str(200, 1), Type.String({ pattern: '^\\s*-----BEGIN PGP MESSAGE-----', maxLength: 20_000 })]),
    description: Str(50_000, 1),
    steps_to_reproduce: Type.Optional(Nullable(Str(50_000))),
    impact: Type.Optional(Nullable(Str(20_000))),
    affected_version: Type.Optional(Nullable(Str(100))),
    environment: Type.Optional(Nullable(Str(5_000))),
    proof_of_concept: Type.Optional(Nullable(Str(100_000))),
    suggested_fix: Type.Optional(Nullable(Str(20_000))),
    category: Type.Optional(Nullable(Str(64))),
    cvss_vector: Type.Optional(Nullable(Str(300))),
    reporter_name: Type.Optional(Nullable(Str(200))),
    reporter_email: Type.Optional(Nullable(Str(254))),
    credit_name: Type.Optional(Nullable(Str(200))),
    credit_choice: Type.Optional(Nullable(Type.Union([Type.Literal('credit'), Type.Literal('anonymous')]))),
    accept_terms: Type.Optional(Nullable(Type.Boolean())),
    ai_disclosure: Type.Optional(Nullable(Str(5_000))),
    reporter_public_key: Type.Optional(Nullable(Type.String({ maxLength: 100_000, description: 'your armored OpenPGP public key: replies to you are encrypted to it' }))),
  },
  { additionalProperties: false },
);

export const ClassificationSchema = Type.Object({
  version_status: Type.String({ description: 'supported | limited | unsupported | unknown | not-given' }),
  version_matched: Nullable(Type.String()),
  scope_status: Type.String({ description: 'in-scope | out-of-scope | unknown | not-given' }),
  flags: Type.Array(Type.String()),
});

export const SubmissionCreated = Type.Object({
  tracking_id: Type.String(),
  reporter_token: Type.String({ description: 'secret: shown once, stored only as a hash' }),
  reporter_link: Type.String(),
  reporter_api: Type.String(),
  classification: ClassificationSchema,
  created_at: Type.String({ format: 'date-time' }),
  notice: Type.String(),
});

export const SlaResponse = Type.Object({
  project: Type.String(),
  now: Type.String({ format: 'date-time' }),
  deadlines: Type.Array(
    Type.Intersect([
      Type.Object({ tracking_id: Type.String(), title: Type.String(), state: Type.String(), severity: Nullable(Type.String()) }),
      DeadlineSchema,
    ]),
    { description: 'one page, breached first, then the soonest due, then paused' },
  ),
  next_cursor: Nullable(Type.String({ description: 'pass as `cursor` for the next page; null on the last page' })),
});

export type Deadline = Static<typeof DeadlineSchema>;
export type Classification = Static<typeof ClassificationSchema>;
export type SubmissionCreated = Static<typeof SubmissionCreated>;
export type SlaResponse = Static<typeof SlaResponse>;
export type SlaEntry = SlaResponse['deadlines'][number];
export type ErrorResponse = Static<typeof ErrorResponse>;

// ---- Pieces of response schemas ----

export const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

/**
 * A response body that is not serialised JSON: a page, a text file, a download, or a JSON document the route
 * writes itself. Fastify sends a string or Buffer as it is, so this only documents the media type; `format`
 * 'binary' marks a download. The `content` form is Fastify's (and OpenAPI's) per-media-type response.
 */
export const Document = <S extends TSchema = TString>(mediaType: string, description: string, schema?: S) => ({
  description,
  content: { [mediaType]: { schema: { ...(schema ?? Type.String()), description } as S } },
});
export const Download = (description: string) => Document('application/octet-stream', description, Type.String({ format: 'binary' }));
export const HtmlPage = (description: string) => Document('text/html', description);
/** A JSON document written by the route itself (a standard format: OSV, CVE, CSAF, ROLIE): open-ended, never filtered. */
export const JsonDocument = (description: string, mediaType = 'application/json') => Document(mediaType, description, Type.Object({}, { additionalProperties: true }));
/** No body (204), or a redirect (3xx) whose answer is the Location header (`type: 'null'`: OpenAPI shows no content). */
export const NoBody = (description: string) => Type.Unsafe<undefined>({ type: 'null', description });
