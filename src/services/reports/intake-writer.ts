import type { Insertable } from 'kysely';
import { formatTrackingId } from '../../core/reports/tracking-id.ts';
import type { AttachmentsTable, ReportsTable } from '../../adapters/db/schema.ts';
import { appendAuditBatch, type AuditRecord } from '../audit/audit-log.ts';
import type { Db, Tx } from '../../adapters/db/database.ts';
import { indexOfNewReport, insertDeadlines, slaPoliciesForIntake, type IndexedReport } from './queue-index.ts';

/** A validated, sealed submission waiting for its tracking ID and its commit. */
export interface PreparedReport {
  projectId: string;
  trackingPrefix: string;
  report: Omit<Insertable<ReportsTable>, 'tracking_id'> & { id: string };
  attachments: Insertable<AttachmentsTable>[];
  audit: Omit<AuditRecord, 'data'> & { data: Record<string, unknown> };
  /** Further writes that must commit with the report (e.g. the row deduplicating a scan finding's report). */
  afterInsert?: (tx: Tx, trackingId: string) => Promise<void>;
  /** Who the `submitted` event names: the reporter unless a maintainer filed the report. */
  eventActor?: string;
}

interface Pending {
  item: PreparedReport;
  resolve: (trackingId: string) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 64;

/**
 * Group commit for intake. Submissions that arrive while a commit is running wait and are written together in
 * the next transaction: one sequence upsert per project, one insert per table, one audit-head lock. Every caller
 * is answered only after the transaction holding its report has committed, so a 201 still means durable.
 * A failed batch is retried one report at a time, so one bad report never fails the others.
 */
export class IntakeWriter {
  private queue: Pending[] = [];
  private flushing = false;
  /** Committed transactions and the reports they held: how much grouping actually happens. */
  readonly stats = { commits: 0, reports: 0 };

  constructor(private readonly ctx: { db: Db; now: () => Date }) {}

  write(item: PreparedReport): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // PGlite runs queries on the event loop thread: without a turn of the loop first, requests already in
        // flight could never join this commit. One setImmediate costs microseconds.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const ids = await this.commit(batch.map((p) => p.item));
          batch.forEach((p, i) => p.resolve(ids[i] as string));
        } catch (batchError) {
          if (batch.length === 1) {
            batch[0]?.reject(batchError);
            continue;
          }
          for (const p of batch) {
            try {
              p.resolve((await this.commit([p.item]))[0] as string);
            } catch (e) {
              p.reject(e);
            }
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private commit(items: PreparedReport[]): Promise<string[]> {
    const now = this.ctx.now();
    const year = now.getUTCFullYear();
    return this.ctx.db.transaction().execute(async (tx) => {
      // The queue index of each new report, from the policy as committed (see queue-index.ts).
      const policies = await slaPoliciesForIntake(tx, [...new Set(items.map((it) => it.projectId))]);
      const indexed: IndexedReport[] = [];
      for (const it of items) {
        const policy = policies.get(it.projectId);
        // No policy: no such project, and the insert below fails on its foreign key.
        if (!policy) continue;
        const report = { state: it.report.state, severity: it.report.severity ?? null, createdAt: new Date(it.report.created_at ?? now) };
        indexed.push({ id: it.report.id, projectId: it.projectId, index: indexOfNewReport(report, policy, now) });
      }
      const indexOf = new Map(indexed.map((r) => [r.id, r.index]));
      const trackingIds = await assignTrackingIds(tx, items, year);
      await tx
        .insertInto('reports')
        .values(
          items.map((it, i) => {
            const index = indexOf.get(it.report.id);
            const queue = index ? { next_due_at: index.nextDueAt, next_due_clock: index.nextClock, queue_rank: index.rank, queue_key: index.key, queue_indexed_at: now } : {};
            return { ...it.report, ...queue, tracking_id: trackingIds[i] as string };
          }),
        )
        .execute();
      await insertDeadlines(tx, indexed);
      const files = items.flatMap((it) => it.attachments);
      if (files.length) await tx.insertInto('attachments').values(files).execute();
      for (const [i, it] of items.entries()) if (it.afterInsert) await it.afterInsert(tx, trackingIds[i] as string);
      await tx
        .insertInto('report_events')
        .values(items.map((it) => ({ report_id: it.report.id, kind: 'submitted', at: it.report.created_at ?? now, data: '{}', actor: it.eventActor ?? 'reporter' })))
        .execute();
      await appendAuditBatch(
        tx,
        items.map((it, i) => ({ ...it.audit, data: { ...it.audit.data, tracking_id: trackingIds[i] } })),
        now,
      );
      return trackingIds;
    }).then((ids) => {
      this.stats.commits += 1;
      this.stats.reports += ids.length;
      return ids;
    });
  }
}

/** Advances each project's yearly sequence once for the whole batch and hands out the numbers in order. */
async function assignTrackingIds(tx: Tx, items: PreparedReport[], year: number): Promise<string[]> {
  const perProject = new Map<string, number>();
  for (const it of items) perProject.set(it.projectId, (perProject.get(it.projectId) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const [projectId, count] of perProject) {
    const row = await tx
      .insertInto('report_sequences')
      .values({ project_id: projectId, year, last_value: count })
      .onConflict((oc) => oc.columns(['project_id', 'year']).doUpdateSet((eb) => ({ last_value: eb('report_sequences.last_value', '+', count) })))
      .returning('last_value')
      .executeTakeFirstOrThrow();
    next.set(projectId, Number(row.last_value) - count + 1);
  }
  return items.map((it) => {
    const n = next.get(it.projectId) as number;
    next.set(it.projectId, n + 1);
    return formatTrackingId(it.trackingPrefix, year, n);
  });
}
