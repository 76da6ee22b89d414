import { DomainError } from '../errors.ts';
import { formatDuration, parseDuration, type Duration } from '../policy/duration.ts';
import type { PhaseCommitment, Policy } from '../policy/types.ts';
import { OPEN_STATES, type ReportState } from '../reports/states.ts';
import type { Severity } from '../severity.ts';
import { businessCalendar, deadlineSkippingPauses, instantOfWall, type BusinessCalendar, type Interval } from './business-time.ts';
import { craDeadlines } from './cra.ts';
import { SLA_CLOCKS, type Deadline, type SlaClock, type SlaEvent } from './types.ts';

/** Reporters see every clock, the fix deadline included: knowing it is what keeps them from disclosing early. */
export const REPORTER_VISIBLE: Readonly<Record<SlaClock, boolean>> = {
  acknowledge: true,
  assess: true,
  detailed_response: true,
  next_update: true,
  fix: true,
  disclosure: true,
  'cra-early-warning': false,
  'cra-notification': false,
  'cra-final-report': false,
};

const ASSESSED: ReadonlySet<ReportState> = new Set(['triaged', 'accepted', 'rejected', 'fixing', 'fixed', 'disclosed', 'closed']);
const DECIDED: ReadonlySet<ReportState> = new Set(['accepted', 'rejected', 'fixing', 'fixed', 'disclosed', 'closed']);
const ACCEPTED: ReadonlySet<ReportState> = new Set(['accepted', 'fixing', 'fixed', 'disclosed']);
const FIXED: ReadonlySet<ReportState> = new Set(['fixed', 'disclosed']);
const DISCLOSED: ReadonlySet<ReportState> = new Set(['disclosed']);
const FIXED_ONLY: ReadonlySet<ReportState> = new Set(['fixed']);
const OPEN: ReadonlySet<ReportState> = new Set(OPEN_STATES);

interface History {
  submittedAt: number;
  states: { at: number; to: ReportState; reason?: string | null }[];
  replies: number[];
  reporterMessages: number[];
  severity: Severity | null;
  /** Latest agreed embargo date; undefined when never set or cleared. */
  embargoUntil: string | undefined;
  /** Filed by the maintainers (no reporter): the clocks owed to a reporter do not run. */
  internal: boolean;
}

/** Promises made to a reporter: an internal report (nobody to acknowledge or answer) has none of them. */
const OWED_TO_REPORTER: ReadonlySet<SlaClock> = new Set(['acknowledge', 'assess', 'detailed_response', 'next_update']);

/** The parts of a policy the clocks read: a caller may load just these. */
export type SlaPolicy = Pick<Policy, 'response' | 'disclosure'>;

interface Context {
  policy: SlaPolicy;
  history: History;
  calendar: BusinessCalendar;
  state: ReportState;
  /** `now`, or the moment the report left the open states: clocks freeze there. */
  end: number;
  closed: boolean;
  /** Rejected for a reason that ends every promise (not `wont-fix`). */
  rejected: boolean;
  /** When the trailing rejection was a won't-fix decision: the disclosure clock runs on from it. */
  wontFixAt: number | undefined;
  now: number;
  waitingOnReporter: Interval[];
  waitingNow: boolean;
}

/**
 * The SLA deadlines of one report as seen at `now`: a pure function of its events (later ones are
 * ignored, so any past moment can be replayed), the policy and the time. Semantics: docs/sla.md.
 */
export function computeDeadlines(events: readonly SlaEvent[], policy: SlaPolicy, now: Date): Deadline[] {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw DomainError.validation([{ field: 'now', message: 'not a valid date' }]);
  const history = readHistory(events, nowMs);
  if (!history) return [];
  const ctx = contextOf(history, policy, nowMs);
  const craByClock = new Map(craDeadlines(events, nowMs).map((d) => [d.clock, d]));
  const deadlines = SLA_CLOCKS.map((clock): Deadline | null => {
    if (history.internal && OWED_TO_REPORTER.has(clock)) return null;
    switch (clock) {
      case 'acknowledge':
        return acknowledge(ctx);
      case 'assess':
        return review(ctx, clock, policy.response.assess, ASSESSED, 'Preliminary assessment');
      case 'detailed_response':
        return review(ctx, clock, policy.response.detailed_response, DECIDED, 'Detailed response');
      case 'next_update':
        return nextUpdate(ctx);
      case 'fix':
        return fix(ctx);
      case 'disclosure':
        return disclosure(ctx);
      case 'cra-early-warning':
      case 'cra-notification':
      case 'cra-final-report':
        return craByClock.get(clock) ?? null;
    }
  });
  return deadlines.filter((d): d is Deadline => d !== null);
}

function acknowledge(ctx: Context): Deadline | null {
  const phase = ctx.policy.response.acknowledge;
  if (!phase) return null;
  const duration = parseDuration(phase.within);
  const dueAt = deadlineSkippingPauses(ctx.history.submittedAt, duration, ctx.calendar, []);
  return judge(ctx, 'acknowledge', promiseOf(phase, `Acknowledge within ${formatDuration(duration)}`), dueAt, acknowledgedAt(ctx.history), false);
}

