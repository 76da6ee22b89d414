import { authorize, type Actor } from '../../core/access/permissions.ts';
import type { Advisory } from '../../core/advisories/types.ts';
import { craDrafts, type CraDraft, type CraFacts } from '../../core/cra/drafts.ts';
import { DomainError } from '../../core/errors.ts';
import type { CraSettings } from '../../core/policy/types.ts';
import { craDeadlines, craStatusOf, CRA_STAGES, type CraStage, type CraStatus } from '../../core/sla/cra.ts';
import type { Deadline } from '../../core/sla/types.ts';
import { advisoryUrl } from '../advisories/disclosure.ts';
import { documentOf, isPublicState } from '../advisories/store.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { loadEvents, recordEvent } from '../reports/events.ts';
import { aad } from '../reports/store.ts';

/** CRA Article 14 reporting of one report (docs/cra.md): its status, clocks and the three drafts. */
export interface CraView {
  applies: boolean;
  status: CraStatus;
  deadlines: Deadline[];
  drafts: CraDraft[];
}

export interface ExploitationInput {
  activelyExploited: boolean;
  severeIncident: boolean;
  /** When the manufacturer became aware; required when either flag is set, not in the future. */
  awareAt: string | null;
}

const settingsOf = (project: ProjectRecord): CraSettings => project.policy.cra ?? { applies: false, member_states: [] };

function requireApplies(project: ProjectRecord): CraSettings {
  const settings = settingsOf(project);
  if (!settings.applies) throw new DomainError('conflict', `The policy of ${project.slug} does not declare CRA reporting (cra.applies: true)`);
  return settings;
}

async function lockedReport(tx: Tx, project: ProjectRecord, trackingId: string): Promise<{ id: string }> {
  const row = await tx.selectFrom('reports').select('id').where('project_id', '=', project.id).where('tracking_id', '=', trackingId).forUpdate().executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
  return row;
}

function checkedInstant(value: string, field: string, now: Date): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) throw DomainError.validation([{ field, message: 'must be an ISO-8601 date-time' }]);
  if (ms > now.getTime()) throw DomainError.validation([{ field, message: 'cannot be in the future' }]);
  return new Date(ms).toISOString();
}

/** Marks (or unmarks) a report actively exploited and/or a severe incident; the CRA clocks start from `awareAt`. */
export async function markExploitation(ctx: ServiceContext, project: ProjectRecord, trackingId: string, actor: Actor | null, actorLabel: string, input: ExploitationInput): Promise<CraView> {
  authorize(actor, 'report:triage');
  requireApplies(project);
  const now = ctx.now();
  const flagged = input.activelyExploited || input.severeIncident;
  if (flagged && !input.awareAt) throw DomainError.validation([{ field: 'aware_at', message: 'is required when the report is marked actively exploited or a severe incident' }]);
  const awareAt = flagged && input.awareAt ? checkedInstant(input.awareAt, 'aware_at', now) : null;
  await ctx.db.transaction().execute(async (tx) => {
    const row = await lockedReport(tx, project, trackingId);
    const event = { kind: 'exploitation' as const, at: now.toISOString(), actively_exploited: input.activelyExploited, severe_incident: input.severeIncident, aware_at: awareAt };
    await recordEvent(tx, row.id, event, actorLabel);
    await appendAudit(tx, { actor: actorLabel, action: 'report.exploitation', projectId: project.id, reportId: row.id, data: { actively_exploited: input.activelyExploited, severe_incident: input.severeIncident, aware_at: awareAt } }, now);
  });
  return craView(ctx, project, trackingId, actor);
}

/** Records that a stage was filed with the CSIRT / ENISA platform (outside Embargo), with the reference it got. */
export async function recordFiling(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  input: { stage: CraStage; filedAt: string; reference: string },
): Promise<CraView> {
  authorize(actor, 'report:triage');
  requireApplies(project);
  const now = ctx.now();
  const filedAt = checkedInstant(input.filedAt, 'filed_at', now);
  const reference = input.reference.trim();
  if (!reference) throw DomainError.validation([{ field: 'reference', message: 'is required' }]);
  await ctx.db.transaction().execute(async (tx) => {
    const row = await lockedReport(tx, project, trackingId);
    const status = craStatusOf((await loadEvents(tx, [row.id])).get(row.id) ?? [], now.getTime());
    if (status.awareAt === null) throw new DomainError('conflict', `${trackingId} is not marked actively exploited or a severe incident`);
    await recordEvent(tx, row.id, { kind: 'cra-filed', at: now.toISOString(), stage: input.stage, filed_at: filedAt, reference }, actorLabel);
    await appendAudit(tx, { actor: actorLabel, action: 'report.cra_filed', projectId: project.id, reportId: row.id, data: { stage: input.stage, filed_at: filedAt, reference } }, now);
  });
  return craView(ctx, project, trackingId, actor);
}

/** The report's CRA status, clocks and drafts (prefilled from the report and its advisory). */
export async function craView(ctx: ServiceContext, project: ProjectRecord, trackingId: string, actor: Actor | null): Promise<CraView> {
  authorize(actor, 'report:read');
  const now = ctx.now();
  const row = await ctx.db
    .selectFrom('reports')
    .select(['id', 'tracking_id', 'title_sealed', 'key_id', 'severity', 'cvss_v3_vector', 'cvss_v4_vector', 'affected_version'])
    .where('project_id', '=', project.id)
    .where('tracking_id', '=', trackingId)
    .executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
  const events = (await loadEvents(ctx.db, [row.id])).get(row.id) ?? [];
  const status = craStatusOf(events, now.getTime());
  const advisory = await linkedAdvisory(ctx, ctx.db, row.id);
  const facts: CraFacts = {
    trackingId: row.tracking_id,
    title: ctx.sealer.open(row.key_id, row.title_sealed, aad(row.id, 'title')).toString('utf8'),
    projectName: project.name,
    severity: row.severity,
    cvss: { v3: advisory?.doc.cvss.v3 ?? row.cvss_v3_vector, v4: advisory?.doc.cvss.v4 ?? row.cvss_v4_vector },
    cweIds: advisory?.doc.cwe_ids ?? [],
    affected: advisory
      ? advisory.doc.affected.flatMap((a) =>
          a.branches.filter((b) => b.status !== 'not-affected').map((b) => ({ product: a.package, affected: b.branch, fixed: b.status === 'fixed' ? (b.fixed ?? null) : null })),
        )
      : row.affected_version
        ? [{ product: project.name, affected: row.affected_version, fixed: null }]
        : [],
    cveId: advisory?.doc.cve_id ?? null,
    advisoryId: advisory?.publicId ?? null,
    advisorySummary: advisory?.doc.summary || null,
    advisoryUrl: advisory && isPublicState(advisory.state) ? advisoryUrl(ctx.publicUrl, project.slug, advisory.publicId) : null,
  };
  const settings = settingsOf(project);
  return { applies: settings.applies, status, deadlines: craDeadlines(events, now.getTime()), drafts: craDrafts(settings, status, facts) };
}

async function linkedAdvisory(ctx: ServiceContext, db: DbOrTx, reportId: string): Promise<{ publicId: string; state: string; doc: Advisory } | null> {
  const row = await db
    .selectFrom('advisories')
    .select(['id', 'public_id', 'state', 'document', 'document_sealed', 'key_id'])
    .where('report_id', '=', reportId)
    .where('state', '!=', 'withdrawn')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? { publicId: row.public_id, state: row.state, doc: documentOf(ctx, row) } : null;
}

export { CRA_STAGES };
