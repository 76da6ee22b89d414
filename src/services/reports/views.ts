import { sql } from 'kysely';
import { termsOf } from '../../core/search/terms.ts';
import { classificationFlags, type ReportBody, type Classification } from '../../core/reports/submission.ts';
import { allowedTransitions, type ReportState } from '../../core/reports/states.ts';
import { isSeverity, type Severity } from '../../core/severity.ts';
import { computeDeadlines, summarize } from '../../core/sla/clock.ts';
import { owedDeadlines, queueOrderOf, RANK_PAUSED, RANK_RUNNING } from '../../core/sla/queue-index.ts';
import type { Deadline, SlaEvent } from '../../core/sla/types.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { decodeCursor, encodeCursor, pageSize, type Page, type PageRequest, type Position } from '../paging.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { loadEvents } from './events.ts';
import { reporterStatusPath } from '../../core/ui-paths.ts';
import { hashToken } from '../../adapters/crypto/tokens.ts';
import { heldForReporter } from './review.ts';
import { deadlinesOfReport, slaVersionsOf, type SlaVersions } from './promises.ts';
import { searchHashes, searchMatches } from './search-index.ts';
import type { CvssAssessment } from '../../core/reports/severity-from-cvss.ts';
import { assessStored, aad, requireReport, reportForToken, type ReportRow } from './store.ts';
import { encryptionOf, type ReportEncryptionView } from '../pgp/intake.ts';
import { duplicateCandidatesOf, type DuplicateCandidate } from '../triage/candidates.ts';
import { knownAdvisoriesOf } from '../triage/known-advisories.ts';
import { qualitySignalsOf } from '../triage/quality.ts';
import type { QualitySignal } from '../../core/triage/quality.ts';
import type { KnownAdvisory } from '../../core/triage/known-advisories.ts';

export interface ReportSummary {
  trackingId: string;
  /** Who has the report (migration 0022), or null. */
  assignee: { id: string; name: string } | null;
  source: string;
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
  /** Earlier reports of the project it resembles, above the project's threshold (maintainers' view only). */
  duplicateCandidates: DuplicateCandidate[];
  /** Imported OSV advisories it names or describes: "already public as …" (maintainers' view only). */
  knownAdvisories: KnownAdvisory[];
  /** Evidence, version, scope, length, the reporter's record: each with its reason (maintainers' view only). */
  qualitySignals: QualitySignal[];
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

/** The columns a summary needs: never the body. */
const SUMMARY_COLUMNS = [
  'reports.id',
  'reports.tracking_id',
  'reports.title_sealed',
  'reports.key_id',
  'reports.state',
  'reports.severity',
  'reports.category',
  'reports.affected_version',
  'reports.version_status',
  'reports.version_matched',
  'reports.scope_status',
  'reports.created_at',
  'reports.updated_at',
  'reports.policy_version',
  'reports.source',
  'reports.assignee_user_id',
] as const;

type SummaryRow = Pick<
  NonNullable<ReportRow>,
  | 'id'
  | 'tracking_id'
  | 'title_sealed'
  | 'key_id'
  | 'state'
  | 'severity'
  | 'category'
  | 'affected_version'
  | 'version_status'
  | 'version_matched'
  | 'scope_status'
  | 'created_at'
  | 'updated_at'
  | 'policy_version'
  | 'source'
  | 'assignee_user_id'
> & { assignee_name: string | null };

/** What a report's deadlines are computed from: the events of the reports at hand and the project's SLA versions. */
interface SlaInputs {
  events: Map<string, SlaEvent[]>;
  versions: SlaVersions;
}

function summarizeRow(ctx: ServiceContext, project: ProjectRecord, row: SummaryRow, sla: SlaInputs): ReportSummary {
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
    assignee: row.assignee_user_id ? { id: row.assignee_user_id, name: row.assignee_name ?? '' } : null,
    source: row.source,
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
    deadlines: deadlinesOfReport(sla.events.get(row.id) ?? [], sla.versions, row.policy_version, project.policy, ctx.now()),
  };
}

export interface ListFilter {
  state?: ReportState[] | undefined;
  severity?: Severity[] | undefined;
  /** Only reports whose next deadline is overdue or due within this long (running), or paused with this long left. */
  dueWithinMs?: number | undefined;
  /** Words that must all occur in the title, the body or a thread message (the search index, migration 0021). */
  q?: string | undefined;
  /** A user's id, or 'none' for reports nobody has. */
  assignee?: string | undefined;
  /** Classification flags: any flag, none, a version flag (unsupported, limited or unknown version), out of scope. */
  flag?: QueueFlag | undefined;
  /** Intake sources (web, api, email, scanner, …). */
  source?: string[] | undefined;
  /** Received at least / at most this many days ago. */
  minAgeDays?: number | undefined;
  maxAgeDays?: number | undefined;
}

