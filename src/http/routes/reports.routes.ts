import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { ServiceContext } from '../../services/context.ts';
import { assignReport, bulkUpdateReports, listAssignees, MAX_BULK } from '../../services/reports/assign.ts';
import { QUEUE_FLAGS } from '../../services/reports/views.ts';
import {
  addMaintainerMessage,
  listReports,
  maintainerAttachment,
  readReport,
  setEmbargo,
  setSeverity,
  receiveSubmission,
  transitionReport,
} from '../../services/reports/index.ts';
import { actorLabel } from '../auth.ts';
import { DomainError } from '../../core/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../services/paging.ts';
import { readMultipart } from '../multipart.ts';
import { presentAssessment, presentDetail, presentQueueItem, presentSubmissionCreated } from '../../api/present.ts';
import { Download, Nullable, ReasonEnum, ReportParams, SeverityEnum, SlugParams, StateEnum, Str, SubmissionBody, SubmissionCreated, TrackingId } from '../../api/schemas.ts';
import {
  AssigneeListSchema,
  AssignResultSchema,
  BulkResultSchema,
  EmbargoResultSchema,
  MessageCreatedSchema,
  ReportDetailSchema,
  ReportListSchema,
  SeverityResultSchema,
  TransitionResultSchema,
} from '../../api/schemas/reports.ts';

export interface IntakeLimits {
  rateLimit: number;
  rateWindowMs: number;
}

