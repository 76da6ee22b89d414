/** Report lookups and helpers shared by the report services. */
import { DomainError } from '../../core/errors.ts';
import { hashToken } from '../../adapters/crypto/tokens.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { getProject, type ProjectRecord } from '../projects/projects.ts';
import { assessCvss, type CvssAssessment } from '../../core/reports/severity-from-cvss.ts';
import { DEFAULT_TRIAGE } from '../../core/policy/parse-triage.ts';

export const severitySource = (project: ProjectRecord) => (project.policy.triage ?? DEFAULT_TRIAGE).severity_source;

/** Stored vectors were validated on the way in; they are re-scored on read so a scorer fix shows at once. */
export const assessStored = (project: ProjectRecord, row: { cvss_v3_vector: string | null; cvss_v4_vector: string | null }): CvssAssessment =>
  assessCvss({ v3: row.cvss_v3_vector, v4: row.cvss_v4_vector }, severitySource(project));

export const aad = (reportId: string, part: string) => `report:${reportId}:${part}`;

export type ReportRow = Awaited<ReturnType<typeof selectReport>>;

export async function selectReport(db: DbOrTx, projectId: string, trackingId: string) {
  return db.selectFrom('reports').selectAll().where('project_id', '=', projectId).where('tracking_id', '=', trackingId).executeTakeFirst();
}

export async function requireReport(ctx: ServiceContext, project: ProjectRecord, trackingId: string) {
  const row = await selectReport(ctx.db, project.id, trackingId);
  if (!row) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
  return row;
}

export async function reportForToken(ctx: ServiceContext, token: string) {
  const row = await ctx.db.selectFrom('reports').selectAll().where('reporter_token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) throw new DomainError('not_found', 'This reporter link is not valid');
  const project = await ctx.db.selectFrom('projects').select('slug').where('id', '=', row.project_id).executeTakeFirstOrThrow();
  return { row, project: await getProject(ctx.db, project.slug) };
}
