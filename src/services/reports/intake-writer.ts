import { sql, type Insertable, type QueryCreator } from 'kysely';
import { formatTrackingId } from '../../core/reports/tracking-id.ts';
import type { AttachmentsTable, ReportsTable } from '../../adapters/db/schema.ts';
import { chainAuditRows, type AuditRecord } from '../audit/audit-log.ts';
import type { MailReplyAddressesTable, OutboxTable } from '../../adapters/db/schema-mail.ts';
import type { Db, Tx } from '../../adapters/db/database.ts';
import type { Database } from '../../adapters/db/schema.ts';
import { isSeverity } from '../../core/severity.ts';
import { projectEventRow } from '../events/raise.ts';
import type { SlaEvent } from '../../core/sla/types.ts';
import type { Severity } from '../../core/severity.ts';
import { deadlinesInsert, indexOfNewReport, slaPolicyOf, type IndexedReport, type PolicyRow } from './queue-index.ts';
import type { SlaPolicy } from '../../core/sla/clock.ts';

/** Mail rows a new report adds (its acknowledgement, see acknowledgementRows in mail/notify.ts). */
export interface IntakeMailRows {
  outbox: Array<Insertable<OutboxTable>>;
  replyAddresses: Array<Insertable<MailReplyAddressesTable>>;
}

/** A validated, sealed submission waiting for its tracking ID and its commit. */
export interface PreparedReport {
  projectId: string;
  trackingPrefix: string;
  /** Given when it was handed out before (a report held for review, released now): no new number is taken. */
  trackingId?: string;
  report: Omit<Insertable<ReportsTable>, 'tracking_id'> & { id: string };
  attachments: Insertable<AttachmentsTable>[];
  audit: Omit<AuditRecord, 'data'> & { data: Record<string, unknown> };
  /**
   * Mail rows that commit with the report (its acknowledgement), made once the tracking ID is known and inserted
   * for the whole batch at once.
   */
  mailRows?: (trackingId: string) => IntakeMailRows;
  /** Further writes that must commit with the report (e.g. the row deduplicating a scan finding's report). */
  afterInsert?: (tx: Tx, trackingId: string) => Promise<void>;
  /** Who the `submitted` event names: the reporter unless a maintainer filed the report. */
  eventActor?: string;
  /** Filed by the maintainers (no reporter): its `submitted` event says so, and no reporter clock runs. */
  internal?: boolean;
}

/**
 * The events a new report starts with, as the SLA clock reads them: `submitted`, and the severity it came with
 * (a scan finding's), so the queue index and every later replay agree.
 */
export function firstEventsOf(it: PreparedReport, now: Date): SlaEvent[] {
  const at = new Date(it.report.created_at ?? now).toISOString();
  const severity = (it.report.severity ?? null) as Severity | null;
  return [{ kind: 'submitted', at, ...(it.internal ? { internal: true } : {}) }, ...(severity ? [{ kind: 'severity' as const, at, severity }] : [])];
}

/** A statement being built from data-modifying CTEs, then the final update. */
interface CteChain {
  with(name: string, expression: (db: QueryCreator<Database>) => unknown): CteChain;
  updateTable: QueryCreator<Database>['updateTable'];
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

  /**
   * One transaction of two statements, whatever the batch holds (PGlite charges a fixed cost per statement, so
   * this is most of what intake costs): the first reads the projects' SLA policies (for the queue index), advances
   * every project's sequence and locks the audit head, the second inserts every row — reports with their
   * queue index, their deadlines, attachments, first events, project events (report.created), acknowledgement
   * mails and reply addresses, audit entries — and advances the head. Sibling data-modifying CTEs see one snapshot and run to completion,
   * and foreign keys are checked at the end of the statement, so children may sit beside their parents.
   */
  private commit(items: PreparedReport[]): Promise<string[]> {
    const now = this.ctx.now();
    const year = now.getUTCFullYear();
    return this.ctx.db.transaction().execute(async (tx) => {
      const { trackingIds, auditHead, policies } = await assignTrackingIds(tx, items, year);
      // The queue index of each new report, from the policy as committed (see queue-index.ts).
      const indexed: IndexedReport[] = [];
      for (const it of items) {
        const sla = policies.get(it.projectId);
        // Every project of the batch has its row (assignTrackingIds checks): no policy is no project.
        if (!sla) throw new Error(`intake: no policy for project ${it.projectId}`);
        // A report holds the promises in force when it was submitted (promises kept as made).
        it.report.policy_version = sla.version;
        const report = { state: it.report.state, severity: it.report.severity ?? null, createdAt: new Date(it.report.created_at ?? now) };
        indexed.push({ id: it.report.id, projectId: it.projectId, index: indexOfNewReport(report, firstEventsOf(it, now), sla.policy, now) });
      }
      const indexOf = new Map(indexed.map((r) => [r.id, r.index]));
      const reports = items.map((it, i) => {
        const index = indexOf.get(it.report.id);
        const queue = index ? { next_due_at: index.nextDueAt, next_due_clock: index.nextClock, queue_rank: index.rank, queue_key: index.key, queue_indexed_at: now } : {};
        return { ...it.report, ...queue, tracking_id: trackingIds[i] as string };
      });
      const files = items.flatMap((it) => it.attachments);
      const events = items.flatMap((it) =>
        firstEventsOf(it, now).map(({ kind, at, ...data }) => ({ report_id: it.report.id, kind, at: new Date(at), data: JSON.stringify(data), actor: it.eventActor ?? 'reporter' })),
      );
      // Each new report raises report.created (src/services/events/raise.ts), in the same statement as the rest.
      const raised = items.map((it, i) => {
        const severity = it.report.severity ?? null;
        const report = { id: it.report.id, tracking_id: trackingIds[i] as string, state: it.report.state, severity: isSeverity(severity) ? severity : null };
        return projectEventRow(it.projectId, { type: 'report.created', report, source: it.report.source }, new Date(it.report.created_at ?? now));
      });
      const mail = items.map((it, i) => it.mailRows?.(trackingIds[i] as string));
      const replyAddresses = mail.flatMap((m) => m?.replyAddresses ?? []);
      const outbox = mail.flatMap((m) => m?.outbox ?? []);
      const audit = chainAuditRows(
        auditHead,
        items.map((it, i) => ({ ...it.audit, data: { ...it.audit.data, tracking_id: trackingIds[i] } })),
        now,
      );
      // Each insert is typed against the schema; only the chain of CTE names is untyped (it varies per batch).
      let q = (tx as unknown as CteChain).with('r', (db) => db.insertInto('reports').values(reports));
      const also = (name: string, insert: (db: QueryCreator<Database>) => unknown) => void (q = q.with(name, insert));
      if (files.length) also('f', (db) => db.insertInto('attachments').values(files));
      if (indexed.some((r) => r.index.deadlines.length)) also('d', (db) => deadlinesInsert(db, indexed));
      also('e', (db) => db.insertInto('report_events').values(events));
      also('n', (db) => db.insertInto('project_events').values(raised));
      if (replyAddresses.length) also('m', (db) => db.insertInto('mail_reply_addresses').values(replyAddresses));
      if (outbox.length) also('o', (db) => db.insertInto('outbox').values(outbox));
      also('a', (db) => db.insertInto('audit_log').values(audit.rows));
      await q.updateTable('audit_head').set(audit.head).where('id', '=', 1).execute();
      for (const [i, it] of items.entries()) if (it.afterInsert) await it.afterInsert(tx, trackingIds[i] as string);
      return trackingIds;
    }).then((ids) => {
      this.stats.commits += 1;
      this.stats.reports += ids.length;
      return ids;
    });
  }
}

