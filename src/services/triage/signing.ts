import { sql } from 'kysely';
import type { ReportBody } from '../../core/reports/submission.ts';
import { compare, reasonsFor, termWeight, type Corpus } from '../../core/triage/similarity.ts';
import { isFlawClass, signText, type SignedTerms } from '../../core/triage/signature.ts';
import { STORED_CANDIDATE_FLOOR } from '../../core/triage/threshold.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { aad } from '../reports/store.ts';
import { findKnownAdvisories, storeKnownAdvisories } from './known-advisories.ts';

/** Reports signed per job tick (one transaction). */
export const SIGN_BATCH = 20;
/** Rarest terms of the new report looked up in the index; a term in more than RETRIEVAL_DF_SHARE of reports is not. */
const RETRIEVAL_TERMS = 32;
const RETRIEVAL_DF_SHARE = 0.01;
const RETRIEVAL_DF_MIN = 25;
/** Earlier reports scored exactly (those sharing the most rare terms), and kept at most. */
const CANDIDATES_SCORED = 30;
const CANDIDATES_KEPT = 10;

/** The text a report is compared by: title and the free-text fields, never the reporter's name or address. */
export const comparableText = (title: string, body: ReportBody): string =>
  [title, body.description, body.steps_to_reproduce, body.impact, body.environment, body.proof_of_concept, body.suggested_fix].filter(Boolean).join('\n');

export const candidateAad = (reportId: string, candidateId: string) => aad(reportId, `duplicate-candidate:${candidateId}`);

const toInt4 = (h: number) => h | 0;
const toUint = (h: number) => h >>> 0;

interface PendingRow {
  id: string;
  project_id: string;
  tracking_id: string;
  key_id: string;
  title_sealed: Uint8Array;
  body_sealed: Uint8Array;
}

/**
 * The triage job's tick: claims up to `batch` reports not yet signed (FOR UPDATE SKIP LOCKED, so instances never
 * sign one twice), and for each, in one transaction: its signature, postings and document frequencies, the
 * earlier reports of its project it resembles (scored, reasons sealed), and an audit entry when it has any.
 * Runs after intake commits: intake's group commit does no more work than before.
 */
export async function signPendingReports(ctx: ServiceContext, batch = SIGN_BATCH): Promise<number> {
  const reindexed = await reindexRotatedProject(ctx);
  const signed = await ctx.db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('reports')
      .select(['id', 'project_id', 'tracking_id', 'key_id', 'title_sealed', 'body_sealed'])
      .where('triage_pending', '=', true)
      .orderBy('created_at')
      .orderBy('id')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) await signReport(ctx, tx, row);
    return rows.length;
  });
  return signed + reindexed;
}

/**
 * After the active encryption key changes, a project's index (made with a key derived from the old one) cannot be
 * compared with new signatures: one project per tick is emptied and its reports queued again, so the job signs
 * them afresh, oldest first, under the new key. Returns how many reports were queued.
 */
async function reindexRotatedProject(ctx: ServiceContext): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const stale = await tx.selectFrom('triage_corpus').select('project_id').where('key_id', '<>', ctx.triageIndex.keyId).limit(1).forUpdate().skipLocked().executeTakeFirst();
    if (!stale) return 0;
    const p = stale.project_id;
    const ofProject = sql<string>`(select id from reports where project_id = ${p})`;
    await tx.deleteFrom('report_duplicate_candidates').where('report_id', 'in', ofProject).execute();
    await tx.deleteFrom('report_known_advisories').where('report_id', 'in', ofProject).execute();
    await tx.deleteFrom('report_reporters').where('project_id', '=', p).execute();
    await tx.deleteFrom('report_terms').where('project_id', '=', p).execute();
    await tx.deleteFrom('report_term_df').where('project_id', '=', p).execute();
    await tx.deleteFrom('report_signatures').where('project_id', '=', p).execute();
    await tx.updateTable('triage_corpus').set({ reports: 0, key_id: ctx.triageIndex.keyId }).where('project_id', '=', p).execute();
    const queued = await tx.updateTable('reports').set({ triage_pending: true }).where('project_id', '=', p).where('triage_pending', '=', false).executeTakeFirst();
    await appendAudit(tx, { actor: 'system', action: 'triage.reindexed', projectId: p, data: { reason: 'encryption key rotated', key_id: ctx.triageIndex.keyId, reports: Number(queued.numUpdatedRows) } }, ctx.now());
    return Number(queued.numUpdatedRows);
  });
}

