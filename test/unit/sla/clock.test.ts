import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDomainError } from '../../../src/core/errors.ts';
import type { Policy } from '../../../src/core/policy/types.ts';
import type { ReportState } from '../../../src/core/reports/states.ts';
import type { Severity } from '../../../src/core/severity.ts';
import { computeDeadlines, summarize, worstFirst } from '../../../src/core/sla/clock.ts';
import { SLA_CLOCKS, type Deadline, type DeadlineStatus, type SlaClock, type SlaEvent } from '../../../src/core/sla/types.ts';
import { blayzen, miniBiai, personalChatter, privastream, taehv, withResponse } from './seed-policies.ts';

/** `t('03-02 10:00')` → 2026-03-02T10:00:00.000Z; a full ISO string passes through. */
const t = (s: string): string => new Date(s.includes('T') ? s : `2026-${s.replace(' ', 'T')}:00Z`).toISOString();
const H = 3_600_000;
const D = 24 * H;

const submitted = (at: string): SlaEvent => ({ kind: 'submitted', at: t(at) });
const moved = (at: string, to: ReportState): SlaEvent => ({ kind: 'state', at: t(at), to });
const reply = (at: string): SlaEvent => ({ kind: 'maintainer-reply', at: t(at) });
const reporterWrites = (at: string): SlaEvent => ({ kind: 'reporter-message', at: t(at) });
const rated = (at: string, severity: Severity | null): SlaEvent => ({ kind: 'severity', at: t(at), severity });
const embargo = (at: string, until: string | null): SlaEvent => ({ kind: 'embargo-set', at: t(at), until });

interface Expected {
  due: string;
  status: DeadlineStatus;
  met?: string;
  remainingMs?: number;
  promise?: string;
}

interface Timeline {
  name: string;
  policy: Policy;
  events: SlaEvent[];
  /** At each `now`, the clocks listed must match; every clock not listed must be absent. */
  checkpoints: { now: string; clocks: Partial<Record<SlaClock, Expected>> }[];
}

