import { randomUUID } from 'node:crypto';
/**
 * Advisory use cases: create (from a report or on its own), edit (each save is a revision), move through the
 * workflow, export. Every change and its audit entry share one transaction; documents are sealed until public.
 */
import {
  advisoryProblems,
  creditFromReport,
  cweForCategory,
  EDITABLE_STATES,
  transitionAdvisory,
  type Advisory,
  type AdvisoryState,
  type AffectedProduct,
  type Credit,
  type CvssVectors,
  type Reference,
} from '../../core/advisories/index.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError, type FieldProblem } from '../../core/errors.ts';
import { isEcosystem } from '../../core/versions/ecosystems.ts';
import type { ReportBody } from '../../core/reports/submission.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { aad as reportAad } from '../reports/store.ts';
import {
  addRevision,
  documentColumns,
  documentOf,
  isPublicState,
  loadRevisions,
  nextPublicId,
  requireAdvisory,
  type AdvisoryRow,
  type StoredRevision,
} from './store.ts';
import { afterPublication, syncReportEmbargo } from './disclosure.ts';
import { queueCvePublication } from '../cve/queue.ts';
import { noteFixAvailable } from '../cra/fix-available.ts';
import { advisoryPrefillOf, ghsaRecordAad, type GhsaAdvisory } from '../../core/ghsa/advisory.ts';

/** The editable content of an advisory (what POST and PUT carry). */
export interface AdvisoryContent {
  title?: string;
  summary?: string;
  details?: string;
  cwe_ids?: string[];
  cvss?: CvssVectors;
  affected?: AffectedProduct[];
  references?: Reference[];
  credits?: Credit[];
  cve_id?: string | null;
  embargo_until?: string | null;
}

const CONTENT_KEYS = ['title', 'summary', 'details', 'cwe_ids', 'cvss', 'affected', 'references', 'credits', 'cve_id', 'embargo_until'] as const;

export interface CreateAdvisoryInput extends AdvisoryContent {
  /** Tracking id of the report to draft from: title, CWE, CVSS, credit and the branch matrix are pre-filled. */
  report?: string;
  /** With `report`: the package the pre-filled backport matrix is about. */
  ecosystem?: string;
  package?: string;
}

/** An edit (what PUT carries): the changed content, and on a published advisory the amendment's note. */
export interface UpdateAdvisoryInput extends AdvisoryContent {
  /** Required once published: says what changed, and becomes the amendment's public revision note. */
  note?: string | null;
  /**
   * true: take the report's embargo date and follow it from now on; false: keep the current date as the
   * advisory's own. Setting `embargo_until` makes the date the advisory's own.
   */
  embargo_follows_report?: boolean;
}

export interface AdvisoryView {
  advisory: Advisory;
  /** Everything still wrong (a draft may be saved incomplete; leaving draft needs none). */
  problems: FieldProblem[];
  revision: number;
  reportTrackingId: string | null;
  announcedAt: Date | null;
  /** The embargo date is the report's and moves with it (PUT …/reports/{id}/embargo). */
  embargoFollowsReport: boolean;
}

export interface AdvisorySummary {
  id: string;
  state: AdvisoryState;
  title: string;
  cveId: string | null;
  reportTrackingId: string | null;
  publishAt: Date | null;
  publishedAt: Date | null;
  updatedAt: Date;
  revision: number;
}

/** Embargo's timestamps are whole seconds in UTC (the formats' schemas and the core validator agree on that). */
const utcSeconds = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

function normaliseEmbargo(v: string | null | undefined): string | null | undefined {
  if (v === undefined || v === null) return v;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw DomainError.validation([{ field: 'embargo_until', message: 'must be an ISO-8601 date-time' }]);
  return utcSeconds(d);
}

async function trackingIdOf(db: DbOrTx, reportId: string | null): Promise<string | null> {
  if (!reportId) return null;
  const r = await db.selectFrom('reports').select('tracking_id').where('id', '=', reportId).executeTakeFirst();
  return r?.tracking_id ?? null;
}

function viewOf(ctx: ServiceContext, project: ProjectRecord, row: AdvisoryRow, trackingId: string | null): AdvisoryView {
  const advisory = documentOf(ctx, row);
  return {
    advisory,
    problems: advisoryProblems(advisory, project.policy),
    revision: row.revision,
    reportTrackingId: trackingId,
    announcedAt: row.announced_at,
    embargoFollowsReport: row.embargo_follows_report,
  };
}

