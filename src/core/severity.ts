export const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used to sort queues and SLA views. */
export const severityRank = (s: Severity | null | undefined): number => (s ? SEVERITIES.indexOf(s) : -1);

export const isSeverity = (v: unknown): v is Severity =>
  typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