const timelines: Timeline[] = [
  {
    name: 'seed 001 Personal Chatter: full life, a needs-info pause, fix delivered late',
    policy: personalChatter,
    events: [
      submitted('03-02 10:00'),
      reply('03-02 18:00'),
      moved('03-02 18:05', 'acknowledged'),
      moved('03-03 10:00', 'needs-info'),
      reporterWrites('03-04 10:00'),
      moved('03-04 12:00', 'triaged'),
      rated('03-04 12:00', 'high'),
      moved('03-05 09:00', 'accepted'),
      moved('03-10 09:00', 'fixing'),
      moved('03-20 09:00', 'fixed'),
      moved('04-10 09:00', 'disclosed'),
      moved('04-11 09:00', 'closed'),
    ],
    checkpoints: [
      {
        now: '03-02 12:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'pending', remainingMs: 22 * H, promise: 'Acknowledge within 24 hours' },
          assess: { due: '03-05 10:00', status: 'pending', remainingMs: 70 * H, promise: 'Preliminary assessment within 72 hours' },
          detailed_response: { due: '03-09 10:00', status: 'pending', promise: 'Detailed response within 7 days' },
        },
      },
      {
        now: '03-03 12:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 18:00' },
          assess: { due: '03-05 12:00', status: 'paused', remainingMs: 48 * H },
          detailed_response: { due: '03-09 12:00', status: 'paused', remainingMs: 6 * D },
        },
      },
      {
        // The reporter answered at 10:00: the pause ends although the report still sits in needs-info.
        now: '03-04 11:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 18:00' },
          assess: { due: '03-06 10:00', status: 'pending', remainingMs: 47 * H },
          detailed_response: { due: '03-10 10:00', status: 'pending' },
        },
      },
      {
        now: '03-05 12:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 18:00' },
          assess: { due: '03-06 10:00', status: 'met', met: '03-04 12:00' },
          detailed_response: { due: '03-10 10:00', status: 'met', met: '03-05 09:00' },
          fix: { due: '03-19 09:00', status: 'pending', remainingMs: 14 * D - 3 * H, promise: 'Fix high severity issues within 14 days of acceptance' },
        },
      },
      {
        now: '03-19 09:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 18:00' },
          assess: { due: '03-06 10:00', status: 'met', met: '03-04 12:00' },
          detailed_response: { due: '03-10 10:00', status: 'met', met: '03-05 09:00' },
          fix: { due: '03-19 09:00', status: 'pending', remainingMs: 0 },
        },
      },
      {
        now: '03-19 10:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 18:00' },
          assess: { due: '03-06 10:00', status: 'met', met: '03-04 12:00' },
          detailed_response: { due: '03-10 10:00', status: 'met', met: '03-05 09:00' },
          fix: { due: '03-19 09:00', status: 'breached', remainingMs: -H },
        },
      },
      {
        now: '03-21 09:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 18:00' },
          assess: { due: '03-06 10:00', status: 'met', met: '03-04 12:00' },
          detailed_response: { due: '03-10 10:00', status: 'met', met: '03-05 09:00' },
          fix: { due: '03-19 09:00', status: 'breached', met: '03-20 09:00' },
          disclosure: { due: '04-19 09:00', status: 'pending', remainingMs: 29 * D, promise: 'Public disclosure within 30 days of the fix' },
        },
      },
      {
        now: '04-12 00:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 18:00' },
          assess: { due: '03-06 10:00', status: 'met', met: '03-04 12:00' },
          detailed_response: { due: '03-10 10:00', status: 'met', met: '03-05 09:00' },
          fix: { due: '03-19 09:00', status: 'breached', met: '03-20 09:00' },
          disclosure: { due: '04-19 09:00', status: 'met', met: '04-10 09:00' },
        },
      },
    ],
  },
  {
    name: 'seed 001: severity changes recompute the fix clock from the same acceptance',
    policy: withResponse(personalChatter, { fix: { critical: { within: '3d' }, high: { within: '14d' } } }),
    events: [
      submitted('03-02 10:00'),
      moved('03-02 12:00', 'acknowledged'),
      moved('03-03 10:00', 'triaged'),
      rated('03-03 10:00', 'high'),
      moved('03-04 10:00', 'accepted'),
      rated('03-06 10:00', 'medium'),
      rated('03-08 10:00', 'critical'),
      rated('03-10 10:00', null),
    ],
    checkpoints: [
      {
        now: '03-05 10:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 12:00' },
          assess: { due: '03-05 10:00', status: 'met', met: '03-03 10:00' },
          detailed_response: { due: '03-09 10:00', status: 'met', met: '03-04 10:00' },
          fix: { due: '03-18 10:00', status: 'pending' },
        },
      },
      {
        // No fix commitment for medium in this policy: the clock disappears.
        now: '03-07 10:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 12:00' },
          assess: { due: '03-05 10:00', status: 'met', met: '03-03 10:00' },
          detailed_response: { due: '03-09 10:00', status: 'met', met: '03-04 10:00' },
        },
      },
      {
        now: '03-09 10:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 12:00' },
          assess: { due: '03-05 10:00', status: 'met', met: '03-03 10:00' },
          detailed_response: { due: '03-09 10:00', status: 'met', met: '03-04 10:00' },
          fix: { due: '03-07 10:00', status: 'breached', remainingMs: -2 * D },
        },
      },
      {
        now: '03-11 10:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 12:00' },
          assess: { due: '03-05 10:00', status: 'met', met: '03-03 10:00' },
          detailed_response: { due: '03-09 10:00', status: 'met', met: '03-04 10:00' },
        },
      },
    ],
  },
  {
    name: 'seed 001: rejected after acceptance while the fix was still on time — the pending fix clock lapses',
    policy: personalChatter,
    events: [
      submitted('03-02 10:00'),
      reply('03-02 12:00'),
      moved('03-03 10:00', 'triaged'),
      rated('03-03 10:00', 'critical'),
      moved('03-04 10:00', 'accepted'),
      moved('03-10 10:00', 'rejected'),
      moved('03-11 10:00', 'closed'),
    ],
    checkpoints: [
      {
        now: '03-09 10:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 12:00' },
          assess: { due: '03-05 10:00', status: 'met', met: '03-03 10:00' },
          detailed_response: { due: '03-09 10:00', status: 'met', met: '03-04 10:00' },
          fix: { due: '03-18 10:00', status: 'pending', remainingMs: 9 * D },
        },
      },
      {
        now: '03-12 10:00',
        clocks: {
          acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 12:00' },
          assess: { due: '03-05 10:00', status: 'met', met: '03-03 10:00' },
          detailed_response: { due: '03-09 10:00', status: 'met', met: '03-04 10:00' },
        },
      },
    ],
  },
  {
    name: 'seed 001: rejected after the fix deadline passed — the breach stays, frozen at the rejection',
    policy: personalChatter,
    events: [
      submitted('03-02 10:00'),
      reply('03-02 12:00'),
      moved('03-03 10:00', 'triaged'),
      rated('03-03 10:00', 'high'),
      moved('03-04 10:00', 'accepted'),
      moved('03-20 10:00', 'rejected'),
    ],
    checkpoints: ['03-25 10:00', '04-25 10:00'].map((now) => ({
      now,
      clocks: {
        acknowledge: { due: '03-03 10:00', status: 'met', met: '03-02 12:00' },
        assess: { due: '03-05 10:00', status: 'met', met: '03-03 10:00' },
        detailed_response: { due: '03-09 10:00', status: 'met', met: '03-04 10:00' },
        fix: { due: '03-18 10:00', status: 'breached', remainingMs: -2 * D },
      },
    })),
  },
  {
    name: 'seed 000 PrivaStream: acknowledged late over a weekend, detailed response late',
    policy: privastream,
    events: [submitted('03-06 17:00'), moved('03-09 09:00', 'triaged'), moved('03-16 09:00', 'accepted')],
    checkpoints: [
      {
        now: '03-07 12:00',
        clocks: {
          acknowledge: {
            due: '03-08 17:00',
            status: 'pending',
            remainingMs: 29 * H,
            promise: 'We will acknowledge receipt of your vulnerability report within 48 hours',
          },
          detailed_response: {
            due: '03-13 17:00',
            status: 'pending',
            promise: 'We will provide a detailed response within 7 days indicating next steps',
          },
        },
      },
      {
        now: '03-09 08:00',
        clocks: {
          acknowledge: { due: '03-08 17:00', status: 'breached', remainingMs: -15 * H },
          detailed_response: { due: '03-13 17:00', status: 'pending' },
        },
      },
      {
        now: '03-09 10:00',
        clocks: {
          acknowledge: { due: '03-08 17:00', status: 'breached', met: '03-09 09:00' },
          detailed_response: { due: '03-13 17:00', status: 'pending' },
        },
      },
      {
        now: '03-14 17:00',
        clocks: {
          acknowledge: { due: '03-08 17:00', status: 'breached', met: '03-09 09:00' },
          detailed_response: { due: '03-13 17:00', status: 'breached', remainingMs: -D },
        },
      },
      {
        now: '03-16 10:00',
        clocks: {
          acknowledge: { due: '03-08 17:00', status: 'breached', met: '03-09 09:00' },
          detailed_response: { due: '03-13 17:00', status: 'breached', met: '03-16 09:00' },
        },
      },
    ],
  },
  {
    name: 'seed 002 Blayzen: weekly updates, a pause while waiting on the reporter, agreed embargo',
    policy: blayzen,
    events: [
      submitted('03-02 10:00'),
      moved('03-03 10:00', 'acknowledged'),
      reply('03-09 10:00'),
      reply('03-18 10:00'),
      moved('03-18 10:00', 'needs-info'),
      reporterWrites('03-21 10:00'),
      moved('03-23 10:00', 'triaged'),
      rated('03-23 10:00', 'medium'),
      moved('03-24 10:00', 'accepted'),
      reply('03-30 10:00'),
      moved('04-01 10:00', 'fixed'),
      embargo('04-01 11:00', '2026-04-15T16:00:00Z'),
      moved('04-15 16:00', 'disclosed'),
      moved('04-16 10:00', 'closed'),
    ],
    checkpoints: [
      { now: '03-02 12:00', clocks: { acknowledge: { due: '03-04 10:00', status: 'pending' } } },
      {
        now: '03-05 10:00',
        clocks: {
          acknowledge: { due: '03-04 10:00', status: 'met', met: '03-03 10:00' },
          next_update: {
            due: '03-10 10:00',
            status: 'pending',
            remainingMs: 5 * D,
            promise: "We'll keep you updated on our progress (at least weekly)",
          },
        },
      },
      {
        now: '03-17 10:00',
        clocks: {
          acknowledge: { due: '03-04 10:00', status: 'met', met: '03-03 10:00' },
          next_update: { due: '03-16 10:00', status: 'breached', remainingMs: -D },
        },
      },
      {
        now: '03-20 10:00',
        clocks: {
          acknowledge: { due: '03-04 10:00', status: 'met', met: '03-03 10:00' },
          next_update: { due: '03-27 10:00', status: 'paused', remainingMs: 7 * D },
        },
      },
      {
        now: '03-22 10:00',
        clocks: {
          acknowledge: { due: '03-04 10:00', status: 'met', met: '03-03 10:00' },
          next_update: { due: '03-28 10:00', status: 'pending', remainingMs: 6 * D },
        },
      },
      {
        // Fixed, but Blayzen promises no disclosure date: no disclosure clock until one is agreed.
        now: '04-01 10:30',
        clocks: {
          acknowledge: { due: '03-04 10:00', status: 'met', met: '03-03 10:00' },
          next_update: { due: '04-06 10:00', status: 'pending' },
        },
      },
      {
        now: '04-02 10:00',
        clocks: {
          acknowledge: { due: '03-04 10:00', status: 'met', met: '03-03 10:00' },
          next_update: { due: '04-06 10:00', status: 'pending' },
          disclosure: { due: '04-15 16:00', status: 'pending', promise: 'Public disclosure by 2026-04-15T16:00:00Z (agreed embargo)' },
        },
      },
      {
        now: '04-17 10:00',
        clocks: {
          acknowledge: { due: '03-04 10:00', status: 'met', met: '03-03 10:00' },
          disclosure: { due: '04-15 16:00', status: 'met', met: '04-15 16:00' },
        },
      },
    ],
  },
  {
    name: 'seed 002: a reply acknowledges, but the update cadence waits until the report leaves new',
    policy: blayzen,
    events: [submitted('03-02 10:00'), reply('03-02 11:00'), moved('03-04 11:00', 'acknowledged')],
    checkpoints: [
      { now: '03-03 10:00', clocks: { acknowledge: { due: '03-04 10:00', status: 'met', met: '03-02 11:00' } } },
      {
        now: '03-05 10:00',
        clocks: {
          acknowledge: { due: '03-04 10:00', status: 'met', met: '03-02 11:00' },
          next_update: { due: '03-09 11:00', status: 'pending' },
        },
      },
    ],
  },
  {
    name: 'seed 003 Mini-BIAI-1: acknowledged late, then rejected out of scope',
    policy: miniBiai,
    events: [submitted('03-02 08:00'), reply('03-03 10:00'), moved('03-05 08:00', 'rejected')],
    checkpoints: [
      {
        now: '03-03 09:00',
        clocks: {
          acknowledge: { due: '03-03 08:00', status: 'breached', remainingMs: -H },
          assess: { due: '03-09 08:00', status: 'pending', promise: 'Preliminary assessment within 7 days (aiming for 3 days)' },
        },
      },
      {
        now: '03-03 11:00',
        clocks: {
          acknowledge: { due: '03-03 08:00', status: 'breached', met: '03-03 10:00' },
          assess: { due: '03-09 08:00', status: 'pending' },
        },
      },
      {
        now: '03-10 00:00',
        clocks: {
          acknowledge: { due: '03-03 08:00', status: 'breached', met: '03-03 10:00' },
          assess: { due: '03-09 08:00', status: 'met', met: '03-05 08:00' },
        },
      },
    ],
  },
  {
    name: 'seed 004 TAEHV: weekend report, business-day assessment paused over a weekend, embargo set and cleared',
    policy: taehv,
    events: [
      submitted('03-07 09:00'),
      moved('03-09 08:00', 'acknowledged'),
      moved('03-12 00:00', 'needs-info'),
      reporterWrites('03-17 00:00'),
      moved('03-18 12:00', 'triaged'),
      moved('03-19 12:00', 'accepted'),
      embargo('04-01 10:00', '2026-05-01'),
      embargo('04-10 10:00', null),
      moved('05-20 10:00', 'fixed'),
      moved('06-01 10:00', 'disclosed'),
    ],
    checkpoints: [
      {
        now: '03-08 09:00',
        clocks: {
          acknowledge: { due: '03-09 09:00', status: 'pending', remainingMs: D },
          assess: { due: '03-16 00:00', status: 'pending', promise: 'Preliminary assessment within 5 business days' },
          disclosure: { due: '06-05 09:00', status: 'pending', promise: 'Public disclosure within 90 days of the report' },
        },
      },
      {
        // Mon..Wed used 3 business days; resuming now, Friday noon, the 2 left end Tuesday noon.
        now: '03-13 12:00',
        clocks: {
          acknowledge: { due: '03-09 09:00', status: 'met', met: '03-09 08:00' },
          assess: { due: '03-17 12:00', status: 'paused', remainingMs: 4 * D },
          disclosure: { due: '06-05 09:00', status: 'pending' },
        },
      },
      {
        now: '03-17 12:00',
        clocks: {
          acknowledge: { due: '03-09 09:00', status: 'met', met: '03-09 08:00' },
          assess: { due: '03-19 00:00', status: 'pending', remainingMs: 36 * H },
          disclosure: { due: '06-05 09:00', status: 'pending' },
        },
      },
      {
        now: '03-18 13:00',
        clocks: {
          acknowledge: { due: '03-09 09:00', status: 'met', met: '03-09 08:00' },
          assess: { due: '03-19 00:00', status: 'met', met: '03-18 12:00' },
          disclosure: { due: '06-05 09:00', status: 'pending' },
        },
      },
      {
        // A date-only embargo runs to the end of that day in the policy's time zone.
        now: '04-02 00:00',
        clocks: {
          acknowledge: { due: '03-09 09:00', status: 'met', met: '03-09 08:00' },
          assess: { due: '03-19 00:00', status: 'met', met: '03-18 12:00' },
          disclosure: { due: '05-02 00:00', status: 'pending', promise: 'Public disclosure by 2026-05-01 (agreed embargo)' },
        },
      },
      {
        now: '04-11 00:00',
        clocks: {
          acknowledge: { due: '03-09 09:00', status: 'met', met: '03-09 08:00' },
          assess: { due: '03-19 00:00', status: 'met', met: '03-18 12:00' },
          disclosure: { due: '06-05 09:00', status: 'pending' },
        },
      },
      {
        now: '06-02 00:00',
        clocks: {
          acknowledge: { due: '03-09 09:00', status: 'met', met: '03-09 08:00' },
          assess: { due: '03-19 00:00', status: 'met', met: '03-18 12:00' },
          disclosure: { due: '06-05 09:00', status: 'met', met: '06-01 10:00' },
        },
      },
    ],
  },
  {
    name: 'seed 004: a rejected report has no disclosure deadline until it is reopened',
    policy: taehv,
    events: [submitted('03-02 09:00'), moved('03-02 10:00', 'acknowledged'), moved('03-04 10:00', 'rejected'), moved('03-06 10:00', 'triaged')],
    checkpoints: [
      {
        now: '03-05 00:00',
        clocks: {
          acknowledge: { due: '03-04 09:00', status: 'met', met: '03-02 10:00' },
          assess: { due: '03-09 09:00', status: 'met', met: '03-04 10:00' },
        },
      },
      {
        now: '03-07 00:00',
        clocks: {
          acknowledge: { due: '03-04 09:00', status: 'met', met: '03-02 10:00' },
          assess: { due: '03-09 09:00', status: 'met', met: '03-04 10:00' },
          disclosure: { due: '05-31 09:00', status: 'pending' },
        },
      },
    ],
  },
  {
    name: 'seed 004: rejecting after the disclosure date drops the disclosure clock, breach included',
    policy: taehv,
    events: [submitted('03-02 09:00'), moved('03-02 10:00', 'acknowledged'), moved('03-03 10:00', 'triaged'), moved('03-04 10:00', 'accepted'), moved('06-10 10:00', 'rejected')],
    checkpoints: [
      {
        now: '06-01 00:00',
        clocks: {
          acknowledge: { due: '03-04 09:00', status: 'met', met: '03-02 10:00' },
          assess: { due: '03-09 09:00', status: 'met', met: '03-03 10:00' },
          disclosure: { due: '05-31 09:00', status: 'breached', remainingMs: -15 * H },
        },
      },
      {
        now: '06-11 00:00',
        clocks: {
          acknowledge: { due: '03-04 09:00', status: 'met', met: '03-02 10:00' },
          assess: { due: '03-09 09:00', status: 'met', met: '03-03 10:00' },
        },
      },
    ],
  },
  {
    name: 'seed 004 with a holiday on the Monday the assessment falls due',
    policy: withResponse(taehv, { holidays: ['2026-03-16'] }),
    events: [submitted('03-07 09:00')],
    checkpoints: [
      {
        now: '03-16 12:00',
        clocks: {
          acknowledge: { due: '03-09 09:00', status: 'breached', remainingMs: -(7 * D + 3 * H) },
          assess: { due: '03-17 00:00', status: 'pending', remainingMs: 12 * H },
          disclosure: { due: '06-05 09:00', status: 'pending' },
        },
      },
    ],
  },
  {
    name: 'seed 004 in America/New_York across the March DST change',
    policy: withResponse(taehv, { timezone: 'America/New_York' }),
    events: [submitted('2026-03-06T20:00:00Z')],
    checkpoints: [
      {
        now: '03-07 00:00',
        clocks: {
          acknowledge: { due: '03-08 20:00', status: 'pending' },
          // Friday 15:00 EST → Friday 15:00 EDT.
          assess: { due: '03-13 19:00', status: 'pending' },
          disclosure: { due: '06-04 19:00', status: 'pending' },
        },
      },
    ],
  },
  {
    name: 'seed 004 in Europe/Berlin across DST and Easter holidays',
    policy: withResponse(taehv, { timezone: 'Europe/Berlin', holidays: ['2026-04-03', '2026-04-06'] }),
    events: [submitted('2026-03-27T14:00:00Z')],
    checkpoints: [
      {
        now: '03-28 00:00',
        clocks: {
          acknowledge: { due: '03-29 14:00', status: 'pending' },
          assess: { due: '04-07 13:00', status: 'pending' },
          disclosure: { due: '06-25 13:00', status: 'pending' },
        },
      },
    ],
  },
];