function review(ctx: Context, clock: SlaClock, phase: PhaseCommitment | undefined, metStates: ReadonlySet<ReportState>, what: string): Deadline | null {
  if (!phase) return null;
  const duration = parseDuration(phase.within);
  const metAt = firstReach(ctx.history, metStates);
  const dueAt = dueSkippingWaits(ctx, ctx.history.submittedAt, duration, metAt ?? ctx.end);
  const aim = phase.target ? ` (aiming for ${formatDuration(parseDuration(phase.target))})` : '';
  return judge(ctx, clock, promiseOf(phase, `${what} within ${formatDuration(duration)}${aim}`), dueAt, metAt, metAt === undefined && ctx.waitingNow);
}

function nextUpdate(ctx: Context): Deadline | null {
  const phase = ctx.policy.response.update_cadence;
  const anchor = ctx.history.replies.at(-1) ?? acknowledgedAt(ctx.history);
  if (!phase || ctx.closed || ctx.state === 'new' || anchor === undefined) return null;
  const duration = parseDuration(phase.within);
  const dueAt = dueSkippingWaits(ctx, anchor, duration, ctx.end);
  return judge(ctx, 'next_update', promiseOf(phase, `Progress update at least every ${formatDuration(duration)}`), dueAt, undefined, ctx.waitingNow);
}

function fix(ctx: Context): Deadline | null {
  const severity = ctx.history.severity;
  const phase = severity ? ctx.policy.response.fix?.[severity] : undefined;
  const start = firstReach(ctx.history, ACCEPTED);
  if (!phase || start === undefined) return null;
  const duration = parseDuration(phase.within);
  const dueAt = deadlineSkippingPauses(start, duration, ctx.calendar, []);
  const promise = promiseOf(phase, `Fix ${severity} severity issues within ${formatDuration(duration)} of acceptance`);
  return judge(ctx, 'fix', promise, dueAt, firstReach(ctx.history, FIXED), false);
}

function disclosure(base: Context): Deadline | null {
  if (base.rejected) return null;
  const wontFixAt = base.wontFixAt;
  // A won't-fix decision leaves the queue but not the promise: the clock runs on until disclosure (or archiving).
  const ctx = wontFixAt !== undefined && base.state === 'rejected' ? { ...base, end: base.now, closed: false } : base;
  const metAt = firstReach(ctx.history, DISCLOSED);
  const agreed = ctx.history.embargoUntil;
  if (agreed !== undefined) {
    return judge(ctx, 'disclosure', `Public disclosure by ${agreed} (agreed embargo)`, agreedDeadline(agreed, ctx.calendar), metAt, false);
  }
  const { within, from } = ctx.policy.disclosure;
  // "After the fix" with no fix coming counts from the won't-fix decision.
  const fixedAt = firstReach(ctx.history, FIXED_ONLY);
  const start = from === 'report' ? ctx.history.submittedAt : fixedAt ?? wontFixAt ?? firstReach(ctx.history, FIXED);
  if (!within || start === undefined) return null;
  const duration = parseDuration(within);
  const dueAt = deadlineSkippingPauses(start, duration, ctx.calendar, []);
  const counted = from === 'fix' && fixedAt === undefined && wontFixAt !== undefined ? "decision that it won't be fixed" : from;
  return judge(ctx, 'disclosure', `Public disclosure within ${formatDuration(duration)} of the ${counted}`, dueAt, metAt, false);
}

function judge(ctx: Context, clock: SlaClock, promise: string, dueAt: number, metAt: number | undefined, paused: boolean): Deadline | null {
  const base = { clock, dueAt: new Date(dueAt).toISOString(), reporterVisible: REPORTER_VISIBLE[clock], promise };
  if (metAt !== undefined) return { ...base, status: metAt <= dueAt ? 'met' : 'breached', metAt: new Date(metAt).toISOString() };
  const remainingMs = dueAt - ctx.end;
  if (remainingMs < 0) return { ...base, status: 'breached', remainingMs };
  // A promise that was still being kept when the report was rejected or closed simply lapses.
  if (ctx.closed) return null;
  return { ...base, status: paused ? 'paused' : 'pending', remainingMs };
}

/** The due time of a clock that stands still while the report waits on the reporter, evaluated up to `until`. */
function dueSkippingWaits(ctx: Context, start: number, duration: Duration, until: number): number {
  const pauses = ctx.waitingOnReporter
    .filter((w) => w.end > start && w.start < until)
    .map((w) => ({ start: Math.max(w.start, start), end: Math.min(w.end, until) }));
  return deadlineSkippingPauses(start, duration, ctx.calendar, pauses);
}

const promiseOf = (phase: PhaseCommitment, generated: string): string => phase.text ?? generated;

/** A date-only embargo (`2026-05-01`) runs to the end of that day in the policy's time zone. */
function agreedDeadline(until: string, calendar: BusinessCalendar): number {
  return embargoEndsAt(until, calendar.timeZone);
}

