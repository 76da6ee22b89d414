import { OPEN_STATES, type ReportState } from '../reports/states.ts';
import { SEVERITIES, isSeverity } from '../severity.ts';
import { isOutstanding, summarize } from './clock.ts';
import { CRA_CLOCKS, type Deadline, type SlaClock } from './types.ts';

/**
 * Where a report stands in the maintainers' queue and which of its deadlines the SLA view lists: a derived index
 * of `computeDeadlines` (docs/sla.md, "Queue order"), stored next to the report so lists can be sorted, filtered
 * and paged in SQL. It is recomputed from the events whenever one is written and for a whole project when its
 * policy changes; what a list shows is still computed from the events.
 *
 * The order is (rank, key), both ascending:
 * - rank 0: an outstanding deadline is running (breached or pending); key = its due instant (epoch ms), so
 *   overdue ones come first, then the soonest due;
 * - rank 1: the only outstanding deadlines stand still (waiting on the reporter); key = the time they have left,
 *   which does not change while they wait;
 * - rank 2..7: no outstanding deadline (none applies, or the report is no longer open and owes no CRA filing): by severity, critical
 *   first and unset last; key = −created (newest first).
 */
export const RANK_RUNNING = 0;
export const RANK_PAUSED = 1;
/** Ranks from this one up hold reports with no outstanding deadline, by severity. */
export const RANK_NO_DEADLINE = 2;
/** The rank of a report with no deadline and no severity: the last one. */
export const RANK_LAST = RANK_NO_DEADLINE + SEVERITIES.length;

/** One outstanding deadline as the SLA view's index keeps it. */
export interface IndexedDeadline {
  clock: SlaClock;
  rank: typeof RANK_RUNNING | typeof RANK_PAUSED;
  key: number;
  dueAt: string;
}

export interface QueueIndex {
  rank: number;
  key: number;
  /** The most urgent outstanding deadline of an open report (what `summarize` picks), or null. */
  nextDueAt: string | null;
  nextClock: SlaClock | null;
  /** Every outstanding deadline of an open report; none once it is rejected, disclosed or closed. */
  deadlines: IndexedDeadline[];
}

export interface QueueReport {
  state: string;
  severity: string | null;
  createdAt: Date;
}

const OPEN: ReadonlySet<string> = new Set<ReportState>(OPEN_STATES);
const CRA_OWED: ReadonlySet<string> = new Set<string>(CRA_CLOCKS);

const indexed = (d: Deadline): IndexedDeadline =>
  d.status === 'paused'
    ? { clock: d.clock, rank: RANK_PAUSED, key: Math.max(0, d.remainingMs ?? 0), dueAt: d.dueAt }
    : { clock: d.clock, rank: RANK_RUNNING, key: Date.parse(d.dueAt), dueAt: d.dueAt };

/**
 * The deadlines a report in `state` still answers for: all of an open report's; of a closed, rejected or disclosed
 * one only the CRA filings (a final report is owed after the fix, docs/cra.md).
 */
export function owedDeadlines(state: string, deadlines: readonly Deadline[]): readonly Deadline[] {
  return OPEN.has(state) ? deadlines : deadlines.filter((d) => CRA_OWED.has(d.clock));
}

/** The queue position of a report from its deadlines (as `computeDeadlines` gave them at the moment of its last event). */
export function queueIndexOf(report: QueueReport, deadlines: readonly Deadline[]): QueueIndex {
  const owed = owedDeadlines(report.state, deadlines);
  const next = summarize(owed);
  if (!next) {
    const severity = isSeverity(report.severity) ? SEVERITIES.indexOf(report.severity) : -1;
    return {
      rank: RANK_NO_DEADLINE + (SEVERITIES.length - 1 - severity),
      key: -report.createdAt.getTime(),
      nextDueAt: null,
      nextClock: null,
      deadlines: [],
    };
  }
  const position = indexed(next);
  return { rank: position.rank, key: position.key, nextDueAt: next.dueAt, nextClock: next.clock, deadlines: owed.filter(isOutstanding).map(indexed) };
}

const KEY_OFFSET = 1e15;

/**
 * A report's place in the queue order as a string that sorts like the order itself (rank, key, then id):
 * what a client merging the queues of several projects compares.
 */
export const queueOrderOf = (rank: number, key: number, id: string): string => `${rank}.${String(key + KEY_OFFSET).padStart(16, '0')}.${id}`;