function observed(d: Deadline, expected: Expected): Expected {
  return {
    due: d.dueAt,
    status: d.status,
    ...(d.metAt !== undefined ? { met: d.metAt } : {}),
    ...(expected.remainingMs !== undefined ? { remainingMs: d.remainingMs } : {}),
    ...(expected.promise !== undefined ? { promise: d.promise } : {}),
  };
}

function normalized(e: Expected): Expected {
  return { ...e, due: t(e.due), ...(e.met !== undefined ? { met: t(e.met) } : {}) };
}

for (const timeline of timelines) {
  describe(timeline.name, () => {
    for (const checkpoint of timeline.checkpoints) {
      test(`at ${checkpoint.now}`, () => {
        const deadlines = computeDeadlines(timeline.events, timeline.policy, new Date(t(checkpoint.now)));
        for (const clock of SLA_CLOCKS) {
          const actual = deadlines.find((d) => d.clock === clock);
          const expected = checkpoint.clocks[clock];
          if (!expected) {
            assert.equal(actual, undefined, `${clock} should be absent`);
            continue;
          }
          assert.ok(actual, `${clock} should be present`);
          assert.deepEqual(observed(actual, expected), normalized(expected), clock);
          if (actual.metAt !== undefined) assert.equal(actual.remainingMs, undefined, `${clock} has no remaining time once met`);
        }
      });
    }
  });
}

