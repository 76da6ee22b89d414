import { randomUUID } from 'node:crypto';
import { DomainError } from '../core/errors.ts';
import { validateSubmission, type ReportBody, type SubmissionInput, type Classification } from '../core/reports/submission.ts';
import { formatTrackingId } from '../core/reports/tracking-id.ts';
import { checkTransition, allowedTransitions, isReportState, type ReportState, type RejectionReason } from '../core/reports/states.ts';
import { isSeverity, type Severity } from '../core/severity.ts';
import { computeDeadlines } from '../core/sla/clock.ts';
import type { Deadline } from '../core/sla/types.ts';
import { authorize, type Actor } from '../core/access/permissions.ts';
import { hashToken, newSecretToken, sha256Hex } from '../adapters/crypto/tokens.ts';
import { openJson } from '../adapters/crypto/sealer.ts';
import { appendAudit } from './audit.ts';
import type { DbOrTx, ServiceContext, Tx } from './context.ts';
import { getProject, getProjectForIntake, type ProjectRecord } from './projects.ts';
import { cleanFilename, sniffAttachment, type IncomingFile } from './attachments.ts';
import { loadEvents, recordEvent } from './report-events.ts';
import { intakeWriter } from './intake-writer.ts';
import { assessCvss, slotOf, type CvssAssessment } from '../core/reports/severity-from-cvss.ts';
import { DEFAULT_TRIAGE } from '../core/policy/parse-triage.ts';

const severitySource = (project: ProjectRecord) => (project.policy.triage ?? DEFAULT_TRIAGE).severity_source;

/** Stored vectors were validated on the way in; they are re-scored on read so a scorer fix shows at once. */
const assessStored = (project: ProjectRecord, row: { cvss_v3_vector: string | null; cvss_v4_vector: string | null }): CvssAssessment =>
  assessCvss({ v3: row.cvss_v3_vector, v4: row.cvss_v4_vector }, severitySource(project));

export interface SubmitResult {
  trackingId: string;
  reporterToken: string;
  reporterLink: string;
  classification: Classification;
  createdAt: Date;
}

const aad = (reportId: string, part: string) => `report:${reportId}:${part}`;

type ReportRow = Awaited<ReturnType<typeof selectReport>>;

async function selectReport(db: DbOrTx, projectId: string, trackingId: string) {
  return db.selectFrom('reports').selectAll().where('project_id', '=', projectId).where('tracking_id', '=', trackingId).executeTakeFirst();
}


/**
 * Public intake. Everything (report, sealed body, attachments, first event, audit entry) commits in one
 * transaction before the caller answers 201: an acknowledged report is durable.
 */
export async function submitReport(
  ctx: ServiceContext,
  slug: string,
  input: SubmissionInput,
  files: IncomingFile[],
  source: 'web' | 'api' | 'email',
): Promise<SubmitResult> {
  const project = await getProjectForIntake(ctx, slug);
  const valid = validateSubmission(input, project.policy);
  const contentTypes = await Promise.all(files.map((f, i) => sniffAttachment(f, i)));
  const now = ctx.now();
  const reporterToken = newSecretToken();
  const id = randomUUID();
  const title = ctx.sealer.seal(valid.title, aad(id, 'title'));
  const body = ctx.sealer.seal(JSON.stringify(valid.body), aad(id, 'body'));
  const sealedFiles = files.map((f, i) => {
    const attachmentId = randomUUID();
    return {
      id: attachmentId,
      report_id: id,
      message_id: null,
      filename: cleanFilename(f.filename),
      content_type: contentTypes[i] ?? 'application/octet-stream',
      size: f.data.length,
      sha256: sha256Hex(f.data),
      content_sealed: ctx.sealer.seal(f.data, aad(id, `attachment:${attachmentId}`)).sealed,
      key_id: ctx.sealer.activeKeyId,
      created_at: now,
    };
  });

  const trackingId = await intakeWriter(ctx).write({
    projectId: project.id,
    trackingPrefix: project.trackingPrefix,
    report: {
      id,
      project_id: project.id,
      state: 'new',
      rejection_reason: null,
      duplicate_of: null,
      severity: null,
      cvss_v3_vector: valid.cvss.v3,
      cvss_v4_vector: valid.cvss.v4,
      category: valid.category,
      affected_version: valid.affected_version,
      version_status: valid.classification.version_status,
      version_matched: valid.classification.version_matched,
      scope_status: valid.classification.scope_status,
      credit_choice: valid.credit_choice,
      terms_accepted: valid.terms_accepted,
      source,
      reporter_token_hash: hashToken(reporterToken),
      title_sealed: title.sealed,
      body_sealed: body.sealed,
      key_id: title.keyId,
      embargo_until: null,
      created_at: now,
      updated_at: now,
    },
    attachments: sealedFiles,
    audit: {
      actor: 'reporter',
      action: 'report.submitted',
      projectId: project.id,
      reportId: id,
      data: { source, attachments: sealedFiles.length, flags: valid.classification.flags },
    },
  });
  return {
    trackingId,
    reporterToken,
    reporterLink: `${ctx.publicUrl}/reporter/${reporterToken}`,
    classification: valid.classification,
    createdAt: now,
  };
}

