import { useEffect, useState } from 'react';
import type { Deadline } from '../../api.ts';
import { formatDate, formatRemaining, humanize } from '../../format.ts';

/** Due within this long counts as "due soon". */
export const DUE_SOON_MS = 24 * 3_600_000;

export type Urgency = 'breached' | 'soon' | 'later' | 'paused' | 'met';

/** The part of a deadline (of a report, or an SLA entry) that a countdown needs. */
export type DeadlineLike = Pick<Deadline, 'clock' | 'due_at' | 'status' | 'remaining_ms'>;

/** Milliseconds left at `nowMs` (negative when overdue), from the due time so a page left open stays right. */
export const remainingAt = (d: DeadlineLike, nowMs: number): number => Date.parse(d.due_at) - nowMs;

export function urgencyOf(d: DeadlineLike, nowMs: number): Urgency {
  if (d.status === 'met') return 'met';
  if (d.status === 'paused') return 'paused';
  const left = remainingAt(d, nowMs);
  if (d.status === 'breached' || left < 0) return 'breached';
  return left <= DUE_SOON_MS ? 'soon' : 'later';
}

const WORD: Record<Urgency, string> = { breached: 'Overdue', soon: 'Due soon', later: 'Due', paused: 'Paused', met: 'Met' };

/** The current time, refreshed every half minute so countdowns move while the page is open. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(t);
  }, [intervalMs]);
  return now;
}

/**
 * One deadline as text first ("Overdue: acknowledge, 3 hours ago") and colour second (the urgency class), so the
 * meaning never depends on colour alone.
 */
export function Countdown({ deadline, now }: { deadline: DeadlineLike; now: number }) {
  const urgency = urgencyOf(deadline, now);
  const when = urgency === 'met' || urgency === 'paused' ? '' : formatRemaining(remainingAt(deadline, now));
  return (
    <span className={`countdown countdown--${urgency}`} title={`Due ${formatDate(deadline.due_at)}`}>
      <span className="countdown__word">{WORD[urgency]}</span> {humanize(deadline.clock).replace(/^Cra /, 'CRA ')}
      {when && <> · {when}</>}
    </span>
  );
}