async function lockCorpus(tx: Tx, projectId: string, keyId: string): Promise<number> {
  await tx.insertInto('triage_corpus').values({ project_id: projectId, key_id: keyId }).onConflict((oc) => oc.column('project_id').doNothing()).execute();
  // The lock orders the signing of one project's reports across instances: each sees every report signed before it.
  const row = await tx.selectFrom('triage_corpus').select('reports').where('project_id', '=', projectId).forUpdate().executeTakeFirstOrThrow();
  return row.reports;
}

async function documentFrequencies(tx: Tx, projectId: string, hashes: Iterable<number>, into: Map<number, number>): Promise<void> {
  const wanted = [...new Set([...hashes].filter((h) => !into.has(h)))];
  if (!wanted.length) return;
  const rows = await tx
    .selectFrom('report_term_df')
    .select(['term', 'n'])
    .where('project_id', '=', projectId)
    .where('term', '=', sql<number>`any(${wanted.map(toInt4)}::int4[])`)
    .execute();
  for (const h of wanted) into.set(h, 0);
  for (const r of rows) into.set(toUint(r.term), r.n);
}

export interface FoundCandidate {
  id: string;
  trackingId: string;
  score: number;
  reasons: string[];
}

/**
 * The comparison itself (reads only): the earlier reports of the project sharing the most of this report's rarest
 * terms (an index range per term), each scored against it with the project's document frequencies. Exported for
 * the bench, which times it apart from the writes.
 */
export async function findCandidates(ctx: Pick<ServiceContext, 'triageIndex'>, tx: Tx, projectId: string, signed: SignedTerms, reports: number): Promise<FoundCandidate[]> {
  const { signature, termOf } = signed;
  const df = new Map<number, number>();
  await documentFrequencies(tx, projectId, signature.hashes, df);
  const corpus: Corpus = { reports, df: (h) => df.get(h) ?? 0 };
  const cap = Math.max(RETRIEVAL_DF_MIN, Math.ceil(reports * RETRIEVAL_DF_SHARE));
  const probe = [...signature.hashes]
    .filter((h) => !isFlawClass(h) && (df.get(h) ?? 0) > 0 && (df.get(h) ?? 0) <= cap)
    .sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0))
    .slice(0, RETRIEVAL_TERMS);
  if (!probe.length) return [];
  const hits = await tx
    .selectFrom('report_terms')
    .select(['report_id', (eb) => eb.fn.countAll<number>().as('hits')])
    .where('project_id', '=', projectId)
    .where('term', '=', sql<number>`any(${probe.map(toInt4)}::int4[])`)
    .groupBy('report_id')
    .orderBy('hits', 'desc')
    .orderBy('report_id')
    .limit(CANDIDATES_SCORED)
    .execute();
  if (!hits.length) return [];
  const sigs = await tx
    .selectFrom('report_signatures')
    .innerJoin('reports', 'reports.id', 'report_signatures.report_id')
    .select(['report_signatures.report_id', 'report_signatures.hashes', 'reports.tracking_id'])
    .where('report_signatures.report_id', '=', sql<string>`any(${hits.map((h) => h.report_id)}::uuid[])`)
    .where('report_signatures.project_id', '=', projectId)
    .where('report_signatures.key_id', '=', ctx.triageIndex.keyId)
    .execute();
  const theirs = sigs.map((s) => ({ ...s, sig: { hashes: Uint32Array.from(s.hashes.map(toUint)).sort() } }));
  await documentFrequencies(tx, projectId, theirs.flatMap((s) => [...s.sig.hashes]), df);
  const weights = new Map<number, number>();
  const weightOf = (h: number) => {
    let w = weights.get(h);
    if (w === undefined) weights.set(h, (w = termWeight(h, corpus)));
    return w;
  };
  const scored: FoundCandidate[] = [];
  for (const s of theirs) {
    const sim = compare(signature, s.sig, corpus, weightOf);
    if (sim.score >= STORED_CANDIDATE_FLOOR) scored.push({ id: s.report_id, trackingId: s.tracking_id, score: sim.score, reasons: reasonsFor(sim, termOf) });
  }
  scored.sort((a, b) => b.score - a.score || a.trackingId.localeCompare(b.trackingId));
  return scored.slice(0, CANDIDATES_KEPT);
}