export interface InternalReportInput {
  title: string;
  description: string;
  /** Where it came from, stored as the report's `source` (e.g. `scan`). */
  source: string;
  actorLabel: string;
  /** Audit data beyond the source. */
  auditData?: Record<string, unknown>;
  /** Writes that must commit with the report (see `PreparedReport.afterInsert`). */
  afterInsert?: (tx: Tx, report: { id: string; trackingId: string }) => Promise<void>;
}

/**
 * A report the maintainers file themselves (from a scan finding, say): the same intake path and group commit
 * as a submission (tracking ID, sealed title and body, `submitted` event, audit entry in one transaction), but
 * no reporter: no reporter link is handed out (a random token's hash fills the column), no terms, no credit.
 */
export async function createInternalReport(ctx: ServiceContext, project: ProjectRecord, input: InternalReportInput): Promise<{ trackingId: string; createdAt: Date }> {
  const title = input.title.trim().slice(0, 200);
  const description = input.description.trim();
  if (!title || !description) throw DomainError.validation([{ field: title ? 'description' : 'title', message: 'is required' }]);
  const now = ctx.now();
  const id = randomUUID();
  const body: ReportBody = {
    description,
    steps_to_reproduce: null,
    impact: null,
    environment: null,
    proof_of_concept: null,
    suggested_fix: null,
    reporter_name: null,
    reporter_email: null,
    credit_name: null,
  };
  const sealedTitle = ctx.sealer.seal(title, aad(id, 'title'));
  const sealedBody = ctx.sealer.seal(JSON.stringify(body), aad(id, 'body'));
  const trackingId = await intakeWriter(ctx).write({
    projectId: project.id,
    trackingPrefix: project.trackingPrefix,
    report: {
      id,
      project_id: project.id,
      state: 'new',
      rejection_reason: null,
      duplicate_of: null,
      severity: null,
      cvss_v3_vector: null,
      cvss_v4_vector: null,
      category: null,
      affected_version: null,
      version_status: 'not-given',
      version_matched: null,
      scope_status: 'not-given',
      credit_choice: 'anonymous',
      terms_accepted: false,
      source: input.source,
      reporter_token_hash: hashToken(newSecretToken()),
      title_sealed: sealedTitle.sealed,
      body_sealed: sealedBody.sealed,
      key_id: sealedTitle.keyId,
      embargo_until: null,
      created_at: now,
      updated_at: now,
    },
    attachments: [],
    audit: { actor: input.actorLabel, action: 'report.created-internal', projectId: project.id, reportId: id, data: { source: input.source, ...(input.auditData ?? {}) } },
    eventActor: input.actorLabel,
    ...(input.afterInsert ? { afterInsert: (tx: Tx, trackingId: string) => (input.afterInsert as NonNullable<InternalReportInput['afterInsert']>)(tx, { id, trackingId }) } : {}),
  });
  return { trackingId, createdAt: now };
}

export interface ReportSummary {
  trackingId: string;
  title: string;
  state: ReportState;
  severity: Severity | null;
  category: string | null;
  affectedVersion: string | null;
  classification: Classification;
  createdAt: Date;
  updatedAt: Date;
  deadlines: Deadline[];
}

