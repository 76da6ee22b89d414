import { DomainError } from '../errors.ts';
import type { Duration } from '../policy/duration.ts';
import type { ResponseTimes } from '../policy/types.ts';

/**
 * Time arithmetic in a policy's time zone. Instants are epoch milliseconds.
 *
 * A "wall" value is the local date-time of an instant written as if it were UTC (epoch ms), so calendar
 * maths on it (day boundaries, weekdays) is plain integer maths and DST never shifts a wall-clock time.
 *
 * How each unit is counted (the due time is the last instant that is still on time):
 * - hours: elapsed time. 48h after Sat 10:00 is Mon 10:00, or 11:00 if the clocks moved forward meanwhile.
 * - days: calendar days; the wall-clock time is kept across DST. 7d after Sat 10:00 CET is Sat 10:00 CEST.
 * - business_days: only wall-clock time on business days counts (configured weekdays that are not
 *   holidays); each business day is worth 24 wall-clock hours, whatever DST does to it.
 *   5bd after Fri 15:00 is the next Fri 15:00 (Mon..Thu whole, Fri until 15:00 the remainder).
 *   A report arriving on a Saturday starts counting at Monday 00:00, so 5bd end with Friday: the due time
 *   is the following Monday 00:00, since nothing more is counted over the weekend.
 *   A holiday Monday pushes everything by one business day.
 *
 * Pauses (time waiting on the reporter) are cut out of the count in the same unit, so a clock that runs
 * for 2 business days, pauses for a week and resumes has 3 business days left, not 3 calendar days.
 */

export interface BusinessCalendar {
  timeZone: string;
  /** ISO weekdays, 1 = Monday .. 7 = Sunday. */
  businessDays: ReadonlySet<number>;
  /** YYYY-MM-DD local dates. */
  holidays: ReadonlySet<string>;
}

export interface Interval {
  start: number;
  end: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEFAULT_BUSINESS_DAYS = [1, 2, 3, 4, 5];

export function businessCalendar(response: Pick<ResponseTimes, 'timezone' | 'business_days' | 'holidays'>): BusinessCalendar {
  const businessDays = new Set((response.business_days ?? DEFAULT_BUSINESS_DAYS).filter((d) => Number.isInteger(d) && d >= 1 && d <= 7));
  if (businessDays.size === 0) {
    throw new DomainError('policy_invalid', 'response.business_days must name at least one weekday (1 = Monday .. 7 = Sunday)', {
      field: 'response.business_days',
    });
  }
  zoneFormatter(response.timezone);
  return { timeZone: response.timezone, businessDays, holidays: new Set(response.holidays ?? []) };
}

/** The instant `duration` after `start`, counted as described above. */
export function addDuration(start: Date, duration: Duration, calendar: BusinessCalendar): Date {
  return new Date(deadlineSkippingPauses(start.getTime(), duration, calendar, []));
}

/**
 * The due instant of a clock started at `start` with `duration` to run, not counting the `pauses`
 * (sorted, non-overlapping, at or after `start`; a pause may extend to the evaluation time).
 */
export function deadlineSkippingPauses(start: number, duration: Duration, calendar: BusinessCalendar, pauses: readonly Interval[]): number {
  const counter = counterFor(duration.unit, calendar);
  let budget = duration.amount * (duration.unit === 'hours' ? HOUR : DAY);
  let from = start;
  for (const pause of pauses) {
    const counted = counter.measure(from, pause.start);
    // A budget used up exactly as a pause begins is still on time until the clock resumes.
    if (counted > budget) break;
    budget -= counted;
    from = pause.end;
  }
  return counter.advance(from, budget);
}

interface Counter {
  /** Counted time between two instants. */
  measure(from: number, to: number): number;
  /** The last instant at which no more than `budget` has been counted since `from`. */
  advance(from: number, budget: number): number;
}

function counterFor(unit: Duration['unit'], calendar: BusinessCalendar): Counter {
  const wall = (instant: number): number => instant + zoneOffset(instant, calendar.timeZone);
  switch (unit) {
    case 'hours':
      return { measure: (from, to) => Math.max(0, to - from), advance: (from, budget) => from + budget };
    case 'days':
      return {
        measure: (from, to) => Math.max(0, wall(to) - wall(from)),
        advance: (from, budget) => instantOfWall(wall(from) + budget, calendar.timeZone),
      };
    case 'business_days':
      return {
        measure: (from, to) => businessWallBetween(wall(from), wall(to), calendar),
        advance: (from, budget) => instantOfWall(advanceBusinessWall(wall(from), budget, calendar), calendar.timeZone),
      };
  }
}

export function isBusinessDay(dayWall: number, calendar: BusinessCalendar): boolean {
  const day = new Date(dayWall);
  const isoWeekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  return calendar.businessDays.has(isoWeekday) && !calendar.holidays.has(day.toISOString().slice(0, 10));
}

const startOfDay = (wall: number): number => Math.floor(wall / DAY) * DAY;

function businessWallBetween(fromWall: number, toWall: number, calendar: BusinessCalendar): number {
  let total = 0;
  for (let day = startOfDay(fromWall); day < toWall; day += DAY) {
    if (isBusinessDay(day, calendar)) total += Math.min(toWall, day + DAY) - Math.max(fromWall, day);
  }
  return Math.max(0, total);
}

function advanceBusinessWall(fromWall: number, budget: number, calendar: BusinessCalendar): number {
  let day = startOfDay(fromWall);
  let position = fromWall;
  let remaining = budget;
  for (;;) {
    if (isBusinessDay(day, calendar)) {
      const leftToday = day + DAY - position;
      if (remaining < leftToday) return position + remaining;
      remaining -= leftToday;
    }
    day += DAY;
    position = day;
  }
}

/** Offset of the zone from UTC at `instant`, in ms (e.g. +3_600_000 for CET). */
export function zoneOffset(instant: number, timeZone: string): number {
  // Most policies count in UTC: no need to ask Intl (the costliest step of computing deadlines).
  if (timeZone === 'UTC') return 0;
  const parts = zoneFormatter(timeZone).formatToParts(new Date(instant));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const wallToSecond = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wallToSecond - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant showing wall time `wall` in the zone. Like Temporal's "compatible" disambiguation:
 * a time repeated when clocks go back resolves to the earlier instant, and a time skipped when clocks go
 * forward resolves to the same distance past the jump (02:30 becomes 03:30).
 */
export function instantOfWall(wall: number, timeZone: string): number {
  const offsetBefore = zoneOffset(wall - DAY, timeZone);
  const offsetAfter = zoneOffset(wall + DAY, timeZone);
  const matching = [wall - offsetBefore, wall - offsetAfter]
    .filter((instant) => instant + zoneOffset(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  return matching[0] ?? wall - offsetBefore;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new DomainError('policy_invalid', `Unknown time zone "${timeZone}" in response.timezone`, { field: 'response.timezone' });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