/** Opens a report and signs its text. */
export function signReportText(ctx: Pick<ServiceContext, 'sealer' | 'triageIndex'>, row: Pick<PendingRow, 'id' | 'key_id' | 'title_sealed' | 'body_sealed'>): { signed: SignedTerms; text: string; body: ReportBody } {
  const title = ctx.sealer.open(row.key_id, row.title_sealed, aad(row.id, 'title')).toString('utf8');
  const body = openJson<ReportBody>(ctx.sealer, row.key_id, row.body_sealed, aad(row.id, 'body'));
  const text = comparableText(title, body);
  return { signed: signText(text, ctx.triageIndex.hash), text, body };
}

/** The keyed hash a reporter's address is counted by (never stored in clear beside the report). */
export const reporterAddressHash = (ctx: Pick<ServiceContext, 'triageIndex'>, email: string): number => ctx.triageIndex.hash(`reporter:${email.trim().toLowerCase()}`) | 0;

async function signReport(ctx: ServiceContext, tx: Tx, row: PendingRow): Promise<void> {
  const { signed, text, body } = signReportText(ctx, row);
  if (body.reporter_email) {
    await tx.insertInto('report_reporters').values({ report_id: row.id, project_id: row.project_id, address_hash: reporterAddressHash(ctx, body.reporter_email) }).execute();
  }
  const { signature } = signed;
  const reports = await lockCorpus(tx, row.project_id, ctx.triageIndex.keyId);
  const scored = await findCandidates(ctx, tx, row.project_id, signed, reports);
  const known = await findKnownAdvisories(tx, signed, text, await corpusFor(tx, row.project_id, signature.hashes, reports), ctx.triageIndex.hash);
  await storeKnownAdvisories(ctx, tx, row.id, known);

  const ints = [...signature.hashes].map(toInt4);
  const posted = [...signature.hashes].filter((h) => !isFlawClass(h)).map(toInt4);
  await tx.insertInto('report_signatures').values({ report_id: row.id, project_id: row.project_id, key_id: ctx.triageIndex.keyId, hashes: `{${ints.join(',')}}` }).execute();
  if (posted.length) {
    await sql`insert into report_terms (project_id, term, report_id) select ${row.project_id}::uuid, t, ${row.id}::uuid from unnest(${posted}::int4[]) as t on conflict do nothing`.execute(tx);
  }
  if (ints.length) {
    await sql`insert into report_term_df (project_id, term, n) select ${row.project_id}::uuid, t, 1 from unnest(${ints}::int4[]) as t
      on conflict (project_id, term) do update set n = report_term_df.n + 1`.execute(tx);
  }
  await tx.updateTable('triage_corpus').set({ reports: reports + 1 }).where('project_id', '=', row.project_id).execute();
  await tx.updateTable('reports').set({ triage_pending: false }).where('id', '=', row.id).execute();
  if (scored.length) {
    await tx
    .insertInto('report_duplicate_candidates')
    .values(
      scored.map((c) => {
        const sealed = ctx.sealer.seal(JSON.stringify(c.reasons), candidateAad(row.id, c.id));
        return { report_id: row.id, candidate_id: c.id, score: c.score, reasons_sealed: sealed.sealed, key_id: sealed.keyId };
      }),
    )
    .execute();
  }
  if (!scored.length && !known.length) return;
  // Tracking ids and scores, and how many known advisories: the reasons and advisory ids tell what the report is
  // about, and stay sealed.
  await appendAudit(
    tx,
    {
      actor: 'system',
      action: 'report.triage-aids',
      projectId: row.project_id,
      reportId: row.id,
      data: { candidates: scored.map((c) => ({ tracking_id: c.trackingId, score: c.score })), known_advisories: known.length },
    },
    ctx.now(),
  );
}

/** The project's document frequencies of a report's terms (for scoring it against advisory texts). */
async function corpusFor(tx: Tx, projectId: string, hashes: Iterable<number>, reports: number): Promise<Corpus> {
  const df = new Map<number, number>();
  await documentFrequencies(tx, projectId, hashes, df);
  return { reports, df: (h) => df.get(h) ?? 0 };
}