export interface ReportDetail extends ReportSummary {
  body: ReportBody;
  cvss: CvssAssessment;
  rejectionReason: string | null;
  duplicateOf: string | null;
  creditChoice: string;
  termsAccepted: boolean;
  source: string;
  embargoUntil: Date | null;
  allowedTransitions: readonly ReportState[];
  attachments: AttachmentInfo[];
  messages: MessageView[];
}

export interface AttachmentInfo {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  messageId: string | null;
  createdAt: Date;
}

export interface MessageView {
  id: string;
  author: 'reporter' | 'maintainer';
  authorName: string | null;
  internal: boolean;
  body: string;
  createdAt: Date;
}

function summarizeRow(ctx: ServiceContext, project: ProjectRecord, row: NonNullable<ReportRow>, events: Map<string, import('../core/sla/types.ts').SlaEvent[]>): ReportSummary {
  const title = ctx.sealer.open(row.key_id, row.title_sealed, aad(row.id, 'title')).toString('utf8');
  const flags = flagsOf(project, row);
  return {
    trackingId: row.tracking_id,
    title,
    state: row.state as ReportState,
    severity: isSeverity(row.severity) ? row.severity : null,
    category: row.category,
    affectedVersion: row.affected_version,
    classification: {
      version_status: row.version_status as Classification['version_status'],
      version_matched: row.version_matched,
      scope_status: row.scope_status as Classification['scope_status'],
      flags,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deadlines: computeDeadlines(events.get(row.id) ?? [], project.policy, ctx.now()),
  };
}

function flagsOf(project: ProjectRecord, row: NonNullable<ReportRow>): string[] {
  const flags: string[] = [];
  if (row.version_status === 'unsupported') flags.push(`Version ${row.affected_version} is unsupported (${row.version_matched})`);
  if (row.version_status === 'limited') flags.push(`Version ${row.affected_version} has limited support (${row.version_matched})`);
  if (row.version_status === 'unknown') flags.push(`Version ${row.affected_version} matches no row of the supported-versions table`);
  if (row.scope_status === 'out-of-scope') {
    const label = project.policy.scope.out_of_scope.find((s) => s.id === row.category)?.label ?? row.category;
    flags.push(`Category is out of scope: ${label}`);
  }
  return flags;
}

export interface ListFilter {
  state?: ReportState[];
  severity?: Severity[];
}

export async function listReports(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, filter: ListFilter = {}): Promise<ReportSummary[]> {
  authorize(actor, 'report:list');
  let q = ctx.db.selectFrom('reports').selectAll().where('project_id', '=', project.id);
  if (filter.state?.length) q = q.where('state', 'in', filter.state);
  if (filter.severity?.length) q = q.where('severity', 'in', filter.severity);
  const rows = await q.orderBy('created_at', 'desc').execute();
  const events = await loadEvents(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => summarizeRow(ctx, project, r, events));
}

async function requireReport(ctx: ServiceContext, project: ProjectRecord, trackingId: string) {
  const row = await selectReport(ctx.db, project.id, trackingId);
  if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
  return row;
}

async function detailOf(ctx: ServiceContext, project: ProjectRecord, row: NonNullable<ReportRow>, audience: 'maintainer' | 'reporter'): Promise<ReportDetail> {
  const events = await loadEvents(ctx.db, [row.id]);
  const summary = summarizeRow(ctx, project, row, events);
  const attachments = await ctx.db.selectFrom('attachments').select(['id', 'filename', 'content_type', 'size', 'sha256', 'message_id', 'created_at']).where('report_id', '=', row.id).orderBy('created_at').execute();
  let mq = ctx.db
    .selectFrom('messages')
    .leftJoin('users', 'users.id', 'messages.author_user_id')
    .select(['messages.id', 'messages.author_kind', 'messages.internal', 'messages.body_sealed', 'messages.key_id', 'messages.created_at', 'users.name as author_name'])
    .where('messages.report_id', '=', row.id);
  if (audience === 'reporter') mq = mq.where('messages.internal', '=', false);
  const messages = await mq.orderBy('messages.created_at').execute();
  const visibleMessageIds = new Set(messages.map((m) => m.id));
  return {
    ...summary,
    deadlines: audience === 'reporter' ? summary.deadlines.filter((d) => d.reporterVisible) : summary.deadlines,
    body: openJson<ReportBody>(ctx.sealer, row.key_id, row.body_sealed, aad(row.id, 'body')),
    cvss: assessStored(project, row),
    rejectionReason: row.rejection_reason,
    duplicateOf: row.duplicate_of,
    creditChoice: row.credit_choice,
    termsAccepted: row.terms_accepted,
    source: row.source,
    embargoUntil: row.embargo_until,
    allowedTransitions: audience === 'maintainer' ? allowedTransitions(row.state as ReportState) : [],
    attachments: attachments
      .filter((a) => a.message_id === null || visibleMessageIds.has(a.message_id))
      .map((a) => ({ id: a.id, filename: a.filename, contentType: a.content_type, size: a.size, sha256: a.sha256, messageId: a.message_id, createdAt: a.created_at })),
    messages: messages.map((m) => ({
      id: m.id,
      author: m.author_kind === 'reporter' ? 'reporter' : 'maintainer',
      authorName: m.author_kind === 'reporter' ? null : m.author_name ?? null,
      internal: m.internal,
      body: ctx.sealer.open(m.key_id, m.body_sealed, aad(row.id, `message:${m.id}`)).toString('utf8'),
      createdAt: m.created_at,
    })),
  };
}

/** Every read of a report body is audited, by maintainers and by the reporter alike. */
export async function readReport(ctx: ServiceContext, project: ProjectRecord, trackingId: string, actor: Actor | null, actorLabel: string): Promise<ReportDetail> {
  authorize(actor, 'report:read');
  const row = await requireReport(ctx, project, trackingId);
  const detail = await detailOf(ctx, project, row, 'maintainer');
  await ctx.db.transaction().execute((tx) => appendAudit(tx, { actor: actorLabel, action: 'report.body-read', projectId: project.id, reportId: row.id }, ctx.now()));
  return detail;
}

export async function transitionReport(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  change: { to: string; reason?: RejectionReason | null; duplicateOf?: string | null; note?: string | null },
): Promise<{ from: ReportState; to: ReportState }> {
  authorize(actor, 'report:triage');
  if (!isReportState(change.to)) throw DomainError.validation([{ field: 'to', message: 'is not a report state' }]);
  const to = change.to;
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('reports').select(['id', 'state']).where('project_id', '=', project.id).where('tracking_id', '=', trackingId).forUpdate().executeTakeFirst();
    if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
    const from = row.state as ReportState;
    checkTransition({ from, to, rejectionReason: change.reason ?? null, duplicateOf: change.duplicateOf ?? null });
    if (to === 'rejected' && change.reason === 'duplicate') {
      const original = await tx.selectFrom('reports').select('id').where('project_id', '=', project.id).where('tracking_id', '=', change.duplicateOf ?? '').executeTakeFirst();
      if (!original || original.id === row.id) throw DomainError.validation([{ field: 'duplicate_of', message: `must be another report of ${project.slug}` }]);
    }
    await tx
      .updateTable('reports')
      .set({
        state: to,
        rejection_reason: to === 'rejected' ? change.reason ?? null : null,
        duplicate_of: to === 'rejected' && change.reason === 'duplicate' ? change.duplicateOf ?? null : null,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    await recordEvent(tx, row.id, { kind: 'state', at: now.toISOString(), to }, actorLabel);
    await appendAudit(tx, { actor: actorLabel, action: 'report.transition', projectId: project.id, reportId: row.id, data: { from, to, reason: change.reason ?? null, duplicate_of: change.duplicateOf ?? null } }, now);
    return { from, to };
  });
}

export interface SeverityChange {
  severity?: Severity | null;
  /** A vector of either generation, sorted into its slot by prefix. */
  cvssVector?: string | null;
  cvssV3Vector?: string | null;
  cvssV4Vector?: string | null;
}

/**
 * Sets CVSS vectors and/or severity. When the policy lets CVSS drive severity and a vector is present, the
 * severity is derived (an explicit, different one is refused); the SLA fix clock follows the severity event.
 */
export async function setSeverity(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  change: SeverityChange,
): Promise<{ severity: Severity | null; cvss: CvssAssessment }> {
  authorize(actor, 'report:triage');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('reports')
      .select(['id', 'severity', 'cvss_v3_vector', 'cvss_v4_vector'])
      .where('project_id', '=', project.id)
      .where('tracking_id', '=', trackingId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
    let v3 = change.cvssV3Vector === undefined ? row.cvss_v3_vector : change.cvssV3Vector;
    let v4 = change.cvssV4Vector === undefined ? row.cvss_v4_vector : change.cvssV4Vector;
    if (change.cvssVector) {
      if (slotOf(change.cvssVector, 'cvss_vector') === '4.0') v4 = change.cvssVector;
      else v3 = change.cvssVector;
    }
    const cvss = assessCvss({ v3: v3 || null, v4: v4 || null }, severitySource(project));
    let severity: Severity | null;
    if (cvss.severity !== null) {
      if (change.severity !== undefined && change.severity !== cvss.severity) {
        throw DomainError.validation([
          {
            field: 'severity',
            message: `is derived from the CVSS ${cvss.drivenBy} vector (${cvss.severity}); omit it, or set triage.severity_source: manual in the policy`,
          },
        ]);
      }
      severity = cvss.severity;
    } else {
      severity = change.severity !== undefined ? change.severity : isSeverity(row.severity) ? row.severity : null;
    }
    const vectors = { cvss_v3_vector: cvss.v3?.vector ?? null, cvss_v4_vector: cvss.v4?.vector ?? null };
    await tx.updateTable('reports').set({ severity, ...vectors, updated_at: now }).where('id', '=', row.id).execute();
    if (severity !== row.severity) await recordEvent(tx, row.id, { kind: 'severity', at: now.toISOString(), severity }, actorLabel);
    await appendAudit(
      tx,
      { actor: actorLabel, action: 'report.severity', projectId: project.id, reportId: row.id, data: { from: row.severity, to: severity, driven_by: cvss.drivenBy, ...vectors } },
      now,
    );
    return { severity, cvss };
  });
}