describe('computeDeadlines inputs', () => {
  const events = timelines[0]!.events;
  const now = new Date(t('03-21 09:00'));

  test('event order does not matter', () => {
    assert.deepEqual(computeDeadlines([...events].reverse(), personalChatter, now), computeDeadlines(events, personalChatter, now));
  });

  test('no submission, no clocks', () => {
    assert.deepEqual(computeDeadlines([reply('03-02 10:00')], personalChatter, now), []);
  });

  test('an unreadable timestamp is a validation error', () => {
    const bad: SlaEvent[] = [submitted('03-02 10:00'), { kind: 'maintainer-reply', at: 'yesterday' }];
    assert.throws(() => computeDeadlines(bad, personalChatter, now), (e) => isDomainError(e) && e.code === 'validation');
  });

  test('clocks come out in SLA_CLOCKS order and are all shown to the reporter', () => {
    const deadlines = computeDeadlines(events, personalChatter, now);
    assert.deepEqual(
      deadlines.map((d) => d.clock),
      ['acknowledge', 'assess', 'detailed_response', 'fix', 'disclosure'],
    );
    assert.ok(deadlines.every((d) => d.reporterVisible));
  });
});

describe('worstFirst and summarize', () => {
  const deadline = (clock: SlaClock, status: DeadlineStatus, due: string, met?: string): Deadline => ({
    clock,
    status,
    dueAt: t(due),
    ...(met ? { metAt: t(met) } : {}),
    reporterVisible: true,
    promise: clock,
  });
  const met = deadline('acknowledge', 'met', '03-01 00:00', '03-01 00:00');
  const breachedLate = deadline('assess', 'breached', '03-02 00:00', '03-03 00:00');
  const pendingLater = deadline('fix', 'pending', '03-10 00:00');
  const pendingSooner = deadline('detailed_response', 'pending', '03-05 00:00');
  const overdueLater = deadline('disclosure', 'breached', '03-08 00:00');
  const overdueSooner = deadline('next_update', 'breached', '03-03 00:00');
  const paused = deadline('assess', 'paused', '03-04 00:00');

  test('orders overdue, pending, paused, late-met, met; earliest due first within each', () => {
    const shuffled = [met, breachedLate, pendingLater, pendingSooner, overdueLater, overdueSooner, paused];
    assert.deepEqual([...shuffled].sort(worstFirst), [overdueSooner, overdueLater, pendingSooner, pendingLater, paused, breachedLate, met]);
  });

  const summaries: { name: string; deadlines: Deadline[]; expected: Deadline | null }[] = [
    { name: 'the earliest overdue clock wins', deadlines: [pendingSooner, overdueLater, overdueSooner], expected: overdueSooner },
    { name: 'pending before paused', deadlines: [paused, pendingLater], expected: pendingLater },
    { name: 'nothing outstanding', deadlines: [met, breachedLate], expected: null },
    { name: 'no clocks', deadlines: [], expected: null },
  ];
  for (const c of summaries) {
    test(`summarize: ${c.name}`, () => assert.equal(summarize(c.deadlines), c.expected));
  }
});

