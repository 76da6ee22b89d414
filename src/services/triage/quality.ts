import { sql } from 'kysely';
import { codeMentions, qualitySignals, type CodeReferences, type QualitySignal, type ReporterHistory } from '../../core/triage/quality.ts';
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

/**
 * The reporter's earlier reports to this project carrying one of the same OpenPGP keys (attached or signing;
 * fingerprints are stored in clear beside each report, indexed by migration 0027). Within the project only.
 */
async function keyHistoryOf(db: DbOrTx, project: ProjectRecord, reportId: string, createdAt: Date, fingerprints: string[]): Promise<ReporterHistory | null> {
  if (!fingerprints.length) return null;
  const row = await db
    .selectFrom('reports as r')
    .select([
      (eb) => eb.fn.countAll<number>().as('earlier'),
      sql<number>`count(*) filter (where r.state in ('accepted', 'fixing', 'fixed', 'disclosed', 'closed'))`.as('accepted'),
      sql<number>`count(*) filter (where r.state = 'rejected')`.as('rejected'),
      sql<number>`count(*) filter (where r.state = 'rejected' and r.rejection_reason in ('duplicate', 'invalid'))`.as('dup_invalid'),
    ])
    .where('r.project_id', '=', project.id)
    .where('r.id', '!=', reportId)
    .where('r.created_at', '<', createdAt)
    .where((eb) => eb.or([eb('r.reporter_key_fingerprint', '=', eb.fn.any(eb.val(fingerprints))), eb('r.signer_fingerprint', '=', eb.fn.any(eb.val(fingerprints)))]))
    .executeTakeFirstOrThrow();
  return { earlier: Number(row.earlier), accepted: Number(row.accepted), rejected: Number(row.rejected), rejectedAsDuplicateOrInvalid: Number(row.dup_invalid) };
}

const FREE_TEXT = ['description', 'steps_to_reproduce', 'impact', 'environment', 'proof_of_concept', 'suggested_fix'] as const;

/**
 * Which of the files and functions the report names the project's code index holds (uploaded with
 * `PUT …/code-index` or `embargo code-index`; services/triage/code-index.ts). null when the project has no index.
 */
async function codeReferencesOf(db: DbOrTx, project: ProjectRecord, title: string, body: ReportBody): Promise<CodeReferences | null> {
  const has = await db.selectFrom('project_code_index').select('name').where('project_id', '=', project.id).limit(1).executeTakeFirst();
  if (!has) return null;
  const text = [title, ...FREE_TEXT.map((k) => body[k] ?? '')].join('\n');
  const { files, functions } = codeMentions(text);
  if (!files.length && !functions.length) return { found: [], unknown: [] };
  const known = async (kind: string, keys: string[]) =>
    keys.length
      ? new Set((await db.selectFrom('project_code_index').select('name').where('project_id', '=', project.id).where('kind', '=', kind).where('name', '=', (eb) => eb.fn.any(eb.val(keys))).execute()).map((r) => r.name))
      : new Set<string>();
  const knownFiles = await known('file', files.map((f) => f.key));
  const knownSymbols = await known('symbol', functions.map((f) => f.key));
  const found = [...files.filter((f) => knownFiles.has(f.key)), ...functions.filter((f) => knownSymbols.has(f.key))].map((f) => f.shown);
  // An unknown word that merely looks like code (`fooBar` in prose) is not held against the report: files only.
  const unknown = files.filter((f) => !knownFiles.has(f.key)).map((f) => f.shown);
  return { found, unknown };
}

export async function qualitySignalsOf(
  db: DbOrTx,
  project: ProjectRecord,
  report: { id: string; createdAt: Date; title: string; body: ReportBody; attachments: number; classification: StoredClassification; fingerprints: (string | null)[] },
): Promise<QualitySignal[]> {
  const fingerprints = [...new Set(report.fingerprints.filter((f): f is string => !!f))];
  const [history, keyHistory, codeReferences] = [
    await historyOf(db, project, report.id, report.createdAt),
    await keyHistoryOf(db, project, report.id, report.createdAt, fingerprints),
    await codeReferencesOf(db, project, report.title, report.body),
  ];
  return qualitySignals({ body: report.body, attachments: report.attachments, classification: report.classification, history, keyHistory, codeReferences }, project.policy);
}