export const QUEUE_FLAGS = ['any', 'none', 'version', 'scope'] as const;
export type QueueFlag = (typeof QUEUE_FLAGS)[number];
const FLAGGED_VERSIONS = ['unsupported', 'limited', 'unknown'];

/** A report in the queue: its summary, its most urgent outstanding deadline, and its place in the order. */
export interface QueueItem extends ReportSummary {
  next: Deadline | null;
  /** Sorts like the queue (see `queueOrderOf`): what merges the queues of several projects. */
  queueOrder: string;
}

const DAY_MS = 86_400_000;

/** The filters as the cursor is bound to them: order-insensitive. */
const normalFilter = (f: ListFilter) => ({
  state: [...(f.state ?? [])].sort(),
  severity: [...(f.severity ?? [])].sort(),
  due: f.dueWithinMs ?? null,
  q: f.q === undefined ? null : termsOf(f.q),
  assignee: f.assignee ?? null,
  flag: f.flag ?? null,
  source: [...(f.source ?? [])].sort(),
  age: [f.minAgeDays ?? null, f.maxAgeDays ?? null],
});

/**
 * One stretch of the queue order that a filter keeps, scanned in index order. Without a due filter that is the
 * whole order; with one, the running deadlines due by then, then the paused ones with no more time left than that.
 */
type Segment = { rank: number; maxKey: number } | null;

const segmentsOf = (filter: ListFilter, nowMs: number): Segment[] =>
  filter.dueWithinMs === undefined
    ? [null]
    : [
        { rank: RANK_RUNNING, maxKey: nowMs + filter.dueWithinMs },
        { rank: RANK_PAUSED, maxKey: filter.dueWithinMs },
      ];

/**
 * The queue query of one segment, for a page after `after` (rank, key, id): an index range scan of
 * reports_queue_idx (or reports_queue_state_idx / reports_queue_severity_idx for one state or one severity) that
 * stops after `limit` rows. Exported for the bench's EXPLAIN.
 */
export function queueQuery(db: DbOrTx, projectId: string, filter: ListFilter, segment: Segment, after: Position | null, limit: number, words: string[][] | null = null, now = new Date()) {
  let q = db
    .selectFrom('reports')
    .leftJoin('users as assignee', 'assignee.id', 'reports.assignee_user_id')
    .select([...SUMMARY_COLUMNS, 'assignee.name as assignee_name', 'reports.queue_rank', 'reports.queue_key'])
    .where('reports.project_id', '=', projectId);
  if (filter.assignee === 'none') q = q.where('reports.assignee_user_id', 'is', null);
  else if (filter.assignee) q = q.where('reports.assignee_user_id', '=', filter.assignee);
  if (filter.source?.length) q = filter.source.length === 1 ? q.where('reports.source', '=', filter.source[0] as string) : q.where('reports.source', 'in', filter.source);
  if (filter.flag === 'version') q = q.where('reports.version_status', 'in', FLAGGED_VERSIONS);
  if (filter.flag === 'scope') q = q.where('reports.scope_status', '=', 'out-of-scope');
  if (filter.flag === 'any') q = q.where((eb) => eb.or([eb('reports.version_status', 'in', FLAGGED_VERSIONS), eb('reports.scope_status', '=', 'out-of-scope')]));
  if (filter.flag === 'none') q = q.where('reports.version_status', 'not in', FLAGGED_VERSIONS).where('reports.scope_status', '!=', 'out-of-scope');
  if (filter.minAgeDays !== undefined) q = q.where('reports.created_at', '<=', new Date(now.getTime() - filter.minAgeDays * DAY_MS));
  if (filter.maxAgeDays !== undefined) q = q.where('reports.created_at', '>=', new Date(now.getTime() - filter.maxAgeDays * DAY_MS));
  if (filter.state?.length) q = filter.state.length === 1 ? q.where('reports.state', '=', filter.state[0] as string) : q.where('reports.state', 'in', filter.state);
  if (filter.severity?.length) q = filter.severity.length === 1 ? q.where('reports.severity', '=', filter.severity[0] as string) : q.where('reports.severity', 'in', filter.severity);
  if (words) q = q.where(sql<boolean>`reports.id in (${searchMatches(words)})`);
  if (segment) q = q.where('reports.queue_rank', '=', segment.rank).where('reports.queue_key', '<=', segment.maxKey);
  if (after) {
    const [rank, key, id] = after as [number, number, string];
    q = q.where((eb) => eb(eb.refTuple('reports.queue_rank', 'reports.queue_key', 'reports.id'), '>', eb.tuple(rank, key, id)));
  }
  return q.orderBy('reports.queue_rank').orderBy('reports.queue_key').orderBy('reports.id').limit(limit);
}

