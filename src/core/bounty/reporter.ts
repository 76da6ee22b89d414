/** Who a ledger entry rewards, as the report named them when the proposal or award was made. */
export interface BountyReporter {
  trackingId: string;
  creditChoice: string;
  creditName: string | null;
  reporterName: string | null;
  reporterEmail: string | null;
}

export interface ReporterIdentity {
  /** Groups entries of one person across reports: the address when there is one, else the credited name. */
  key: string;
  /** What maintainers see in the ledger; never shown publicly. */
  label: string;
}

const norm = (s: string | null | undefined): string | null => s?.trim().replace(/\s+/g, ' ') || null;

/**
 * The e-mail address identifies a reporter best (names collide, addresses rarely do); without one, the name
 * they are credited under; without either, the report itself (an anonymous reporter is one person per report).
 */
export function reporterIdentity(r: BountyReporter): ReporterIdentity {
  const email = norm(r.reporterEmail)?.toLowerCase() ?? null;
  const credited = r.creditChoice === 'credit' ? norm(r.creditName) ?? norm(r.reporterName) : null;
  const name = credited ?? norm(r.reporterName);
  const key = email ? `email:${email}` : name ? `name:${name.toLowerCase()}` : `report:${r.trackingId}`;
  const label = name ? (email ? `${name} <${email}>` : name) : email ?? `Anonymous reporter of ${r.trackingId}`;
  return { key, label };
}