/**
 * The batch's first statement: reads the SLA policy of each project as committed (FOR KEY SHARE waits for a policy
 * save in progress, whose rebuild could not see this batch's reports), advances each project's yearly sequence once
 * for the whole batch, and locks the audit head (held to the commit, so the batch's entries extend the chain in
 * order); then hands out the numbers in order. Locks are taken in the order a policy save takes them (project, then
 * audit head): the sequence insert reads `p`, and the head's lock waits on the sequence by a one-time filter.
 */
async function assignTrackingIds(tx: Tx, items: PreparedReport[], year: number) {
  const perProject = new Map<string, number>();
  for (const it of items) perProject.set(it.projectId, (perProject.get(it.projectId) ?? 0) + (it.trackingId ? 0 : 1));
  // A project whose items all have their number (released from review) still takes part, advancing by none.
  const projectIds = [...perProject.keys()];
  const counts = [...perProject.values()];
  const { rows } = await sql<PolicyRow & { project_id: string; last_value: number | string; seq: number | string; hash: string; sla_version: number }>`
    with p as (
      select id, sla_version, policy->'response' as response, policy->'disclosure' as disclosure
      from projects where id = any(${projectIds}::uuid[]) for key share
    ), s as (
      insert into report_sequences (project_id, year, last_value)
      select c.project_id, ${year}::int, c.n from unnest(${projectIds}::uuid[], ${counts}::int[]) as c(project_id, n) join p on p.id = c.project_id
      on conflict (project_id, year) do update set last_value = report_sequences.last_value + excluded.last_value
      returning project_id, last_value
    ), h as (
      select seq, hash from audit_head where id = 1 and exists (select 1 from s) for update
    )
    select s.project_id, s.last_value, h.seq, h.hash, p.sla_version, p.response, p.disclosure
    from s join p on p.id = s.project_id cross join h`.execute(tx);
  const head = rows[0];
  if (!head || rows.length !== perProject.size) throw new Error('intake: a project of the batch does not exist, or the audit head lock returned nothing');
  const next = new Map<string, number>();
  const policies = new Map<string, { policy: SlaPolicy; version: number }>();
  for (const row of rows) {
    next.set(row.project_id, Number(row.last_value) - (perProject.get(row.project_id) as number) + 1);
    policies.set(row.project_id, { policy: slaPolicyOf(row), version: row.sla_version });
  }
  const trackingIds = items.map((it) => {
    if (it.trackingId) return it.trackingId;
    const n = next.get(it.projectId) as number;
    next.set(it.projectId, n + 1);
    return formatTrackingId(it.trackingPrefix, year, n);
  });
  return { trackingIds, auditHead: { seq: head.seq, hash: head.hash }, policies };
}

/**
 * One tracking number for a submission held for review (services/reports/review.ts): taken from the same
 * sequence as intake's, in the caller's transaction, so the number it is given is the one it keeps when released.
 */
export async function reserveTrackingId(tx: Tx, projectId: string, trackingPrefix: string, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const row = await tx
    .insertInto('report_sequences')
    .values({ project_id: projectId, year, last_value: 1 })
    .onConflict((oc) => oc.columns(['project_id', 'year']).doUpdateSet((eb) => ({ last_value: eb('report_sequences.last_value', '+', 1) })))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return formatTrackingId(trackingPrefix, year, Number(row.last_value));
}