describe('an internal report (filed by the maintainers, e.g. from a scan finding)', () => {
  test('runs no clock owed to a reporter, but keeps the fix and disclosure promises', () => {
    const events: SlaEvent[] = [{ kind: 'submitted', at: t('03-02 10:00'), internal: true }, rated('03-02 10:00', 'high'), moved('03-03 10:00', 'triaged'), moved('03-03 11:00', 'accepted')];
    const clocks = computeDeadlines(events, personalChatter, new Date(t('03-04 10:00'))).map((d) => d.clock);
    assert.deepEqual(clocks, ['fix']);
    const asSubmitted = computeDeadlines([submitted('03-02 10:00'), ...events.slice(1)], personalChatter, new Date(t('03-04 10:00'))).map((d) => d.clock);
    assert.ok(asSubmitted.includes('acknowledge') && asSubmitted.includes('fix'), asSubmitted.join(','));
  });
});

describe("a won't-fix decision", () => {
  const wontFix = (at: string): SlaEvent => ({ kind: 'state', at: t(at), to: 'rejected', reason: 'wont-fix' });
  const base = [submitted('03-02 10:00'), moved('03-02 12:00', 'triaged'), moved('03-03 10:00', 'accepted')];

  test('"30 days after the fix" counts from the decision, keeps running after it, and is met by disclosure', () => {
    const events = [...base, wontFix('03-05 10:00')];
    const pending = computeDeadlines(events, personalChatter, new Date(t('03-20 10:00'))).find((d) => d.clock === 'disclosure');
    assert.equal(pending?.dueAt, t('04-04 10:00'));
    assert.equal(pending?.status, 'pending');
    assert.equal(pending?.remainingMs, Date.parse(t('04-04 10:00')) - Date.parse(t('03-20 10:00')), 'not frozen at the decision');
    assert.equal(computeDeadlines(events, personalChatter, new Date(t('04-05 10:00'))).find((d) => d.clock === 'disclosure')?.status, 'breached');
    const disclosed = computeDeadlines([...events, moved('03-30 10:00', 'disclosed')], personalChatter, new Date(t('05-01 10:00'))).find((d) => d.clock === 'disclosure');
    assert.equal(disclosed?.status, 'met');
    assert.equal(disclosed?.metAt, t('03-30 10:00'));
  });

  test('"90 days of the report" still counts from the report; an ordinary rejection drops it; archiving freezes it', () => {
    const events = [...base, wontFix('03-05 10:00')];
    assert.equal(computeDeadlines(events, taehv, new Date(t('03-20 10:00'))).find((d) => d.clock === 'disclosure')?.dueAt, t('05-31 10:00'));
    const rejected = [...base, { kind: 'state', at: t('03-05 10:00'), to: 'rejected', reason: 'invalid' } as SlaEvent];
    assert.equal(computeDeadlines(rejected, taehv, new Date(t('03-20 10:00'))).find((d) => d.clock === 'disclosure'), undefined);
    const archived = computeDeadlines([...events, moved('03-10 10:00', 'closed')], taehv, new Date(t('03-20 10:00'))).find((d) => d.clock === 'disclosure');
    assert.equal(archived, undefined, 'a promise still being kept lapses when the report is archived, as for any closed report');
  });
});
