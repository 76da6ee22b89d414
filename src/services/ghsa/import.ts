import { openJson } from '../../adapters/crypto/sealer.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { ghsaRecordAad, readGhsaExport, reportStateOf, reportTextOf, type GhsaAdvisory } from '../../core/ghsa/advisory.ts';
import type { ReportBody } from '../../core/reports/submission.ts';
import { assessCvss } from '../../core/reports/severity-from-cvss.ts';
import type { Severity } from '../../core/severity.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { recordEvent } from '../reports/events.ts';
import { createInternalReport } from '../reports/intake.ts';
import { aad, severitySource } from '../reports/store.ts';

export type ImportVia = 'file' | 'api';

export interface GhsaImportItem {
  ghsaId: string;
  trackingId: string;
  outcome: 'created' | 'updated' | 'unchanged';
}

const recordAad = ghsaRecordAad;
const isUniqueViolation = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';

/** Severity and vectors as a report holds them: the policy's CVSS rule where the vectors score, else GitHub's severity. */
function assessed(project: ProjectRecord, a: GhsaAdvisory): { severity: Severity | null; v3: string | null; v4: string | null } {
  try {
    const cvss = assessCvss({ v3: a.cvss_v3, v4: a.cvss_v4 }, severitySource(project));
    return { severity: cvss.severity ?? a.severity, v3: cvss.v3?.vector ?? null, v4: cvss.v4?.vector ?? null };
  } catch {
    // A vector GitHub accepted but our scorer does not: keep GitHub's severity, drop the vectors.
    return { severity: a.severity, v3: null, v4: null };
  }
}

/**
 * Imports GitHub repository security advisories into the project's queue (docs/ghsa.md). Each advisory becomes a
 * report (source `ghsa`, no reporter: the clocks owed to a reporter do not run, as for scan findings), linked to its
 * GHSA id; importing it again updates that report (text, severity, CVSS, GitHub's state) and never adds another.
 * Every created or updated report is audited with its GHSA id.
 */
export async function importGhsaAdvisories(
  ctx: ServiceContext,
  project: ProjectRecord,
  actor: Actor | null,
  actorLabel: string,
  advisories: readonly GhsaAdvisory[],
  via: ImportVia,
): Promise<GhsaImportItem[]> {
  authorize(actor, 'report:triage');
  const items: GhsaImportItem[] = [];
  for (const a of advisories) items.push(await importOne(ctx, project, actorLabel, a, via));
  return items;
}

/** An export as received (a `gh api` file or the API's body): the caller's right is checked before it is read. */
export async function importGhsaExport(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, raw: unknown, via: ImportVia): Promise<GhsaImportItem[]> {
  authorize(actor, 'report:triage');
  return importGhsaAdvisories(ctx, project, actor, actorLabel, readGhsaExport(raw), via);
}

async function importOne(ctx: ServiceContext, project: ProjectRecord, actorLabel: string, a: GhsaAdvisory, via: ImportVia): Promise<GhsaImportItem> {
  const linked = await ctx.db.selectFrom('ghsa_imports').select('report_id').where('project_id', '=', project.id).where('ghsa_id', '=', a.ghsa_id).executeTakeFirst();
  if (linked) return updateImported(ctx, project, actorLabel, a, via);
  const text = reportTextOf(a);
  const cvss = assessed(project, a);
  try {
    const { trackingId } = await createInternalReport(ctx, project, {
      ...text,
      source: 'ghsa',
      severity: cvss.severity,
      actorLabel,
      auditData: { ghsa_id: a.ghsa_id, via, ghsa_state: a.state },
      afterInsert: async (tx, report) => {
        const now = ctx.now();
        const sealed = ctx.sealer.seal(JSON.stringify(a), recordAad(project.id, a.ghsa_id));
        await tx
          .insertInto('ghsa_imports')
          .values({ project_id: project.id, ghsa_id: a.ghsa_id, report_id: report.id, ghsa_state: a.state, ghsa_updated_at: a.updated_at, record_sealed: sealed.sealed, key_id: sealed.keyId, imported_at: now, updated_at: now })
          .execute();
        await tx.updateTable('reports').set({ cvss_v3_vector: cvss.v3, cvss_v4_vector: cvss.v4 }).where('id', '=', report.id).execute();
        await followGhsaState(tx, report.id, 'new', a, actorLabel, now);
      },
    });
    return { ghsaId: a.ghsa_id, trackingId, outcome: 'created' };
  } catch (e) {
    // Two imports of one advisory at once: the second finds the first's link and updates.
    if (!isUniqueViolation(e)) throw e;
    return updateImported(ctx, project, actorLabel, a, via);
  }
}