async function insertMessage(
  ctx: ServiceContext,
  tx: Tx,
  reportId: string,
  author: { kind: 'reporter' | 'maintainer'; userId: string | null },
  internal: boolean,
  text: string,
  files: Array<IncomingFile & { contentType: string }>,
  now: Date,
): Promise<string> {
  const id = randomUUID();
  const sealed = ctx.sealer.seal(text, aad(reportId, `message:${id}`));
  await tx
    .insertInto('messages')
    .values({ id, report_id: reportId, author_kind: author.kind, author_user_id: author.userId, internal, body_sealed: sealed.sealed, key_id: sealed.keyId, created_at: now })
    .execute();
  for (const f of files) {
    const attachmentId = randomUUID();
    await tx
      .insertInto('attachments')
      .values({
        id: attachmentId,
        report_id: reportId,
        message_id: id,
        filename: cleanFilename(f.filename),
        content_type: f.contentType,
        size: f.data.length,
        sha256: sha256Hex(f.data),
        content_sealed: ctx.sealer.seal(f.data, aad(reportId, `attachment:${attachmentId}`)).sealed,
        key_id: ctx.sealer.activeKeyId,
        created_at: now,
      })
      .execute();
  }
  return id;
}

const MAX_MESSAGE = 100_000;

function checkMessage(text: string): string {
  const t = text.trim();
  if (!t) throw DomainError.validation([{ field: 'body', message: 'is required' }]);
  if (t.length > MAX_MESSAGE) throw DomainError.validation([{ field: 'body', message: `must be at most ${MAX_MESSAGE} characters` }]);
  return t;
}

