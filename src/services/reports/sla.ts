import { authorize, type Actor } from '../../core/access/permissions.ts';
import type { ReportState } from '../../core/reports/states.ts';
import { computeDeadlines, isOutstanding } from '../../core/sla/clock.ts';
import { RANK_PAUSED, RANK_RUNNING } from '../../core/sla/queue-index.ts';
import type { Deadline } from '../../core/sla/types.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { decodeCursor, encodeCursor, pageSize, type Page, type PageRequest, type Position } from '../paging.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { loadEvents } from './event-log.ts';
import { deadlinesOfReport, slaVersionsOf } from './promises.ts';
import { aad } from './store.ts';

export interface SlaEntry extends Deadline {
  trackingId: string;
  title: string;
  state: ReportState;
  severity: string | null;
}

export interface SlaFilter {
  /** Only breached deadlines, running ones due within this long, and paused ones with no more than this left. */
  dueWithinMs?: number | undefined;
}

type Segment = { rank: number; maxKey: number } | null;

/**
 * The SLA view's query of one segment after `after` (rank, key, report id, clock): a range scan of
 * report_deadlines_sla_idx that stops after `limit` rows. Exported for the bench's EXPLAIN.
 */
export function slaQuery(db: DbOrTx, projectId: string, segment: Segment, after: Position | null, limit: number) {
  let q = db
    .selectFrom('report_deadlines as d')
    .innerJoin('reports as r', 'r.id', 'd.report_id')
    .select(['d.rank', 'd.sort_key', 'd.report_id', 'd.clock', 'r.tracking_id', 'r.title_sealed', 'r.key_id', 'r.state', 'r.severity', 'r.policy_version'])
    .where('d.project_id', '=', projectId);
  if (segment) q = q.where('d.rank', '=', segment.rank).where('d.sort_key', '<=', segment.maxKey);
  if (after) {
    const [rank, key, reportId, clock] = after as [number, number, string, string];
    q = q.where((eb) => eb(eb.refTuple('d.rank', 'd.sort_key', 'd.report_id', 'd.clock'), '>', eb.tuple(rank, key, reportId, clock)));
  }
  return q.orderBy('d.rank').orderBy('d.sort_key').orderBy('d.report_id').orderBy('d.clock').limit(limit);
}

/**
 * Outstanding deadlines of the project's open reports, a page at a time: breached first, then the soonest due,
 * then those standing still (waiting on the reporter) with the least time left. Ordered and paged in SQL on the
 * stored index (report_deadlines); each entry shown is computed from its report's events.
 */
export async function slaView(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, opts: SlaFilter & PageRequest = {}): Promise<Page<SlaEntry>> {
  authorize(actor, 'sla:read');
  const now = ctx.now();
  const limit = pageSize(opts.limit);
  const bound = { due: opts.dueWithinMs ?? null };
  let after = opts.cursor ? decodeCursor('sla', bound, opts.cursor, ['int', 'int', 'uuid', 'text']) : null;
  const segments: Segment[] =
    opts.dueWithinMs === undefined
      ? [null]
      : [
          { rank: RANK_RUNNING, maxKey: now.getTime() + opts.dueWithinMs },
          { rank: RANK_PAUSED, maxKey: opts.dueWithinMs },
        ];
  const rows: Awaited<ReturnType<ReturnType<typeof slaQuery>['execute']>> = [];
  for (const segment of segments) {
    if (rows.length > limit) break;
    rows.push(...(await slaQuery(ctx.db, project.id, segment, after, limit + 1 - rows.length).execute()));
  }
  const page = rows.slice(0, limit);
  const events = await loadEvents(ctx.db, [...new Set(page.map((r) => r.report_id))]);
  const versions = await slaVersionsOf(ctx.db, project.id);
  const deadlines = new Map<string, Deadline[]>();
  const titles = new Map<string, string>();
  const entries: SlaEntry[] = [];
  for (const r of page) {
    if (!deadlines.has(r.report_id)) {
      deadlines.set(r.report_id, deadlinesOfReport(events.get(r.report_id) ?? [], versions, r.policy_version, project.policy, now));
      titles.set(r.report_id, ctx.sealer.open(r.key_id, r.title_sealed, aad(r.report_id, 'title')).toString('utf8'));
    }
    // The index names the deadline; what is shown is computed now (it can only differ if the index is stale).
    const d = deadlines.get(r.report_id)?.find((x) => x.clock === r.clock);
    if (!d || !isOutstanding(d)) continue;
    entries.push({ ...d, trackingId: r.tracking_id, title: titles.get(r.report_id) as string, state: r.state as ReportState, severity: r.severity });
  }
  const last = page.at(-1);
  after = rows.length > limit && last ? [Number(last.rank), Number(last.sort_key), last.report_id, last.clock] : null;
  return { items: entries, nextCursor: after ? encodeCursor('sla', bound, after) : null };
}
