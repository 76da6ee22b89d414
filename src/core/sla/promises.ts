import { DomainError } from '../errors.ts';
import { OPEN_STATES } from '../reports/states.ts';
import { computeDeadlines, type SlaPolicy } from './clock.ts';
import { SLA_CLOCKS, type Deadline, type SlaEvent } from './types.ts';

/** One version of a project's SLA promises (`response` and `disclosure`), in force from `effectiveAt`. */
export interface PolicyVersion {
  version: number;
  /** ISO-8601 instant the version was saved. */
  effectiveAt: string;
  policy: SlaPolicy;
}

/**
 * Promises are kept as made (docs/sla.md, "Policy changes"). A report holds the promises of the policy version it
 * was submitted under (`versions[0]`) and of every later version saved up to `now`: per clock, the earliest due
 * time wins, so a change applies to the report only where it is more generous to the reporter, and a stricter
 * promise made later than its own due time would have fallen is due when it was made (it cannot have been broken
 * before it existed). Statuses are judged against the due time that wins.
 */
export function keptDeadlines(events: readonly SlaEvent[], versions: readonly PolicyVersion[], now: Date): Deadline[] {
  const [own, ...later] = versions;
  if (!own) throw DomainError.validation([{ field: 'versions', message: 'a report holds at least the policy version it was submitted under' }]);
  const best = new Map(computeDeadlines(events, own.policy, now).map((d) => [d.clock, d]));
  // Only changes made while the report was open apply to it.
  const closedAt = leftOpenAt(events, now.getTime());
  for (const v of later) {
    const madeAt = Date.parse(v.effectiveAt);
    if (madeAt > now.getTime() || madeAt > closedAt) break;
    for (const d of computeDeadlines(events, v.policy, now)) {
      // A clock already fulfilled when the change was made is settled under the promise it was fulfilled against.
      if (d.metAt !== undefined && Date.parse(d.metAt) <= madeAt) continue;
      const made = notBefore(d, madeAt);
      // A promise still being kept when the report closed lapses (as in computeDeadlines).
      if (closedAt <= now.getTime() && made.metAt === undefined && made.status !== 'breached') continue;
      const current = best.get(d.clock);
      if (!current || Date.parse(made.dueAt) < Date.parse(current.dueAt)) best.set(d.clock, made);
    }
  }
  return SLA_CLOCKS.flatMap((clock) => best.get(clock) ?? []);
}

/** When the report left the open states for good (the first of the trailing closed states), or +∞ while open. */
function leftOpenAt(events: readonly SlaEvent[], now: number): number {
  const states = events
    .filter((e): e is Extract<SlaEvent, { kind: 'state' }> => e.kind === 'state')
    .map((e) => ({ at: Date.parse(e.at), open: OPEN.has(e.to) }))
    .filter((e) => e.at <= now)
    .sort((a, b) => a.at - b.at);
  let closedAt = Number.POSITIVE_INFINITY;
  for (const s of states) closedAt = s.open ? Number.POSITIVE_INFINITY : Math.min(closedAt, s.at);
  return closedAt;
}

const OPEN: ReadonlySet<string> = new Set(OPEN_STATES);

/** The deadline moved to `madeAt` if it fell earlier, its status judged again against that due time. */
function notBefore(d: Deadline, madeAt: number): Deadline {
  const due = Date.parse(d.dueAt);
  if (due >= madeAt) return d;
  const shift = madeAt - due;
  const dueAt = new Date(madeAt).toISOString();
  if (d.metAt !== undefined) {
    const { remainingMs: _unused, ...rest } = d;
    return { ...rest, dueAt, status: Date.parse(d.metAt) <= madeAt ? 'met' : 'breached' };
  }
  const remainingMs = (d.remainingMs ?? 0) + shift;
  return { ...d, dueAt, remainingMs, status: remainingMs < 0 ? 'breached' : d.status === 'breached' ? 'pending' : d.status };
}