/**
 * The maintainers' queue, a page at a time: most urgent first (overdue, then due soonest, then deadlines that
 * stand still, then reports with no deadline by severity and newest first), sorted, filtered and paged in SQL on
 * the stored queue index; only the page's reports are opened (titles, never bodies) and their deadlines computed.
 */
export async function listReports(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, filter: ListFilter = {}, page: PageRequest = {}): Promise<Page<QueueItem>> {
  authorize(actor, 'report:list');
  const limit = pageSize(page.limit);
  const bound = normalFilter(filter);
  const words = searchHashes(ctx, filter.q);
  let after = page.cursor ? decodeCursor('queue', bound, page.cursor, ['int', 'int', 'uuid']) : null;
  const rows: Awaited<ReturnType<ReturnType<typeof queueQuery>['execute']>> = [];
  for (const segment of segmentsOf(filter, ctx.now().getTime())) {
    if (rows.length > limit) break;
    rows.push(...(await queueQuery(ctx.db, project.id, filter, segment, after, limit + 1 - rows.length, words, ctx.now()).execute()));
  }
  const items = rows.slice(0, limit);
  const sla = { events: await loadEvents(ctx.db, items.map((r) => r.id)), versions: await slaVersionsOf(ctx.db, project.id) };
  const last = items.at(-1);
  after = rows.length > limit && last ? [Number(last.queue_rank), Number(last.queue_key), last.id] : null;
  return {
    items: items.map((r) => {
      const summary = summarizeRow(ctx, project, r, sla);
      return { ...summary, next: summarize(owedDeadlines(r.state, summary.deadlines)), queueOrder: queueOrderOf(Number(r.queue_rank), Number(r.queue_key), r.id) };
    }),
    nextCursor: after ? encodeCursor('queue', bound, after) : null,
  };
}