export async function listAdvisories(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null): Promise<AdvisorySummary[]> {
  authorize(actor, 'advisory:read');
  const rows = await ctx.db
    .selectFrom('advisories')
    .leftJoin('reports', 'reports.id', 'advisories.report_id')
    .selectAll('advisories')
    .select('reports.tracking_id as report_tracking_id')
    .where('advisories.project_id', '=', project.id)
    .orderBy('advisories.created_at', 'desc')
    .orderBy('advisories.public_id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.public_id,
    state: r.state as AdvisoryState,
    title: r.title ?? documentOf(ctx, r).title,
    cveId: r.cve_id,
    reportTrackingId: r.report_tracking_id,
    publishAt: r.publish_at,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    revision: r.revision,
  }));
}

/** Reading an advisory that is not public yet is reading embargoed data: audited, like a report body read. */
async function auditEmbargoedRead(ctx: ServiceContext, project: ProjectRecord, row: AdvisoryRow, actorLabel: string, what: string): Promise<void> {
  if (isPublicState(row.state)) return;
  await ctx.db.transaction().execute((tx) =>
    appendAudit(tx, { actor: actorLabel, action: 'advisory.read', projectId: project.id, reportId: row.report_id, data: { advisory: row.public_id, what } }, ctx.now()),
  );
}

/** `what` names the read in the audit entry (`view`, `export:osv`, `changelog`). */
export async function readAdvisory(ctx: ServiceContext, project: ProjectRecord, publicId: string, actor: Actor | null, actorLabel: string, what = 'view'): Promise<AdvisoryView> {
  authorize(actor, 'advisory:read');
  const row = await requireAdvisory(ctx.db, project, publicId);
  const view = viewOf(ctx, project, row, await trackingIdOf(ctx.db, row.report_id));
  await auditEmbargoedRead(ctx, project, row, actorLabel, what);
  return view;
}

export async function readRevisions(ctx: ServiceContext, project: ProjectRecord, publicId: string, actor: Actor | null, actorLabel: string): Promise<StoredRevision[]> {
  authorize(actor, 'advisory:read');
  const row = await requireAdvisory(ctx.db, project, publicId);
  const revisions = await loadRevisions(ctx.db, ctx, row.id);
  // The history of a published advisory holds its drafts: always audited.
  await ctx.db.transaction().execute((tx) =>
    appendAudit(tx, { actor: actorLabel, action: 'advisory.read', projectId: project.id, reportId: row.report_id, data: { advisory: row.public_id, what: 'revisions' } }, ctx.now()),
  );
  return revisions;
}

/** Every supported or limited branch of the policy, each `affected` until the editor says otherwise. */
export function defaultBranches(project: ProjectRecord): AffectedProduct['branches'] {
  return project.policy.supported_versions.filter((r) => r.status !== 'unsupported').map((r) => ({ branch: r.label, status: 'affected' as const }));
}

/** What a report contributes to a new advisory. The reporter's own words stay in the report. */
async function prefillFromReport(ctx: ServiceContext, tx: Tx, project: ProjectRecord, trackingId: string, input: CreateAdvisoryInput) {
  const report = await tx.selectFrom('reports').selectAll().where('project_id', '=', project.id).where('tracking_id', '=', trackingId).executeTakeFirst();
  if (!report) throw DomainError.validation([{ field: 'report', message: `no report ${trackingId} in ${project.slug}` }]);
  const existing = await tx.selectFrom('advisories').select('public_id').where('report_id', '=', report.id).executeTakeFirst();
  if (existing) throw new DomainError('conflict', `Report ${trackingId} already has advisory ${existing.public_id}`, { advisory: existing.public_id });
  const title = ctx.sealer.open(report.key_id, report.title_sealed, reportAad(report.id, 'title')).toString('utf8');
  const body = openJson<ReportBody>(ctx.sealer, report.key_id, report.body_sealed, reportAad(report.id, 'body'));
  const credit = creditFromReport(
    { credit_choice: report.credit_choice === 'anonymous' ? 'anonymous' : 'credit', credit_name: body.credit_name, reporter_name: body.reporter_name },
    project.policy,
  );
  const cwe = cweForCategory(report.category);
  let affected: AffectedProduct[] = [];
  if (input.ecosystem !== undefined || input.package !== undefined) {
    if (!input.ecosystem || !isEcosystem(input.ecosystem)) throw DomainError.validation([{ field: 'ecosystem', message: 'must be one of npm, PyPI, Go, crates.io' }]);
    if (!input.package?.trim()) throw DomainError.validation([{ field: 'package', message: 'is required with ecosystem' }]);
    affected = [{ ecosystem: input.ecosystem, package: input.package.trim(), branches: defaultBranches(project) }];
  }
  const prefill: AdvisoryContent = {
    title,
    summary: title.length <= 160 ? title : `${title.slice(0, 159)}…`,
    cwe_ids: cwe ? [cwe] : [],
    cvss: { v3: report.cvss_v3_vector, v4: report.cvss_v4_vector },
    affected,
    credits: credit ? [credit] : [],
    embargo_until: report.embargo_until ? utcSeconds(report.embargo_until) : null,
  };
  // A report imported from GitHub brings what its advisory said there (docs/ghsa.md).
  const imported = report.source === 'ghsa' ? await tx.selectFrom('ghsa_imports').selectAll().where('report_id', '=', report.id).executeTakeFirst() : undefined;
  if (imported) {
    const extra = advisoryPrefillOf(openJson<GhsaAdvisory>(ctx.sealer, imported.key_id, imported.record_sealed, ghsaRecordAad(project.id, imported.ghsa_id)));
    Object.assign(prefill, { cwe_ids: extra.cwe_ids.length ? extra.cwe_ids : prefill.cwe_ids, credits: extra.credits, references: extra.references, ...(extra.cve_id ? { cve_id: extra.cve_id } : {}) });
  }
  // The report's date is shared, not copied: it follows the report unless the request sets one of its own.
  return { reportRowId: report.id, prefill };
}

