import { sql } from 'kysely';
import { DomainError } from '../../core/errors.ts';
import { MAX_QUERY_TERMS, termsOf, textOf } from '../../core/search/terms.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { aad } from './store.ts';

/**
 * The queue's search index (migration 0021): for every report, the keyed hashes of the words of its title, body
 * and thread messages (internal notes included: only maintainers search). Filled after each commit by the
 * `search-index` job, never by the writers: a tick claims unindexed reports and messages with FOR UPDATE SKIP
 * LOCKED (several instances never index the same row twice, nor wait for each other), opens them, and writes
 * their terms and the claim's mark in one transaction. A report is found by a word once the tick after its commit
 * has run: within the job's interval (SEARCH_INDEX_INTERVAL_MS) when the server is idle.
 */

/** Rows indexed per transaction: a tick's statements and its locks stay bounded. */
export const SEARCH_BATCH = 200;
export const SEARCH_INDEX_INTERVAL_MS = 2000;

/** (report, term hash) pairs, flat: two array parameters whatever the batch holds. */
type TermRows = { report: string[]; term: string[] };

function addTerms(ctx: ServiceContext, rows: TermRows, reportId: string, text: string): void {
  for (const t of termsOf(text)) {
    rows.report.push(reportId);
    rows.term.push(ctx.blindIndex.hash(t));
  }
}

/** Adds terms to their reports' sets (a report's row may come from its body or from a message, in either order). */
async function insertTerms(tx: Tx, rows: TermRows): Promise<void> {
  if (!rows.term.length) return;
  await sql`
    insert into report_search (report_id, terms)
    select v.report, array_agg(distinct v.term order by v.term) from unnest(${rows.report}::uuid[], ${rows.term}::bigint[]) as v(report, term) group by v.report
    on conflict (report_id) do update set terms = (select array_agg(distinct t order by t) from unnest(report_search.terms || excluded.terms) as t)`.execute(tx);
}

async function indexReports(ctx: ServiceContext, limit: number): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const claimed = await sql<{ id: string; key_id: string; title_sealed: Uint8Array; body_sealed: Uint8Array }>`
      select id, key_id, title_sealed, body_sealed from reports
      where search_indexed_at is null order by created_at, id limit ${limit} for update skip locked`.execute(tx);
    if (!claimed.rows.length) return 0;
    const terms: TermRows = { report: [], term: [] };
    for (const r of claimed.rows) {
      const title = ctx.sealer.open(r.key_id, r.title_sealed, aad(r.id, 'title')).toString('utf8');
      const body = ctx.sealer.open(r.key_id, r.body_sealed, aad(r.id, 'body')).toString('utf8');
      addTerms(ctx, terms, r.id, `${title}\n${textOf(JSON.parse(body))}`);
    }
    await insertTerms(tx, terms);
    await sql`update reports set search_indexed_at = ${ctx.now()} where id = any(${claimed.rows.map((r) => r.id)}::uuid[])`.execute(tx);
    return claimed.rows.length;
  });
}

async function indexMessages(ctx: ServiceContext, limit: number): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const claimed = await sql<{ id: string; report_id: string; key_id: string; body_sealed: Uint8Array }>`
      select id, report_id, key_id, body_sealed from messages
      where search_indexed_at is null order by created_at, id limit ${limit} for update skip locked`.execute(tx);
    if (!claimed.rows.length) return 0;
    const terms: TermRows = { report: [], term: [] };
    for (const m of claimed.rows) addTerms(ctx, terms, m.report_id, ctx.sealer.open(m.key_id, m.body_sealed, aad(m.report_id, `message:${m.id}`)).toString('utf8'));
    await insertTerms(tx, terms);
    await sql`update messages set search_indexed_at = ${ctx.now()} where id = any(${claimed.rows.map((m) => m.id)}::uuid[])`.execute(tx);
    return claimed.rows.length;
  });
}

/** One tick of the search-index job: up to `limit` reports and `limit` messages; how many it indexed. */
export async function indexPendingSearch(ctx: ServiceContext, limit = SEARCH_BATCH): Promise<number> {
  return (await indexReports(ctx, limit)) + (await indexMessages(ctx, limit));
}

/** The query's words as the hashes they may be stored as (one array per word), or null for an empty query. */
export function searchHashes(ctx: Pick<ServiceContext, 'blindIndex'>, q: string | undefined): string[][] | null {
  if (q === undefined) return null;
  const terms = termsOf(q);
  if (terms.length > MAX_QUERY_TERMS) throw DomainError.validation([{ field: 'q', message: `must have at most ${MAX_QUERY_TERMS} words` }]);
  if (!terms.length) throw DomainError.validation([{ field: 'q', message: 'needs a word of at least 2 letters or digits' }]);
  return terms.map((t) => ctx.blindIndex.candidates(t));
}

/**
 * The reports holding every word (one array of candidate hashes per word), as a subquery: the GIN index answers
 * each `&&`, or, for a word most reports hold, the planner walks the queue order and checks each report's set.
 */
export function searchMatches(words: readonly string[][]) {
  return sql`select report_id from report_search where ${sql.join(words.map((hashes) => sql`terms && ${hashes}::bigint[]`), sql` and `)}`;
}