async function detailOf(ctx: ServiceContext, project: ProjectRecord, row: NonNullable<ReportRow>, audience: 'maintainer' | 'reporter'): Promise<ReportDetail> {
  const events = await loadEvents(ctx.db, [row.id]);
  const assigneeName = row.assignee_user_id ? ((await ctx.db.selectFrom('users').select('name').where('id', '=', row.assignee_user_id).executeTakeFirst())?.name ?? null) : null;
  const summary = summarizeRow(ctx, project, { ...row, assignee_name: assigneeName }, { events, versions: await slaVersionsOf(ctx.db, project.id) });
  const attachments = await ctx.db.selectFrom('attachments').select(['id', 'filename', 'content_type', 'size', 'sha256', 'message_id', 'created_at']).where('report_id', '=', row.id).orderBy('created_at').execute();
  let mq = ctx.db
    .selectFrom('messages')
    .leftJoin('users', 'users.id', 'messages.author_user_id')
    .select(['messages.id', 'messages.author_kind', 'messages.internal', 'messages.body_sealed', 'messages.key_id', 'messages.created_at', 'users.name as author_name'])
    .where('messages.report_id', '=', row.id);
  if (audience === 'reporter') mq = mq.where('messages.internal', '=', false);
  const messages = await mq.orderBy('messages.created_at').execute();
  const visibleMessageIds = new Set(messages.map((m) => m.id));
  const body = openJson<ReportBody>(ctx.sealer, row.key_id, row.body_sealed, aad(row.id, 'body'));
  const classification = {
    version_status: row.version_status as Classification['version_status'],
    version_matched: row.version_matched,
    scope_status: row.scope_status as Classification['scope_status'],
    affected_version: row.affected_version,
    category: row.category,
  };
  const reporterFiles = attachments.filter((a) => a.message_id === null).length;
  return {
    ...summary,
    deadlines: audience === 'reporter' ? summary.deadlines.filter((d) => d.reporterVisible) : summary.deadlines,
    body,
    cvss: assessStored(project, row),
    rejectionReason: row.rejection_reason,
    duplicateOf: row.duplicate_of,
    creditChoice: row.credit_choice,
    termsAccepted: row.terms_accepted,
    source: row.source,
    embargoUntil: row.embargo_until,
    allowedTransitions: audience === 'maintainer' ? allowedTransitions(row.state as ReportState, row.rejection_reason) : [],
    encryption: encryptionOf(row),
    duplicateCandidates: audience === 'maintainer' ? await duplicateCandidatesOf(ctx, project, row.id) : [],
    knownAdvisories: audience === 'maintainer' ? await knownAdvisoriesOf(ctx, project, row.id) : [],
    qualitySignals:
      audience === 'maintainer' ? await qualitySignalsOf(ctx.db, project, { id: row.id, createdAt: row.created_at, title: summary.title, body, attachments: reporterFiles, classification, fingerprints: [row.reporter_key_fingerprint, row.signer_fingerprint] }) : [],
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

/**
 * Where the old private link (`/reporter/{token}`, in mails sent before the styled page) leads: the path of the
 * reporter's page with the token in the fragment. Reads nothing of the report (no body, so no audited read).
 */
export async function reporterPageOf(ctx: ServiceContext, token: string): Promise<string> {
  const held = await heldIfNoReport(ctx, token);
  if (held) return reporterStatusPath(held.project.slug, token);
  const { project } = await reportForToken(ctx, token);
  return reporterStatusPath(project.slug, token);
}

/**
 * A submission held for review answers its reporter's link too (services/reports/review.ts): their report as
 * sent, state `new`, no deadline, no thread — the same for a blocked sender and a first-time reporter. Looked up
 * only when no report has the token.
 */
async function heldIfNoReport(ctx: ServiceContext, token: string): Promise<{ project: ProjectRecord; detail: ReportDetail } | null> {
  const report = await ctx.db.selectFrom('reports').select('id').where('reporter_token_hash', '=', hashToken(token)).executeTakeFirst();
  if (report) return null;
  const held = await heldForReporter(ctx, token);
  if (!held) return null;
  const r = held.report;
  return {
    project: held.project,
    detail: {
      trackingId: held.trackingId,
      assignee: null,
      source: held.source,
      title: held.title,
      state: 'new',
      severity: null,
      category: r.category ?? null,
      affectedVersion: r.affected_version ?? null,
      classification: {
        version_status: (r.version_status ?? 'not-given') as Classification['version_status'],
        version_matched: r.version_matched ?? null,
        scope_status: (r.scope_status ?? 'not-given') as Classification['scope_status'],
        flags: [],
      },
      createdAt: held.receivedAt,
      updatedAt: held.receivedAt,
      deadlines: [],
      body: held.body,
      cvss: assessStored(held.project, { cvss_v3_vector: r.cvss_v3_vector ?? null, cvss_v4_vector: r.cvss_v4_vector ?? null }),
      rejectionReason: null,
      duplicateOf: null,
      creditChoice: String(r.credit_choice ?? 'anonymous'),
      termsAccepted: !!r.terms_accepted,
      embargoUntil: null,
      allowedTransitions: [],
      attachments: [],
      messages: [],
      encryption: encryptionOf({ encrypted: !!r.encrypted, signature_status: String(r.signature_status ?? 'none'), signer_fingerprint: r.signer_fingerprint ?? null, reporter_key_fingerprint: r.reporter_key_fingerprint ?? null }),
      duplicateCandidates: [],
      knownAdvisories: [],
      qualitySignals: [],
    },
  };
}

/** A public advisory (published, amended or withdrawn) that came of a report: what its reporter's page links. */
export interface PublicAdvisoryLink {
  id: string;
  title: string;
}

export async function readAsReporter(ctx: ServiceContext, token: string): Promise<{ project: ProjectRecord; detail: ReportDetail; advisory: PublicAdvisoryLink | null }> {
  const held = await heldIfNoReport(ctx, token);
  if (held) return { ...held, advisory: null };
  const { row, project } = await reportForToken(ctx, token);
  const detail = await detailOf(ctx, project, row, 'reporter');
  // Only a public advisory: its title is in clear once published (a draft's is sealed and not the reporter's yet).
  const published = await ctx.db
    .selectFrom('advisories')
    .select(['public_id', 'title'])
    .where('report_id', '=', row.id)
    .where('state', 'in', ['published', 'amended', 'withdrawn'])
    .orderBy('published_at', 'desc')
    .executeTakeFirst();
  await ctx.db.transaction().execute((tx) => appendAudit(tx, { actor: 'reporter', action: 'report.body-read', projectId: project.id, reportId: row.id }, ctx.now()));
  return { project, detail, advisory: published ? { id: published.public_id, title: published.title ?? published.public_id } : null };
}
