import type { Severity } from '../severity.ts';
import type { RejectionReason, ReportState } from '../reports/states.ts';

/** What happened to one report, in time order; the only input of the SLA clock besides policy and now. */
export type SlaEvent =
  /** `internal`: filed by the maintainers themselves (a scan finding): no reporter is owed a response clock. */
  | { kind: 'submitted'; at: string; internal?: boolean }
  /** `reason`: a rejection's reason (`wont-fix` keeps the disclosure clock running). */
  | { kind: 'state'; at: string; to: ReportState; reason?: RejectionReason | null }
  | { kind: 'severity'; at: string; severity: Severity | null }
  /** A message from a maintainer visible to the reporter (internal notes do not count). */
  | { kind: 'maintainer-reply'; at: string }
  | { kind: 'reporter-message'; at: string }
  /** An agreed public disclosure (embargo) date that replaces the policy's default deadline. */
  | { kind: 'embargo-set'; at: string; until: string | null }
  /** CRA Article 14 (docs/cra.md): the latest marking wins; `aware_at` is when the manufacturer became aware. */
  | { kind: 'exploitation'; at: string; actively_exploited: boolean; severe_incident: boolean; aware_at: string | null }
  /** A CRA notification stage filed with the CSIRT/ENISA outside Embargo, recorded with its reference. */
  | { kind: 'cra-filed'; at: string; stage: 'early-warning' | 'notification' | 'final-report'; filed_at: string; reference: string }
  /** A corrective or mitigating measure became available (the linked advisory names a fixed version or was published). */
  | { kind: 'fix-available'; at: string; source: string };

export const SLA_CLOCKS = ['acknowledge', 'assess', 'detailed_response', 'next_update', 'fix', 'disclosure', 'cra-early-warning', 'cra-notification', 'cra-final-report'] as const;
/** The CRA Article 14 clocks (core/sla/cra.ts): statutory, shown to maintainers only. */
export const CRA_CLOCKS = ['cra-early-warning', 'cra-notification', 'cra-final-report'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

export type DeadlineStatus = 'pending' | 'met' | 'breached' | 'paused';

export interface Deadline {
  clock: SlaClock;
  /** ISO-8601 UTC instant; for a paused clock, the due time if it resumed now. */
  dueAt: string;
  status: DeadlineStatus;
  /** When the clock was satisfied (met, or met late for a breach that was later fulfilled). */
  metAt?: string;
  /** Milliseconds until due (negative when overdue); absent once met. */
  remainingMs?: number;
  /** Whether the reporter is shown this deadline on their status page. */
  reporterVisible: boolean;
  /** The policy's wording of the promise, for display. */
  promise: string;
}