export async function createAdvisory(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, input: CreateAdvisoryInput): Promise<AdvisoryView> {
  authorize(actor, 'advisory:edit');
  const now = ctx.now();
  const at = utcSeconds(now);
  return ctx.db.transaction().execute(async (tx) => {
    let reportRowId: string | null = null;
    let base: AdvisoryContent = {};
    if (input.report) ({ reportRowId, prefill: base } = await prefillFromReport(ctx, tx, project, input.report, input));
    const content = { ...base, ...pickContent(input) };
    if (!content.title?.trim()) throw DomainError.validation([{ field: 'title', message: 'is required' }]);
    const publicId = await nextPublicId(tx, project, now);
    const advisory: Advisory = {
      id: publicId,
      project: project.policy.project.slug,
      report_id: input.report ?? null,
      title: content.title.trim(),
      summary: content.summary ?? '',
      details: content.details ?? '',
      cwe_ids: content.cwe_ids ?? [],
      cvss: content.cvss ?? { v3: null, v4: null },
      affected: content.affected ?? [],
      references: content.references ?? [],
      credits: content.credits ?? [],
      cve_id: content.cve_id ?? null,
      embargo_until: normaliseEmbargo(content.embargo_until) ?? null,
      state: 'draft',
      created_at: at,
      updated_at: at,
      published_at: null,
      withdrawn_at: null,
      revisions: [],
    };
    // The id is chosen here because the sealed document's AAD binds it to its row.
    const id = randomUUID();
    await tx
      .insertInto('advisories')
      .values({
        id,
        project_id: project.id,
        report_id: reportRowId,
        public_id: publicId,
        revision: 1,
        created_at: now,
        embargo_follows_report: reportRowId !== null && input.embargo_until === undefined,
        ...documentColumns(ctx, id, advisory),
      })
      .execute();
    await addRevision(ctx, tx, {
      rowId: id,
      number: 1,
      document: advisory,
      summary: input.report ? `created from report ${input.report}` : 'created',
      note: null,
      actor: actorLabel,
      at: now,
    });
    await appendAudit(tx, { actor: actorLabel, action: 'advisory.create', projectId: project.id, reportId: reportRowId, data: { advisory: publicId, from_report: input.report ?? null } }, now);
    const row = await requireAdvisory(tx, project, publicId);
    return viewOf(ctx, project, row, input.report ?? null);
  });
}

/**
 * Whether the advisory's embargo date follows its report's after this edit, putting the report's date into
 * `content` when following is (re)started. A date given in the edit is the advisory's own.
 */
async function embargoFollowing(tx: Tx, row: AdvisoryRow, content: AdvisoryContent, request: boolean | undefined): Promise<boolean> {
  if (request === true) {
    if (!row.report_id) throw DomainError.validation([{ field: 'embargo_follows_report', message: 'the advisory has no report to follow' }]);
    if (content.embargo_until !== undefined) throw DomainError.validation([{ field: 'embargo_until', message: 'give a date of its own or follow the report, not both' }]);
    const report = await tx.selectFrom('reports').select('embargo_until').where('id', '=', row.report_id).executeTakeFirstOrThrow();
    content.embargo_until = report.embargo_until ? utcSeconds(report.embargo_until) : null;
    return true;
  }
  if (request === false || content.embargo_until !== undefined) return false;
  return row.embargo_follows_report;
}

