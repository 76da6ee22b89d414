import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDomainError } from '../../../src/core/errors.ts';
import { parseDuration } from '../../../src/core/policy/duration.ts';
import type { ResponseTimes } from '../../../src/core/policy/types.ts';
import {
  addDuration,
  businessCalendar,
  deadlineSkippingPauses,
  instantOfWall,
  zoneOffset,
} from '../../../src/core/sla/business-time.ts';

type CalendarInput = Pick<ResponseTimes, 'timezone' | 'business_days' | 'holidays'>;
const utc: CalendarInput = { timezone: 'UTC' };
const berlin: CalendarInput = { timezone: 'Europe/Berlin' };
const newYork: CalendarInput = { timezone: 'America/New_York' };

const ms = (iso: string): number => Date.parse(iso);
const H = 3_600_000;

describe('addDuration', () => {
  const cases: { name: string; calendar: CalendarInput; start: string; add: string; due: string }[] = [
    { name: 'hours are elapsed time, weekends included', calendar: utc, start: '2026-03-06T10:00:00Z', add: '48h', due: '2026-03-08T10:00:00Z' },
    { name: 'weeks are seven calendar days', calendar: utc, start: '2026-03-02T10:00:00Z', add: '2w', due: '2026-03-16T10:00:00Z' },
    { name: '5bd from Friday 15:00 is the next Friday 15:00', calendar: utc, start: '2026-03-06T15:00:00Z', add: '5bd', due: '2026-03-13T15:00:00Z' },
    { name: '5bd from Saturday count from Monday 00:00 and end after Friday', calendar: utc, start: '2026-03-07T09:00:00Z', add: '5bd', due: '2026-03-16T00:00:00Z' },
    { name: '1bd from Friday 00:00 runs through Friday, due Monday 00:00', calendar: utc, start: '2026-03-06T00:00:00Z', add: '1bd', due: '2026-03-09T00:00:00Z' },
    { name: '1bd on a Wednesday stays in the week', calendar: utc, start: '2026-03-04T09:30:00Z', add: '1bd', due: '2026-03-05T09:30:00Z' },
    {
      name: 'a holiday Monday is skipped',
      calendar: { ...utc, holidays: ['2026-03-09'] },
      start: '2026-03-06T15:00:00Z',
      add: '1bd',
      due: '2026-03-10T15:00:00Z',
    },
    {
      name: 'a report arriving on a holiday starts counting the next business day',
      calendar: { ...utc, holidays: ['2026-03-09'] },
      start: '2026-03-09T10:00:00Z',
      add: '1bd',
      due: '2026-03-11T00:00:00Z',
    },
    {
      name: 'custom business week Sunday..Thursday',
      calendar: { ...utc, business_days: [7, 1, 2, 3, 4] },
      start: '2026-03-05T15:00:00Z',
      add: '1bd',
      due: '2026-03-08T15:00:00Z',
    },
    // Europe/Berlin: clocks go forward 2026-03-29 02:00 CET → 03:00 CEST, back 2026-10-25 03:00 CEST → 02:00 CET.
    { name: 'Berlin: 7d across spring DST keeps 10:00 wall time', calendar: berlin, start: '2026-03-28T09:00:00Z', add: '7d', due: '2026-04-04T08:00:00Z' },
    { name: 'Berlin: 48h across spring DST is 48 elapsed hours (11:00 CEST)', calendar: berlin, start: '2026-03-28T09:00:00Z', add: '48h', due: '2026-03-30T09:00:00Z' },
    { name: 'Berlin: 5bd across spring DST, Fri 15:00 CET → Fri 15:00 CEST', calendar: berlin, start: '2026-03-27T14:00:00Z', add: '5bd', due: '2026-04-03T13:00:00Z' },
    {
      name: 'Berlin: Good Friday and Easter Monday as holidays',
      calendar: { ...berlin, holidays: ['2026-04-03', '2026-04-06'] },
      start: '2026-03-27T14:00:00Z',
      add: '5bd',
      due: '2026-04-07T13:00:00Z',
    },
    { name: 'Berlin: 1d across autumn DST keeps 10:00 wall time', calendar: berlin, start: '2026-10-24T08:00:00Z', add: '1d', due: '2026-10-25T09:00:00Z' },
    { name: 'Berlin: 1d landing in the skipped hour moves past the gap (02:30 → 03:30 CEST)', calendar: berlin, start: '2026-03-28T01:30:00Z', add: '1d', due: '2026-03-29T01:30:00Z' },
    { name: 'Berlin: 1d landing in the repeated hour takes the first 02:30 (CEST)', calendar: berlin, start: '2026-10-24T00:30:00Z', add: '1d', due: '2026-10-25T00:30:00Z' },
    // America/New_York: clocks go forward 2026-03-08, back 2026-11-01.
    { name: 'New York: 1bd across spring DST, Fri 15:00 EST → Mon 15:00 EDT', calendar: newYork, start: '2026-03-06T20:00:00Z', add: '1bd', due: '2026-03-09T19:00:00Z' },
    { name: 'New York: 1bd across autumn DST, Fri 15:00 EDT → Mon 15:00 EST', calendar: newYork, start: '2026-10-30T19:00:00Z', add: '1bd', due: '2026-11-02T20:00:00Z' },
    { name: 'New York: Friday 22:00 local is still Friday though UTC says Saturday', calendar: newYork, start: '2026-03-07T03:00:00Z', add: '1bd', due: '2026-03-10T02:00:00Z' },
    {
      name: 'New York: holidays are local dates (Thu 23:30 EDT, Fri 3 July off)',
      calendar: { ...newYork, holidays: ['2026-07-03'] },
      start: '2026-07-03T03:30:00Z',
      add: '1bd',
      due: '2026-07-07T03:30:00Z',
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const due = addDuration(new Date(c.start), parseDuration(c.add), businessCalendar(c.calendar));
      assert.equal(due.toISOString(), new Date(c.due).toISOString());
    });
  }
});

