import { sql } from 'kysely';
import { qualitySignals, type QualitySignal, type ReporterHistory } from '../../core/triage/quality.ts';
import type { ReportBody, StoredClassification } from '../../core/reports/submission.ts';
import type { DbOrTx } from '../context.ts';
import type { ProjectRecord } from '../projects/record.ts';

/**
 * The reporter's earlier reports to this project (by the keyed hash of the address the triage job recorded):
 * never counted across projects, so nothing of a reporter's dealings with one project shows in another.
 */
async function historyOf(db: DbOrTx, project: ProjectRecord, reportId: string, createdAt: Date): Promise<ReporterHistory | null> {
  const mine = await db.selectFrom('report_reporters').select('address_hash').where('report_id', '=', reportId).executeTakeFirst();
  if (!mine) return null;
  const row = await db
    .selectFrom('report_reporters as x')
    .innerJoin('reports as r', 'r.id', 'x.report_id')
    .select([
      (eb) => eb.fn.countAll<number>().as('earlier'),
      sql<number>`count(*) filter (where r.state in ('accepted', 'fixing', 'fixed', 'disclosed', 'closed'))`.as('accepted'),
      sql<number>`count(*) filter (where r.state = 'rejected')`.as('rejected'),
      sql<number>`count(*) filter (where r.state = 'rejected' and r.rejection_reason in ('duplicate', 'invalid'))`.as('dup_invalid'),
    ])
    .where('x.project_id', '=', project.id)
    .where('x.address_hash', '=', mine.address_hash)
    .where('r.project_id', '=', project.id)
    .where('r.created_at', '<', createdAt)
    .executeTakeFirstOrThrow();
  return { earlier: Number(row.earlier), accepted: Number(row.accepted), rejected: Number(row.rejected), rejectedAsDuplicateOrInvalid: Number(row.dup_invalid) };
}

export async function qualitySignalsOf(
  db: DbOrTx,
  project: ProjectRecord,
  report: { id: string; createdAt: Date; body: ReportBody; attachments: number; classification: StoredClassification },
): Promise<QualitySignal[]> {
  const history = await historyOf(db, project, report.id, report.createdAt);
  return qualitySignals({ body: report.body, attachments: report.attachments, classification: report.classification, history }, project.policy);
}