export async function addMaintainerMessage(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  input: { body: string; internal: boolean },
): Promise<{ id: string }> {
  authorize(actor, input.internal ? 'report:note' : 'report:reply');
  const text = checkMessage(input.body);
  const row = await requireReport(ctx, project, trackingId);
  const now = ctx.now();
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertMessage(ctx, tx, row.id, { kind: 'maintainer', userId: actor?.userId ?? null }, input.internal, text, [], now);
    if (!input.internal) await recordEvent(tx, row.id, { kind: 'maintainer-reply', at: now.toISOString() }, actorLabel);
    await tx.updateTable('reports').set({ updated_at: now }).where('id', '=', row.id).execute();
    await appendAudit(tx, { actor: actorLabel, action: input.internal ? 'report.note-added' : 'report.reply-sent', projectId: project.id, reportId: row.id, data: { message: id } }, now);
    return id;
  });
  return { id };
}

async function reportForToken(ctx: ServiceContext, token: string) {
  const row = await ctx.db.selectFrom('reports').selectAll().where('reporter_token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) throw new DomainError('not_found', 'This reporter link is not valid');
  const project = await ctx.db.selectFrom('projects').select('slug').where('id', '=', row.project_id).executeTakeFirstOrThrow();
  return { row, project: await getProject(ctx.db, project.slug) };
}

export async function readAsReporter(ctx: ServiceContext, token: string): Promise<{ project: ProjectRecord; detail: ReportDetail }> {
  const { row, project } = await reportForToken(ctx, token);
  const detail = await detailOf(ctx, project, row, 'reporter');
  await ctx.db.transaction().execute((tx) => appendAudit(tx, { actor: 'reporter', action: 'report.body-read', projectId: project.id, reportId: row.id }, ctx.now()));
  return { project, detail };
}

export async function addReporterMessage(ctx: ServiceContext, token: string, text: string, files: IncomingFile[]): Promise<{ id: string }> {
  const body = checkMessage(text);
  const { row, project } = await reportForToken(ctx, token);
  const types = await Promise.all(files.map((f, i) => sniffAttachment(f, i)));
  const now = ctx.now();
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertMessage(ctx, tx, row.id, { kind: 'reporter', userId: null }, false, body, files.map((f, i) => ({ ...f, contentType: types[i] ?? 'application/octet-stream' })), now);
    await recordEvent(tx, row.id, { kind: 'reporter-message', at: now.toISOString() }, 'reporter');
    await tx.updateTable('reports').set({ updated_at: now }).where('id', '=', row.id).execute();
    await appendAudit(tx, { actor: 'reporter', action: 'report.reporter-message', projectId: project.id, reportId: row.id, data: { message: id, attachments: files.length } }, now);
    return id;
  });
  return { id };
}