describe('deadlineSkippingPauses', () => {
  const cases: { name: string; calendar: CalendarInput; start: string; add: string; pauses: [string, string][]; due: string }[] = [
    {
      name: 'a day-long pause pushes an hour deadline by a day',
      calendar: utc,
      start: '2026-03-02T00:00:00Z',
      add: '72h',
      pauses: [['2026-03-02T12:00:00Z', '2026-03-03T12:00:00Z']],
      due: '2026-03-06T00:00:00Z',
    },
    {
      name: 'business days left at the pause are counted after it, weekend excluded',
      calendar: utc,
      start: '2026-03-02T09:00:00Z',
      add: '5bd',
      pauses: [['2026-03-04T09:00:00Z', '2026-03-09T09:00:00Z']],
      due: '2026-03-12T09:00:00Z',
    },
    {
      name: 'a pause over a weekend costs no business time',
      calendar: utc,
      start: '2026-03-02T09:00:00Z',
      add: '5bd',
      pauses: [['2026-03-07T00:00:00Z', '2026-03-09T00:00:00Z']],
      due: '2026-03-09T09:00:00Z',
    },
    {
      name: 'budget used up exactly as the pause begins: due when the clock resumes',
      calendar: utc,
      start: '2026-03-02T00:00:00Z',
      add: '24h',
      pauses: [['2026-03-03T00:00:00Z', '2026-03-03T06:00:00Z']],
      due: '2026-03-03T06:00:00Z',
    },
    {
      name: 'a pause after the deadline does not rescue it',
      calendar: utc,
      start: '2026-03-02T00:00:00Z',
      add: '24h',
      pauses: [['2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z']],
      due: '2026-03-03T00:00:00Z',
    },
    {
      name: 'calendar days pause in wall-clock time across DST',
      calendar: berlin,
      start: '2026-03-27T09:00:00Z',
      add: '7d',
      pauses: [['2026-03-28T09:00:00Z', '2026-03-29T09:00:00Z']],
      // 1 day counted, a pause of 24 elapsed hours is 25 wall hours (clocks jumped), 6 days from Sun 11:00 CEST.
      due: '2026-04-04T09:00:00Z',
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const pauses = c.pauses.map(([start, end]) => ({ start: ms(start), end: ms(end) }));
      const due = deadlineSkippingPauses(ms(c.start), parseDuration(c.add), businessCalendar(c.calendar), pauses);
      assert.equal(new Date(due).toISOString(), new Date(c.due).toISOString());
    });
  }
});

describe('zone offsets', () => {
  const cases: { zone: string; at: string; offsetHours: number }[] = [
    { zone: 'UTC', at: '2026-07-01T12:00:00Z', offsetHours: 0 },
    { zone: 'Europe/Berlin', at: '2026-01-15T12:00:00Z', offsetHours: 1 },
    { zone: 'Europe/Berlin', at: '2026-07-15T12:00:00Z', offsetHours: 2 },
    { zone: 'Europe/Berlin', at: '2026-03-29T00:59:59Z', offsetHours: 1 },
    { zone: 'Europe/Berlin', at: '2026-03-29T01:00:00Z', offsetHours: 2 },
    { zone: 'America/New_York', at: '2026-01-15T12:00:00Z', offsetHours: -5 },
    { zone: 'America/New_York', at: '2026-07-15T12:00:00Z', offsetHours: -4 },
    { zone: 'Asia/Kolkata', at: '2026-07-15T12:34:56.789Z', offsetHours: 5.5 },
  ];
  for (const c of cases) {
    test(`${c.zone} at ${c.at} is UTC${c.offsetHours >= 0 ? '+' : ''}${c.offsetHours}`, () => {
      assert.equal(zoneOffset(ms(c.at), c.zone), c.offsetHours * H);
    });
  }

  test('wall time round-trips outside transitions', () => {
    const at = ms('2026-07-15T12:34:56.789Z');
    assert.equal(instantOfWall(at + zoneOffset(at, 'America/New_York'), 'America/New_York'), at);
  });
});

describe('businessCalendar', () => {
  const invalid: { name: string; input: CalendarInput }[] = [
    { name: 'no business days', input: { timezone: 'UTC', business_days: [] } },
    { name: 'weekday numbers out of range only', input: { timezone: 'UTC', business_days: [0, 8] } },
    { name: 'unknown time zone', input: { timezone: 'Mars/Olympus_Mons' } },
  ];
  for (const c of invalid) {
    test(`rejects ${c.name} as policy_invalid`, () => {
      assert.throws(() => businessCalendar(c.input), (e) => isDomainError(e) && e.code === 'policy_invalid');
    });
  }

  test('defaults to Monday..Friday', () => {
    assert.deepEqual([...businessCalendar(utc).businessDays], [1, 2, 3, 4, 5]);
  });
});
