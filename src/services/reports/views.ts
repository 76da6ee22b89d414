import { classificationFlags, type ReportBody, type Classification } from '../../core/reports/submission.ts';
import { allowedTransitions, type ReportState } from '../../core/reports/states.ts';
import { isSeverity, type Severity } from '../../core/severity.ts';
import { computeDeadlines } from '../../core/sla/clock.ts';
import type { Deadline } from '../../core/sla/types.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { loadEvents } from './events.ts';
import type { CvssAssessment } from '../../core/reports/severity-from-cvss.ts';
import { assessStored, aad, requireReport, reportForToken, type ReportRow } from './store.ts';
import { encryptionOf, type ReportEncryptionView } from '../pgp/intake.ts';

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
  /** Whether it came OpenPGP-encrypted and whose signature verified (migration 0005). */
  encryption: ReportEncryptionView;
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

function summarizeRow(ctx: ServiceContext, project: ProjectRecord, row: NonNullable<ReportRow>, events: Map<string, import('../../core/sla/types.ts').SlaEvent[]>): ReportSummary {
  const title = ctx.sealer.open(row.key_id, row.title_sealed, aad(row.id, 'title')).toString('utf8');
  const stored = {
    version_status: row.version_status as Classification['version_status'],
    version_matched: row.version_matched,
    scope_status: row.scope_status as Classification['scope_status'],
    affected_version: row.affected_version,
    category: row.category,
  };
  return {
    trackingId: row.tracking_id,
    title,
    state: row.state as ReportState,
    severity: isSeverity(row.severity) ? row.severity : null,
    category: row.category,
    affectedVersion: row.affected_version,
    classification: {
      version_status: stored.version_status,
      version_matched: stored.version_matched,
      scope_status: stored.scope_status,
      flags: classificationFlags(project.policy, stored),
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deadlines: computeDeadlines(events.get(row.id) ?? [], project.policy, ctx.now()),
  };
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
    encryption: encryptionOf(row),
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

export async function readAsReporter(ctx: ServiceContext, token: string): Promise<{ project: ProjectRecord; detail: ReportDetail }> {
  const { row, project } = await reportForToken(ctx, token);
  const detail = await detailOf(ctx, project, row, 'reporter');
  await ctx.db.transaction().execute((tx) => appendAudit(tx, { actor: 'reporter', action: 'report.body-read', projectId: project.id, reportId: row.id }, ctx.now()));
  return { project, detail };
}
