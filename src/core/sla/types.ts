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
  | { kind: 'embargo-set'; at: string; until: string | null };

export const SLA_CLOCKS = ['acknowledge', 'assess', 'detailed_response', 'next_update', 'fix', 'disclosure'] as const;
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