/** Moves the report to the state GitHub's stands for (an outside fact: no transition rule applies). */
async function followGhsaState(tx: Tx, reportId: string, from: string, a: GhsaAdvisory, actorLabel: string, now: Date): Promise<{ from: string; to: string } | null> {
  const { state, reason } = reportStateOf(a.state);
  if (state === from) return null;
  await tx.updateTable('reports').set({ state, rejection_reason: reason, updated_at: now }).where('id', '=', reportId).execute();
  await recordEvent(tx, reportId, { kind: 'state', at: now.toISOString(), to: state, ...(reason ? { reason } : {}) }, actorLabel);
  return { from, to: state };
}

async function updateImported(ctx: ServiceContext, project: ProjectRecord, actorLabel: string, a: GhsaAdvisory, via: ImportVia): Promise<GhsaImportItem> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const link = await tx.selectFrom('ghsa_imports').selectAll().where('project_id', '=', project.id).where('ghsa_id', '=', a.ghsa_id).forUpdate().executeTakeFirstOrThrow();
    const report = await tx
      .selectFrom('reports')
      .select(['id', 'tracking_id', 'state', 'severity', 'key_id', 'body_sealed', 'cvss_v3_vector', 'cvss_v4_vector'])
      .where('id', '=', link.report_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const before = openJson<GhsaAdvisory>(ctx.sealer, link.key_id, link.record_sealed, recordAad(project.id, a.ghsa_id));
    if (JSON.stringify(before) === JSON.stringify(a)) return { ghsaId: a.ghsa_id, trackingId: report.tracking_id, outcome: 'unchanged' as const };
    const changed = (Object.keys(a) as (keyof GhsaAdvisory)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(a[k]));
    const text = reportTextOf(a);
    const body = openJson<ReportBody>(ctx.sealer, report.key_id, report.body_sealed, aad(report.id, 'body'));
    const title = ctx.sealer.seal(text.title, aad(report.id, 'title'));
    const sealedBody = ctx.sealer.seal(JSON.stringify({ ...body, description: text.description }), aad(report.id, 'body'));
    const cvss = assessed(project, a);
    await tx
      .updateTable('reports')
      .set({ title_sealed: title.sealed, body_sealed: sealedBody.sealed, key_id: title.keyId, severity: cvss.severity, cvss_v3_vector: cvss.v3, cvss_v4_vector: cvss.v4, search_indexed_at: null, updated_at: now })
      .where('id', '=', report.id)
      .execute();
    if (cvss.severity !== report.severity) await recordEvent(tx, report.id, { kind: 'severity', at: now.toISOString(), severity: cvss.severity }, actorLabel);
    // GitHub's state leads only when it changed there since the last import; a move made here since then stands otherwise.
    const moved = a.state !== link.ghsa_state ? await followGhsaState(tx, report.id, report.state, a, actorLabel, now) : null;
    const sealed = ctx.sealer.seal(JSON.stringify(a), recordAad(project.id, a.ghsa_id));
    await tx
      .updateTable('ghsa_imports')
      .set({ ghsa_state: a.state, ghsa_updated_at: a.updated_at, record_sealed: sealed.sealed, key_id: sealed.keyId, updated_at: now })
      .where('project_id', '=', project.id)
      .where('ghsa_id', '=', a.ghsa_id)
      .execute();
    await appendAudit(tx, { actor: actorLabel, action: 'report.ghsa-updated', projectId: project.id, reportId: report.id, data: { ghsa_id: a.ghsa_id, via, fields: changed, state: moved } }, now);
    return { ghsaId: a.ghsa_id, trackingId: report.tracking_id, outcome: 'updated' as const };
  });
}

/** The GitHub advisory a report was imported from, if any (for the report page and the advisory editor). */
export async function ghsaOfReport(ctx: ServiceContext, project: ProjectRecord, reportId: string): Promise<GhsaAdvisory | null> {
  const link = await ctx.db.selectFrom('ghsa_imports').selectAll().where('project_id', '=', project.id).where('report_id', '=', reportId).executeTakeFirst();
  return link ? openJson<GhsaAdvisory>(ctx.sealer, link.key_id, link.record_sealed, recordAad(project.id, link.ghsa_id)) : null;
}