export async function readAttachment(
  ctx: ServiceContext,
  reportId: string,
  attachmentId: string,
  opts: { reporterView: boolean },
): Promise<{ filename: string; contentType: string; data: Buffer }> {
  const a = await ctx.db.selectFrom('attachments').selectAll().where('id', '=', attachmentId).where('report_id', '=', reportId).executeTakeFirst();
  if (!a) throw new DomainError('not_found', 'No such attachment');
  if (opts.reporterView && a.message_id) {
    const m = await ctx.db.selectFrom('messages').select('internal').where('id', '=', a.message_id).executeTakeFirst();
    if (!m || m.internal) throw new DomainError('not_found', 'No such attachment');
  }
  return { filename: a.filename, contentType: a.content_type, data: ctx.sealer.open(a.key_id, a.content_sealed, aad(reportId, `attachment:${a.id}`)) };
}

export async function maintainerAttachment(ctx: ServiceContext, project: ProjectRecord, trackingId: string, attachmentId: string, actor: Actor | null, actorLabel: string) {
  authorize(actor, 'report:read');
  const row = await requireReport(ctx, project, trackingId);
  const file = await readAttachment(ctx, row.id, attachmentId, { reporterView: false });
  await ctx.db.transaction().execute((tx) => appendAudit(tx, { actor: actorLabel, action: 'report.attachment-read', projectId: project.id, reportId: row.id, data: { attachment: attachmentId } }, ctx.now()));
  return file;
}

export async function reporterAttachment(ctx: ServiceContext, token: string, attachmentId: string) {
  const { row } = await reportForToken(ctx, token);
  return readAttachment(ctx, row.id, attachmentId, { reporterView: true });
}