const pickContent = (input: AdvisoryContent): AdvisoryContent => {
  const out: Record<string, unknown> = {};
  for (const k of CONTENT_KEYS) if (input[k] !== undefined) out[k] = input[k];
  return out as AdvisoryContent;
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Saves an edit. Drafts may be saved incomplete (the view lists what is still wrong); in review every save
 * must leave a valid advisory. A scheduled advisory is frozen (unschedule it first). A published one is
 * corrected by an amendment: the edit needs a `note` saying what changed, which becomes its public revision.
 */
export async function updateAdvisory(
  ctx: ServiceContext,
  project: ProjectRecord,
  publicId: string,
  actor: Actor | null,
  actorLabel: string,
  input: UpdateAdvisoryInput,
): Promise<AdvisoryView> {
  authorize(actor, 'advisory:edit');
  const { note, embargo_follows_report: followRequest, ...patch } = input;
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await requireAdvisory(tx, project, publicId, true);
    const current = documentOf(ctx, row);
    const content = pickContent(patch);
    if (content.embargo_until !== undefined) content.embargo_until = normaliseEmbargo(content.embargo_until);
    // Saving the date it already has (a form sends every field) is not giving it a date of its own.
    if (content.embargo_until !== undefined && content.embargo_until === current.embargo_until) delete content.embargo_until;
    const follows = await embargoFollowing(tx, row, content, followRequest);
    const changed: string[] = CONTENT_KEYS.filter((k) => content[k] !== undefined && !same(content[k], current[k]));
    if (follows !== row.embargo_follows_report) changed.push('embargo_follows_report');
    if (!changed.length) return viewOf(ctx, project, row, await trackingIdOf(tx, row.report_id));
    let next: Advisory = { ...current, ...content, updated_at: utcSeconds(now) } as Advisory;
    const state = current.state;
    if (state === 'scheduled') throw new DomainError('conflict', 'A scheduled advisory cannot be edited: move it back to in-review first', { state });
    if (state === 'withdrawn') throw new DomainError('conflict', 'A withdrawn advisory cannot be edited', { state });
    if (isPublicState(state)) {
      authorize(actor, 'advisory:publish');
      if (!note?.trim()) throw DomainError.validation([{ field: 'note', message: 'say what changed: it is the public revision note of the amendment' }]);
      for (const field of ['embargo_until', 'embargo_follows_report']) {
        if (changed.includes(field)) throw DomainError.validation([{ field, message: 'cannot change once published' }]);
      }
      next = transitionAdvisory(next, { to: 'amended', at: utcSeconds(now), summary: note.trim() });
    }
    if (state !== 'draft') {
      const problems = advisoryProblems(next, project.policy);
      if (problems.length) throw DomainError.validation(problems, 'Invalid advisory');
    }
    const number = row.revision + 1;
    await tx.updateTable('advisories').set({ ...documentColumns(ctx, row.id, next), revision: number, embargo_follows_report: follows }).where('id', '=', row.id).execute();
    await addRevision(ctx, tx, { rowId: row.id, number, document: next, summary: `edited: ${changed.join(', ')}`, note: note?.trim() || null, actor: actorLabel, at: now });
    await appendAudit(
      tx,
      { actor: actorLabel, action: next.state === 'amended' ? 'advisory.amend' : 'advisory.update', projectId: project.id, reportId: row.report_id, data: { advisory: publicId, fields: changed, revision: number } },
      now,
    );
    // An amendment updates the CVE record (issue 20).
    if (next.state === 'amended') await queueCvePublication(tx, { projectId: project.id, advisoryRowId: row.id, advisory: next, actorLabel, at: now });
    await noteFixAvailable(tx, row.report_id, next, actorLabel, now);
    const saved = await requireAdvisory(tx, project, publicId);
    return viewOf(ctx, project, saved, await trackingIdOf(tx, row.report_id));
  });
}

/** Moves into review/draft need `advisory:edit`; scheduling, unscheduling, publishing and withdrawing need `advisory:publish`. */
const PUBLISHER_MOVES = (from: AdvisoryState, to: AdvisoryState): boolean => !(EDITABLE_STATES.includes(to) && from !== 'scheduled');