/**
 * The instant an agreed embargo ends: a date-only value (`2026-05-01`) runs to the end of that day in
 * `timeZone`; a date-time is taken as given. The SLA clock and the advisory schedule both read it this way.
 */
export function embargoEndsAt(until: string, timeZone: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(until)) return instantOfWall(instant(until, 'embargo-set.until') + 86_400_000, timeZone);
  return instant(until, 'embargo-set.until');
}

function contextOf(history: History, policy: SlaPolicy, now: number): Context {
  const trailingClosed: History['states'] = [];
  for (const change of [...history.states].reverse()) {
    if (OPEN.has(change.to)) break;
    trailingClosed.unshift(change);
  }
  const closedAt = trailingClosed[0]?.at;
  const end = closedAt ?? now;
  const waitingOnReporter = waitsOnReporter(history);
  return {
    policy,
    history,
    state: history.states.at(-1)?.to ?? 'new',
    calendar: businessCalendar(policy.response),
    end,
    closed: closedAt !== undefined,
    rejected: trailingClosed.some((c) => c.to === 'rejected' && c.reason !== 'wont-fix'),
    wontFixAt: trailingClosed.find((c) => c.to === 'rejected' && c.reason === 'wont-fix')?.at,
    now,
    waitingOnReporter,
    waitingNow: waitingOnReporter.some((w) => w.start <= end && w.end > end),
  };
}

/** From entering needs-info until the reporter answers or the report moves on, whichever comes first. */
function waitsOnReporter(history: History): Interval[] {
  const waits: Interval[] = [];
  let since: number | undefined;
  for (const change of history.states) {
    if (change.to === 'needs-info' && since === undefined) since = change.at;
    else if (change.to !== 'needs-info' && since !== undefined) {
      waits.push(waitFrom(since, change.at, history));
      since = undefined;
    }
  }
  if (since !== undefined) waits.push(waitFrom(since, Number.POSITIVE_INFINITY, history));
  return waits;
}

function waitFrom(since: number, leftAt: number, history: History): Interval {
  const answer = history.reporterMessages.find((at) => at > since);
  return { start: since, end: Math.min(leftAt, answer ?? leftAt) };
}

const firstReach = (history: History, states: ReadonlySet<ReportState>): number | undefined =>
  history.states.find((c) => states.has(c.to))?.at;

function acknowledgedAt(history: History): number | undefined {
  const moved = history.states.find((c) => c.to !== 'new')?.at;
  const replied = history.replies[0];
  if (moved === undefined) return replied;
  return replied === undefined ? moved : Math.min(moved, replied);
}

function readHistory(events: readonly SlaEvent[], now: number): History | null {
  const seen = events
    .map((event) => ({ event, at: instant(event.at, `${event.kind}.at`) }))
    .filter(({ at }) => at <= now)
    .sort((a, b) => a.at - b.at);
  const submittedAt = seen.find(({ event }) => event.kind === 'submitted')?.at;
  if (submittedAt === undefined) return null;
  const history: History = { submittedAt, states: [], replies: [], reporterMessages: [], severity: null, embargoUntil: undefined, internal: false };
  for (const { event, at } of seen) {
    switch (event.kind) {
      case 'submitted':
        history.internal = event.internal === true;
        break;
      case 'state':
        history.states.push({ at, to: event.to, ...(event.reason ? { reason: event.reason } : {}) });
        break;
      case 'severity':
        history.severity = event.severity;
        break;
      case 'maintainer-reply':
        history.replies.push(at);
        break;
      case 'reporter-message':
        history.reporterMessages.push(at);
        break;
      case 'embargo-set':
        history.embargoUntil = event.until ?? undefined;
        break;
    }
  }
  return history;
}

function instant(text: string, field: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw DomainError.validation([{ field, message: `not an ISO-8601 date-time: "${text}"` }]);
  return ms;
}

const URGENCY: Record<Deadline['status'], number> = { breached: 0, pending: 1, paused: 2, met: 4 };
const urgency = (d: Deadline): number => (d.status === 'breached' && d.metAt !== undefined ? 3 : URGENCY[d.status]);

/**
 * Comparator for SLA views: overdue and unfulfilled first, then pending, paused, breaches that were
 * fulfilled late, and met ones; within each group the earliest due time first.
 */
export function worstFirst(a: Deadline, b: Deadline): number {
  return urgency(a) - urgency(b) || Date.parse(a.dueAt) - Date.parse(b.dueAt) || SLA_CLOCKS.indexOf(a.clock) - SLA_CLOCKS.indexOf(b.clock);
}

export const isOutstanding = (d: Deadline): boolean => d.metAt === undefined && d.status !== 'met';

/** The most urgent deadline still to be fulfilled, or null when every clock is met or none applies. */
export function summarize(deadlines: readonly Deadline[]): Deadline | null {
  return deadlines.filter(isOutstanding).sort(worstFirst)[0] ?? null;
}
