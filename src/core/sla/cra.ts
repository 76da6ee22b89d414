import type { Deadline, SlaEvent } from './types.ts';

/**
 * The EU Cyber Resilience Act's Article 14 clocks (docs/cra.md), computed from a report's events like the SLA's:
 * an actively exploited vulnerability or a severe incident, once the manufacturer is aware of it, owes the CSIRT
 * designated as coordinator (through ENISA's single reporting platform) an early warning within 24 hours, a
 * notification within 72 hours and a final report: for a vulnerability within 14 days after a corrective or
 * mitigating measure is available, for a severe incident within one month after the notification.
 *
 * These are statutory, not promises of the policy: they do not depend on the policy version, never pause and do not
 * lapse when the report is closed (a closed report can still owe its final report). Times are elapsed hours and
 * days (24 h, 72 h, 14 × 24 h); "one month" is the same day of the next calendar month (UTC), or its last day.
 */
export const CRA_STAGES = ['early-warning', 'notification', 'final-report'] as const;
export type CraStage = (typeof CRA_STAGES)[number];
export const CRA_CLOCK_OF = { 'early-warning': 'cra-early-warning', notification: 'cra-notification', 'final-report': 'cra-final-report' } as const;

const HOUR = 3_600_000;

export interface CraStatus {
  activelyExploited: boolean;
  severeIncident: boolean;
  /** When the manufacturer became aware; null when neither flag is set. */
  awareAt: string | null;
  /** When a corrective or mitigating measure became available (fixed state, fixed version or publication), if yet. */
  fixAvailableAt: string | null;
  /** The latest filing record of each stage. */
  filings: Partial<Record<CraStage, { filedAt: string; reference: string }>>;
}

/** What the events say about CRA reporting at `now` (events after it are ignored, as by the SLA clock). */
export function craStatusOf(events: readonly SlaEvent[], now: number): CraStatus {
  const status: CraStatus = { activelyExploited: false, severeIncident: false, awareAt: null, fixAvailableAt: null, filings: {} };
  const seen = events.filter((e) => Date.parse(e.at) <= now).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let fixAt: number | undefined;
  for (const e of seen) {
    switch (e.kind) {
      case 'exploitation':
        status.activelyExploited = e.actively_exploited;
        status.severeIncident = e.severe_incident;
        status.awareAt = e.actively_exploited || e.severe_incident ? e.aware_at : null;
        break;
      case 'cra-filed':
        status.filings[e.stage] = { filedAt: e.filed_at, reference: e.reference };
        break;
      case 'fix-available':
        fixAt = Math.min(fixAt ?? Number.POSITIVE_INFINITY, Date.parse(e.at));
        break;
      case 'state':
        if (e.to === 'fixed' || e.to === 'disclosed') fixAt = Math.min(fixAt ?? Number.POSITIVE_INFINITY, Date.parse(e.at));
        break;
      default:
        break;
    }
  }
  status.fixAvailableAt = fixAt === undefined ? null : new Date(fixAt).toISOString();
  return status;
}

/** The same day of the next month (UTC), or that month's last day when it has no such day. */
export function oneMonthAfter(ms: number): number {
  const d = new Date(ms);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, 0)).getUTCDate();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** Each stage's due instant (epoch ms), or undefined while it has not started (a final report before any fix). */
export function craDueTimes(status: CraStatus): Partial<Record<CraStage, number>> {
  if (status.awareAt === null) return {};
  const aware = Date.parse(status.awareAt);
  const notificationDue = aware + 72 * HOUR;
  const finals: number[] = [];
  if (status.activelyExploited && status.fixAvailableAt !== null) finals.push(Date.parse(status.fixAvailableAt) + 14 * 24 * HOUR);
  if (status.severeIncident) {
    const notified = status.filings.notification ? Date.parse(status.filings.notification.filedAt) : notificationDue;
    finals.push(oneMonthAfter(notified));
  }
  return { 'early-warning': aware + 24 * HOUR, notification: notificationDue, ...(finals.length ? { 'final-report': Math.min(...finals) } : {}) };
}

const PROMISE: Record<CraStage, string> = {
  'early-warning': 'CRA Art. 14: early warning to the coordinating CSIRT (ENISA single reporting platform) within 24 hours of awareness',
  notification: 'CRA Art. 14: vulnerability/incident notification within 72 hours of awareness',
  'final-report': 'CRA Art. 14: final report within 14 days after a corrective measure is available (severe incident: one month after the notification)',
};

/** The CRA deadlines of a report at `now`: none unless it is marked actively exploited or a severe incident. */
export function craDeadlines(events: readonly SlaEvent[], now: number): Deadline[] {
  const status = craStatusOf(events, now);
  const due = craDueTimes(status);
  return CRA_STAGES.flatMap((stage): Deadline[] => {
    const dueAt = due[stage];
    if (dueAt === undefined) return [];
    const base = { clock: CRA_CLOCK_OF[stage], dueAt: new Date(dueAt).toISOString(), reporterVisible: false, promise: PROMISE[stage] };
    const filed = status.filings[stage];
    if (filed) {
      const metAt = Date.parse(filed.filedAt);
      return [{ ...base, status: metAt <= dueAt ? 'met' : 'breached', metAt: new Date(metAt).toISOString() }];
    }
    const remainingMs = dueAt - now;
    return [{ ...base, status: remainingMs < 0 ? 'breached' : 'pending', remainingMs }];
  });
}
