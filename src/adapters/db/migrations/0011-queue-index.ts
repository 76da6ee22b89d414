import { sql, type Kysely } from 'kysely';
import { computeDeadlines, type SlaPolicy } from '../../../core/sla/clock.ts';
import { queueIndexOf, RANK_LAST, type QueueIndex } from '../../../core/sla/queue-index.ts';
import type { SlaEvent } from '../../../core/sla/types.ts';

/**
 * The queue and the SLA view at scale (issue 14): lists are sorted, filtered and paged in SQL instead of loading
 * every report of a project.
 *
 * - `reports.queue_rank`, `reports.queue_key` (with `next_due_at` and `next_due_clock`, the deadline they stand
 *   for, and `queue_indexed_at`, the moment they were computed for): the report's place in the queue order,
 *   derived from its events by `core/sla/queue-index.ts`.
 * - `report_deadlines`: one row per outstanding deadline of an open report, in the SLA view's order.
 * - Indexes for both orders, for a report's audit trail and the project's, and for a report's attachments.
 * - `audit_checkpoint`: the last audit entry a verification found intact, so the next one starts after it.
 *
 * Existing rows are indexed here, a project at a time in chunks (no statement's size grows with the project).
 * Deliberately self-contained (raw SQL on this migration's schema; only the pure core is shared).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('reports')
    .addColumn('next_due_at', 'timestamptz')
    .addColumn('next_due_clock', 'text')
    .addColumn('queue_rank', 'smallint', (c) => c.notNull().defaultTo(RANK_LAST))
    .addColumn('queue_key', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('queue_indexed_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('report_deadlines')
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('project_id', 'uuid', (c) => c.notNull())
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('rank', 'smallint', (c) => c.notNull())
    .addColumn('sort_key', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_deadlines_pk', ['report_id', 'clock'])
    .execute();

  await db.schema
    .createTable('audit_checkpoint')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'timestamptz')
    .execute();
  await sql`insert into audit_checkpoint (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);

  await backfillQueueIndex(db, new Date());

  // Built after the backfill: cheaper than maintaining them row by row.
  await db.schema.createIndex('reports_queue_idx').on('reports').columns(['project_id', 'queue_rank', 'queue_key', 'id']).execute();
  await db.schema.createIndex('reports_queue_state_idx').on('reports').columns(['project_id', 'state', 'queue_rank', 'queue_key', 'id']).execute();
  await db.schema.createIndex('reports_queue_severity_idx').on('reports').columns(['project_id', 'severity', 'queue_rank', 'queue_key', 'id']).execute();
  // (project_id, state) is a prefix of the index above.
  await db.schema.dropIndex('reports_project_state_idx').execute();
  await db.schema.createIndex('report_deadlines_sla_idx').on('report_deadlines').columns(['project_id', 'rank', 'sort_key', 'report_id', 'clock']).execute();
  await db.schema.createIndex('audit_log_report_idx').on('audit_log').columns(['report_id', 'seq']).execute();
  await db.schema.createIndex('audit_log_project_idx').on('audit_log').columns(['project_id', 'seq']).execute();
  await db.schema.createIndex('attachments_report_idx').on('attachments').columns(['report_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['attachments_report_idx', 'audit_log_project_idx', 'audit_log_report_idx', 'reports_queue_severity_idx', 'reports_queue_state_idx', 'reports_queue_idx']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.createIndex('reports_project_state_idx').on('reports').columns(['project_id', 'state']).execute();
  await db.schema.dropTable('audit_checkpoint').execute();
  await db.schema.dropTable('report_deadlines').execute();
  await db.schema.alterTable('reports').dropColumn('queue_indexed_at').dropColumn('queue_key').dropColumn('queue_rank').dropColumn('next_due_clock').dropColumn('next_due_at').execute();
}

const CHUNK = 1000;

/** Indexes every report of every project as of `now` (exported for its test). */
export async function backfillQueueIndex(db: Kysely<any>, now: Date): Promise<void> {
  const projects = await sql<{ id: string; response: SlaPolicy['response']; disclosure: SlaPolicy['disclosure'] }>`
    select id, policy->'response' as response, policy->'disclosure' as disclosure from projects order by id`.execute(db);
  for (const project of projects.rows) {
    const policy: SlaPolicy = { response: project.response, disclosure: project.disclosure };
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const reports = await sql<{ id: string; state: string; severity: string | null; created_at: Date }>`
        select id, state, severity, created_at from reports where project_id = ${project.id} and id > ${after}::uuid order by id limit ${CHUNK}`.execute(db);
      if (!reports.rows.length) break;
      const ids = reports.rows.map((r) => r.id);
      const events = await sql<{ report_id: string; kind: string; at: Date; data: Record<string, unknown> }>`
        select report_id, kind, at, data from report_events where report_id = any(${ids}::uuid[]) order by id`.execute(db);
      const byReport = new Map<string, SlaEvent[]>();
      for (const e of events.rows) {
        const list = byReport.get(e.report_id) ?? [];
        list.push({ ...e.data, kind: e.kind, at: new Date(e.at).toISOString() } as SlaEvent);
        byReport.set(e.report_id, list);
      }
      const indexes = reports.rows.map((r) => ({
        id: r.id,
        index: queueIndexOf({ state: r.state, severity: r.severity, createdAt: new Date(r.created_at) }, computeDeadlines(byReport.get(r.id) ?? [], policy, now)),
      }));
      await write(db, project.id, indexes, now);
      after = ids[ids.length - 1] as string;
    }
  }
}

async function write(db: Kysely<unknown>, projectId: string, rows: { id: string; index: QueueIndex }[], now: Date): Promise<void> {
  await sql`
    update reports as r
    set next_due_at = v.next_due_at, next_due_clock = v.next_due_clock, queue_rank = v.queue_rank, queue_key = v.queue_key, queue_indexed_at = ${now}::timestamptz
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.index.nextDueAt)}::timestamptz[], ${rows.map((r) => r.index.nextClock)}::text[],
                ${rows.map((r) => r.index.rank)}::smallint[], ${rows.map((r) => r.index.key)}::bigint[])
      as v(id, next_due_at, next_due_clock, queue_rank, queue_key)
    where r.id = v.id`.execute(db);
  const deadlines = rows.flatMap((r) => r.index.deadlines.map((d) => ({ id: r.id, ...d })));
  if (!deadlines.length) return;
  await sql`
    insert into report_deadlines (report_id, project_id, clock, rank, sort_key, due_at)
    select v.report_id, ${projectId}::uuid, v.clock, v.rank, v.sort_key, v.due_at
    from unnest(${deadlines.map((d) => d.id)}::uuid[], ${deadlines.map((d) => d.clock)}::text[], ${deadlines.map((d) => d.rank)}::smallint[],
                ${deadlines.map((d) => d.key)}::bigint[], ${deadlines.map((d) => d.dueAt)}::timestamptz[])
      as v(report_id, clock, rank, sort_key, due_at)`.execute(db);
}
