import { sql, type QueryCreator } from 'kysely';
import type { Database } from '../../adapters/db/schema.ts';
import { computeDeadlines, type SlaPolicy } from '../../core/sla/clock.ts';
import { queueIndexOf, type QueueIndex } from '../../core/sla/queue-index.ts';
import type { SlaEvent } from '../../core/sla/types.ts';
import type { DbOrTx, Tx } from '../../adapters/db/database.ts';
import { loadEvents } from './event-log.ts';
import { deadlinesOfReport, slaVersionsOf, type SlaVersions } from './promises.ts';

/**
 * The stored queue index (reports.queue_rank/queue_key/next_due_*, report_deadlines; migration 0011): a derived
 * index of `computeDeadlines`, never a source of truth. Deadlines shown anywhere are still computed from the
 * events; the index only decides which reports a page holds and in what order. It is kept exact by being written
 * in the transaction of every change it depends on:
 * - an event (`recordEvent`: state, severity, replies, reporter messages, embargo) → `refreshQueueIndex`;
 * - a new report (the intake writer's batch) → `indexNewReports`;
 * - a policy whose SLA changed (`savePolicy`) → `rebuildQueueIndex` for the whole project.
 *
 * Concurrency (PostgreSQL): a refresh locks its report row before reading the policy, and a rebuild locks each
 * chunk of rows before reading their events, so whichever commits second recomputes from what the first wrote.
 * The intake writer reads the policy with FOR KEY SHARE, which waits for a policy save in progress.
 */

export interface IndexedReport {
  id: string;
  projectId: string;
  index: QueueIndex;
}

/** Reports rewritten per statement by a rebuild: bounded, whatever the project's size. */
const REBUILD_CHUNK = 500;

export type PolicyRow = { response: SlaPolicy['response']; disclosure: SlaPolicy['disclosure'] };
export const slaPolicyOf = (r: PolicyRow): SlaPolicy => ({ response: r.response, disclosure: r.disclosure });

/** Rewrites the queue index of these reports, computed as of `at`: one statement per table, a few array parameters each. */
export async function writeQueueIndex(db: DbOrTx, rows: readonly IndexedReport[], at: Date): Promise<void> {
  if (!rows.length) return;
  const ids = rows.map((r) => r.id);
  await sql`
    update reports as r
    set next_due_at = v.next_due_at, next_due_clock = v.next_due_clock, queue_rank = v.queue_rank, queue_key = v.queue_key, queue_indexed_at = ${at}::timestamptz
    from unnest(${ids}::uuid[], ${rows.map((r) => r.index.nextDueAt)}::timestamptz[], ${rows.map((r) => r.index.nextClock)}::text[],
                ${rows.map((r) => r.index.rank)}::smallint[], ${rows.map((r) => r.index.key)}::bigint[])
      as v(id, next_due_at, next_due_clock, queue_rank, queue_key)
    where r.id = v.id`.execute(db);
  await db.deleteFrom('report_deadlines').where('report_id', '=', sql<string>`any(${ids}::uuid[])`).execute();
  await insertDeadlines(db, rows);
}

/** The SLA view's rows of these reports (which have none yet). */
export async function insertDeadlines(db: DbOrTx, rows: readonly IndexedReport[]): Promise<void> {
  await deadlinesInsert(db, rows)?.execute();
}

/**
 * The insert of these reports' deadline rows (six array parameters, whatever the count), or null when none. A
 * query builder, so the intake writer can also run it as one of its statement's CTEs.
 */
export function deadlinesInsert(db: Pick<QueryCreator<Database>, 'insertInto'>, rows: readonly IndexedReport[]) {
  const all = rows.flatMap((r) => r.index.deadlines.map((d) => ({ ...d, reportId: r.id, projectId: r.projectId })));
  if (!all.length) return null;
  return db
    .insertInto('report_deadlines')
    .columns(['report_id', 'project_id', 'clock', 'rank', 'sort_key', 'due_at'])
    .expression(
      sql`select * from unnest(${all.map((d) => d.reportId)}::uuid[], ${all.map((d) => d.projectId)}::uuid[], ${all.map((d) => d.clock)}::text[],
                               ${all.map((d) => d.rank)}::smallint[], ${all.map((d) => d.key)}::bigint[], ${all.map((d) => d.dueAt)}::timestamptz[])`,
    );
}

/** Recomputes one report's index from its events, as of `at` (the moment of the event just written). */
export async function refreshQueueIndex(db: DbOrTx, reportId: string, at: Date): Promise<void> {
  const row = (
    await sql<PolicyRow & { project_id: string; state: string; severity: string | null; created_at: Date; policy_version: number }>`
      select r.project_id, r.state, r.severity, r.created_at, r.policy_version, p.policy->'response' as response, p.policy->'disclosure' as disclosure
      from reports r join projects p on p.id = r.project_id
      where r.id = ${reportId}
      for update of r`.execute(db)
  ).rows[0];
  if (!row) return;
  const events = await loadEvents(db, [reportId]);
  const versions = await slaVersionsOf(db, row.project_id);
  const deadlines = deadlinesOfReport(events.get(reportId) ?? [], versions, row.policy_version, slaPolicyOf(row), at);
  const index = queueIndexOf({ state: row.state, severity: row.severity, createdAt: row.created_at }, deadlines);
  await writeQueueIndex(db, [{ id: reportId, projectId: row.project_id, index }], at);
}

/**
 * Recomputes the index of every report of a project, in chunks of REBUILD_CHUNK (by tracking ID, which the rebuild
 * does not change), each chunk locked first. Returns how many reports it indexed.
 */
export async function rebuildQueueIndex(db: DbOrTx, projectId: string, versions: SlaVersions, policy: SlaPolicy, now: Date): Promise<number> {
  let after = '';
  let count = 0;
  for (;;) {
    const chunk = await db
      .selectFrom('reports')
      .select(['id', 'tracking_id', 'state', 'severity', 'created_at', 'policy_version'])
      .where('project_id', '=', projectId)
      .where('tracking_id', '>', after)
      .orderBy('tracking_id')
      .limit(REBUILD_CHUNK)
      .forUpdate()
      .execute();
    if (!chunk.length) return count;
    const events = await loadEvents(db, chunk.map((r) => r.id));
    await writeQueueIndex(
      db,
      chunk.map((r) => ({
        id: r.id,
        projectId,
        index: queueIndexOf({ state: r.state, severity: r.severity, createdAt: r.created_at }, deadlinesOfReport(events.get(r.id) ?? [], versions, r.policy_version, policy, now)),
      })),
      now,
    );
    count += chunk.length;
    after = chunk[chunk.length - 1]?.tracking_id as string;
  }
}

/** The index of a report that has only its first events (`submitted`, and the severity it came with). */
export function indexOfNewReport(report: { state: string; severity: string | null; createdAt: Date }, events: readonly SlaEvent[], policy: SlaPolicy, now: Date): QueueIndex {
  return queueIndexOf(report, computeDeadlines(events, policy, now));
}
