import { duplicateThreshold } from '../../core/triage/threshold.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/record.ts';
import { candidateAad } from './signing.ts';

export interface DuplicateCandidate {
  trackingId: string;
  score: number;
  /** In words: "same CVE id CVE-2024-1234", "same function name `parse_header`", "72% of the distinctive wording shared". */
  reasons: string[];
}

/**
 * The earlier reports of the project a report resembles, best first, those at or above the project's
 * `triage.duplicate_threshold` only (the stored floor is lower, so a changed threshold applies at once). Reports of
 * other projects are never compared, and the join on the project keeps it so here too.
 */
export async function duplicateCandidatesOf(ctx: Pick<ServiceContext, 'sealer'> & { db: DbOrTx }, project: ProjectRecord, reportId: string): Promise<DuplicateCandidate[]> {
  const rows = await ctx.db
    .selectFrom('report_duplicate_candidates as c')
    .innerJoin('reports as r', 'r.id', 'c.candidate_id')
    .select(['c.candidate_id', 'c.score', 'c.reasons_sealed', 'c.key_id', 'r.tracking_id'])
    .where('c.report_id', '=', reportId)
    .where('r.project_id', '=', project.id)
    .where('c.score', '>=', duplicateThreshold(project.policy))
    .orderBy('c.score', 'desc')
    .orderBy('r.tracking_id')
    .execute();
  return rows.map((r) => ({
    trackingId: r.tracking_id,
    score: Math.round(r.score * 1000) / 1000,
    reasons: openJson<string[]>(ctx.sealer, r.key_id, r.reasons_sealed, candidateAad(reportId, r.candidate_id)),
  }));
}