export async function moveAdvisory(
  ctx: ServiceContext,
  project: ProjectRecord,
  publicId: string,
  actor: Actor | null,
  actorLabel: string,
  change: { to: AdvisoryState; summary?: string | null },
): Promise<AdvisoryView> {
  authorize(actor, 'advisory:edit');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await requireAdvisory(tx, project, publicId, true);
    const current = documentOf(ctx, row);
    if (PUBLISHER_MOVES(current.state, change.to)) authorize(actor, 'advisory:publish');
    if (change.to === 'amended') throw DomainError.validation([{ field: 'to', message: 'amend by editing the published advisory (PUT with a note)' }]);
    if (change.to === 'published' && current.state === 'in-review' && current.embargo_until && Date.parse(current.embargo_until) > now.getTime()) {
      throw new DomainError('conflict', `The advisory is under embargo until ${current.embargo_until}: schedule it instead`, { embargo_until: current.embargo_until });
    }
    const next = transitionAdvisory(current, { to: change.to, at: utcSeconds(now), ...(change.summary ? { summary: change.summary } : {}) });
    if (current.state === 'draft' || change.to === 'scheduled' || change.to === 'published') {
      const problems = advisoryProblems(next, project.policy);
      if (problems.length) throw DomainError.validation(problems, `The advisory is not ready to move to ${change.to}`);
    }
    if (change.to === 'scheduled' && Date.parse(next.embargo_until ?? '') <= now.getTime()) {
      throw DomainError.validation([{ field: 'embargo_until', message: 'must be in the future to schedule (publish it instead)' }]);
    }
    await saveTransition(ctx, tx, project, { row, from: current, next, actorLabel, at: now, note: change.summary ?? null });
    await noteFixAvailable(tx, row.report_id, next, actorLabel, now);
    const saved = await requireAdvisory(tx, project, publicId);
    return viewOf(ctx, project, saved, await trackingIdOf(tx, row.report_id));
  });
}

/** One state change of an advisory, as `saveTransition` persists it. */
export interface AdvisoryTransition {
  row: Pick<AdvisoryRow, 'id' | 'public_id' | 'report_id' | 'revision'>;
  /** The document before the change. */
  from: Advisory;
  /** The document after the change (`transitionAdvisory(from, …)`). */
  next: Advisory;
  actorLabel: string;
  at: Date;
  /** The revision note (a transition's summary), if any. */
  note: string | null;
  /**
   * The instant a scheduled publication is dated at (its schedule, when the job ran within its grace): the
   * report's disclosure is recorded then. Defaults to `at`; the revision and audit entry always say `at`.
   */
  datedAt?: Date;
}

/** Persists one state change with its revision, audit entry and effects on the report (shared with the publish job). */
export async function saveTransition(ctx: ServiceContext, tx: Tx, project: ProjectRecord, transition: AdvisoryTransition): Promise<void> {
  const { row, from, next, actorLabel, at: now, note } = transition;
  const number = row.revision + 1;
  await tx.updateTable('advisories').set({ ...documentColumns(ctx, row.id, next), revision: number }).where('id', '=', row.id).execute();
  await addRevision(ctx, tx, { rowId: row.id, number, document: next, summary: `${from.state} → ${next.state}`, note, actor: actorLabel, at: now });
  await appendAudit(
    tx,
    {
      actor: actorLabel,
      action: next.state === 'published' ? 'advisory.publish' : next.state === 'withdrawn' ? 'advisory.withdraw' : 'advisory.transition',
      projectId: project.id,
      reportId: row.report_id,
      data: { advisory: row.public_id, from: from.state, to: next.state, revision: number, ...(next.state === 'scheduled' ? { publish_at: next.embargo_until } : {}) },
    },
    now,
  );
  if (next.state === 'scheduled' && row.report_id && next.embargo_until) {
    await syncReportEmbargo(ctx, tx, project, { reportId: row.report_id, until: next.embargo_until, actorLabel, at: now });
  }
  // Publication and withdrawal publish or reject the CVE record through CVE Services (issue 20), queued here.
  await queueCvePublication(tx, { projectId: project.id, advisoryRowId: row.id, advisory: next, actorLabel, at: now });
  await noteFixAvailable(tx, row.report_id, next, actorLabel, transition.datedAt ?? now);
  if (next.state === 'published') await afterPublication(ctx, tx, project, { row, advisory: next, actorLabel, at: now, datedAt: transition.datedAt ?? now });
}