/** Attachments are always downloads: never rendered inline, never sniffed into something executable. */
export function sendAttachment(reply: FastifyReply, file: { filename: string; contentType: string; data: Buffer }) {
  return reply
    .header('content-disposition', `attachment; filename="${file.filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .type('application/octet-stream')
    .send(file.data);
}

const csv = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

export const reportRoutes = (ctx: ServiceContext, limits: IntakeLimits): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/v1/projects/:slug/reports',
    {
      schema: {
        tags: ['intake'],
        summary: 'Submit a vulnerability report (public; JSON, or multipart/form-data with files in "attachments")',
        params: SlugParams,
        body: SubmissionBody,
        response: { 201: SubmissionCreated },
      },
      // Intake reads its project through the intake cache (services/projects), not the project hook.
      config: { anonymous: true, project: false, intake: true, rateLimit: { max: limits.rateLimit, timeWindow: limits.rateWindowMs } },
      preValidation: async (req) => {
        req.uploadedFiles = [];
        if (req.isMultipart()) await readMultipart(req, 'attachments');
      },
    },
    async (req, reply) => {
      const result = await receiveSubmission(ctx, { slug: req.params.slug, body: req.body, files: req.uploadedFiles, source: req.isMultipart() ? 'web' : 'api', remoteAddress: req.ip });
      return reply.status(201).send(presentSubmissionCreated(result));
    },
  );

  app.get(
    '/api/v1/projects/:slug/reports',
    {
      schema: {
        tags: ['triage'],
        summary: 'The report queue, a page at a time, most urgent first (filters: comma-separated states and severities, due within hours, search words)',
        params: SlugParams,
        querystring: Type.Object(
          {
            state: Type.Optional(Str(300)),
            severity: Type.Optional(Str(100)),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'words that must all occur in the title, body or a thread message (whole words, any case; found within seconds of being written)' })),
            assignee: Type.Optional(Type.String({ pattern: '^(none|me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$', description: "a user's id, `me`, or `none` for reports nobody has" })),
            flag: Type.Optional(Type.Union(QUEUE_FLAGS.map((f) => Type.Literal(f)), { description: 'classification flags: any, none, version (unsupported, limited or unknown version), scope (out of scope)' })),
            source: Type.Optional(Str(100)),
            min_age_days: Type.Optional(Type.Number({ minimum: 0, maximum: 36500, description: 'received at least this many days ago' })),
            max_age_days: Type.Optional(Type.Number({ minimum: 0, maximum: 36500, description: 'received at most this many days ago' })),
            due_within_hours: Type.Optional(Type.Number({ minimum: 0, description: 'only reports whose next deadline is overdue or due within this many hours' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `page size (default ${DEFAULT_PAGE_SIZE})` })),
            cursor: Type.Optional(Str(500, 1)),
          },
          { additionalProperties: false },
        ),
        response: { 200: ReportListSchema },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await listReports(
        ctx,
        req.project,
        req.actor,
        { state: csv(q.state) as never, severity: csv(q.severity) as never, dueWithinMs: q.due_within_hours === undefined ? undefined : q.due_within_hours * 3_600_000,
          q: q.q,
          assignee: q.assignee === 'me' ? req.actor?.userId ?? 'none' : q.assignee,
          flag: q.flag,
          source: csv(q.source),
          minAgeDays: q.min_age_days,
          maxAgeDays: q.max_age_days,
        },
        { limit: q.limit, cursor: q.cursor },
      );
      return { reports: page.items.map(presentQueueItem), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/projects/:slug/assignees',
    { schema: { tags: ['triage'], summary: 'Who a report can be assigned to: members who can triage, by name', params: SlugParams, response: { 200: AssigneeListSchema } } },
    async (req) => ({ assignees: await listAssignees(ctx, req.project, req.actor) }),
  );

  app.put(
    '/api/v1/projects/:slug/reports/:trackingId/assignee',
    {
      schema: {
        tags: ['triage'],
        summary: 'Assign the report to a member who can triage it, or unassign it (null); audited',
        params: ReportParams,
        body: Type.Object({ user_id: Nullable(Type.String({ format: 'uuid' })) }, { additionalProperties: false }),
        response: { 200: AssignResultSchema },
      },
    },
    async (req) => assignReport(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req), req.body.user_id),
  );

  app.post(
    '/api/v1/projects/:slug/reports/bulk',
    {
      schema: {
        tags: ['triage'],
        summary: `One action on up to ${MAX_BULK} reports: assign (user_id, or null to unassign) or reject (reason); each report is changed and audited on its own`,
        params: SlugParams,
        body: Type.Object(
          {
            tracking_ids: Type.Array(TrackingId, { minItems: 1, maxItems: MAX_BULK }),
            action: Type.Union([Type.Literal('assign'), Type.Literal('reject')]),
            user_id: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
            reason: Type.Optional(ReasonEnum),
            duplicate_of: Type.Optional(Nullable(TrackingId)),
          },
          { additionalProperties: false },
        ),
        response: { 200: BulkResultSchema },
      },
    },
    async (req) => {
      const b = req.body;
      if (b.action === 'assign' && b.user_id === undefined) throw DomainError.validation([{ field: 'user_id', message: 'is required to assign (null unassigns)' }]);
      if (b.action === 'reject' && !b.reason) throw DomainError.validation([{ field: 'reason', message: 'is required to reject' }]);
      const results = await bulkUpdateReports(
        ctx,
        req.project,
        req.actor,
        actorLabel(req),
        b.tracking_ids,
        b.action === 'assign' ? { action: 'assign', assigneeUserId: b.user_id ?? null } : { action: 'reject', reason: b.reason!, duplicateOf: b.duplicate_of ?? null },
      );
      return { results: results.map((r) => ({ tracking_id: r.trackingId, ok: r.ok, error: r.error })) };
    },
  );

  app.get('/api/v1/projects/:slug/reports/:trackingId', { schema: { tags: ['triage'], summary: 'One report with its body and thread (audited read)', params: ReportParams, response: { 200: ReportDetailSchema } } }, async (req) => {
    const p = req.project;
    const detail = await readReport(ctx, p, req.params.trackingId, req.actor, actorLabel(req));
    return presentDetail(detail, p.slug);
  });

  app.post(
    '/api/v1/projects/:slug/reports/:trackingId/transitions',
    {
      schema: {
        tags: ['triage'],
        summary: 'Move the report to another state (409 lists the allowed ones)',
        params: ReportParams,
        body: Type.Object({ to: StateEnum, reason: Type.Optional(Nullable(ReasonEnum)), duplicate_of: Type.Optional(Nullable(TrackingId)) }, { additionalProperties: false }),
        response: { 200: TransitionResultSchema },
      },
    },
    async (req) => {
      const p = req.project;
      return transitionReport(ctx, p, req.params.trackingId, req.actor, actorLabel(req), {
        to: req.body.to,
        reason: req.body.reason ?? null,
        duplicateOf: req.body.duplicate_of ?? null,
      });
    },
  );

  app.put(
    '/api/v1/projects/:slug/reports/:trackingId/severity',
    {
      schema: {
        tags: ['triage'],
        summary: 'Set CVSS vectors (v3.x and/or v4.0) and severity; with a vector, severity is derived per the policy',
        params: ReportParams,
        body: Type.Object(
          {
            severity: Type.Optional(Nullable(SeverityEnum)),
            cvss_vector: Type.Optional(Nullable(Str(1024))),
            cvss_v3_vector: Type.Optional(Nullable(Str(1024))),
            cvss_v4_vector: Type.Optional(Nullable(Str(1024))),
          },
          { additionalProperties: false },
        ),
        response: { 200: SeverityResultSchema },
      },
    },
    async (req, reply) => {
      const p = req.project;
      const b = req.body;
      const result = await setSeverity(ctx, p, req.params.trackingId, req.actor, actorLabel(req), {
        ...(b.severity !== undefined ? { severity: b.severity } : {}),
        ...(b.cvss_vector !== undefined ? { cvssVector: b.cvss_vector } : {}),
        ...(b.cvss_v3_vector !== undefined ? { cvssV3Vector: b.cvss_v3_vector } : {}),
        ...(b.cvss_v4_vector !== undefined ? { cvssV4Vector: b.cvss_v4_vector } : {}),
      });
      return reply.send({ severity: result.severity, cvss: presentAssessment(result.cvss) });
    },
  );

  app.put(
    '/api/v1/projects/:slug/reports/:trackingId/embargo',
    {
      schema: {
        tags: ['triage'],
        summary: 'Agree the public disclosure date (or clear it with null); the disclosure clock counts down to it',
        params: ReportParams,
        body: Type.Object({ until: Nullable(Str(40, 10)) }, { additionalProperties: false }),
        response: { 200: EmbargoResultSchema },
      },
    },
    async (req) => {
      const p = req.project;
      const result = await setEmbargo(ctx, p, req.params.trackingId, req.actor, actorLabel(req), req.body.until);
      return { embargo_until: result.embargoUntil };
    },
  );

  app.post(
    '/api/v1/projects/:slug/reports/:trackingId/messages',
    {
      schema: {
        tags: ['thread'],
        summary: 'Reply to the reporter, or add an internal note the reporter never sees',
        params: ReportParams,
        body: Type.Object({ body: Str(100_000, 1), internal: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 201: MessageCreatedSchema },
      },
    },
    async (req, reply) => {
      const p = req.project;
      const created = await addMaintainerMessage(ctx, p, req.params.trackingId, req.actor, actorLabel(req), {
        body: req.body.body,
        internal: req.body.internal ?? false,
      });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/projects/:slug/reports/:trackingId/attachments/:attachmentId',
    {
      schema: {
        tags: ['triage'],
        summary: 'Download an attachment (always as a download)',
        params: Type.Intersect([ReportParams, Type.Object({ attachmentId: Type.String({ format: 'uuid' }) })]),
        response: { 200: Download('the attachment') },
      },
    },
    async (req, reply) => {
      const p = req.project;
      const file = await maintainerAttachment(ctx, p, req.params.trackingId, req.params.attachmentId, req.actor, actorLabel(req));
      return sendAttachment(reply, file);
    },
  );
};
