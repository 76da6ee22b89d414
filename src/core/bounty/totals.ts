import { COUNTED_BOUNTY_STATES, type BountyState } from './states.ts';
import type { RewardKind } from './award.ts';

export interface LedgerLine {
  state: BountyState;
  kind: RewardKind | null;
  amountMinor: number | null;
  currency: string | null;
  /** RFC 3339 UTC. */
  awardedAt: string | null;
  paidAt: string | null;
  reporterKey: string;
  reporterLabel: string;
}

/** Amounts in one currency; never summed across currencies. */
export interface CurrencyTotal {
  currency: string;
  /** Awarded, awaiting approval. */
  awardedMinor: number;
  /** Approved, awaiting payment. */
  approvedMinor: number;
  paidMinor: number;
  /** All three. */
  totalMinor: number;
  entries: number;
}

export interface TotalsBucket {
  currencies: CurrencyTotal[];
  /** Counted entries without money (non-money or credit-only rewards). */
  nonMoney: number;
}

export interface ReporterTotals extends TotalsBucket {
  reporterKey: string;
  reporterLabel: string;
}

export interface YearTotals extends TotalsBucket {
  year: number;
}

/**
 * The year an entry counts in: the payment's year once paid (what left the account that year), the award's
 * year before. UTC, like every stored time.
 */
export const yearOf = (line: Pick<LedgerLine, 'state' | 'awardedAt' | 'paidAt'>): number | null => {
  const at = line.state === 'paid' && line.paidAt ? line.paidAt : line.awardedAt;
  return at ? Number(at.slice(0, 4)) : null;
};

function add(bucket: TotalsBucket, line: LedgerLine): void {
  if (line.kind !== 'money' || line.amountMinor === null || line.currency === null) {
    bucket.nonMoney += 1;
    return;
  }
  let t = bucket.currencies.find((c) => c.currency === line.currency);
  if (!t) bucket.currencies.push((t = { currency: line.currency, awardedMinor: 0, approvedMinor: 0, paidMinor: 0, totalMinor: 0, entries: 0 }));
  if (line.state === 'awarded') t.awardedMinor += line.amountMinor;
  if (line.state === 'approved') t.approvedMinor += line.amountMinor;
  if (line.state === 'paid') t.paidMinor += line.amountMinor;
  t.totalMinor += line.amountMinor;
  t.entries += 1;
}

const counted = (lines: readonly LedgerLine[]) => lines.filter((l) => COUNTED_BOUNTY_STATES.includes(l.state));
const sortCurrencies = <T extends TotalsBucket>(b: T): T => ({ ...b, currencies: [...b.currencies].sort((x, y) => x.currency.localeCompare(y.currency)) });

/** Totals per reporter, per currency; reporters ordered by label. Proposed, declined and cancelled entries do not count. */
export function totalsByReporter(lines: readonly LedgerLine[]): ReporterTotals[] {
  const byKey = new Map<string, ReporterTotals>();
  for (const line of counted(lines)) {
    let b = byKey.get(line.reporterKey);
    if (!b) byKey.set(line.reporterKey, (b = { reporterKey: line.reporterKey, reporterLabel: line.reporterLabel, currencies: [], nonMoney: 0 }));
    add(b, line);
  }
  return [...byKey.values()].map(sortCurrencies).sort((a, b) => a.reporterLabel.localeCompare(b.reporterLabel) || a.reporterKey.localeCompare(b.reporterKey));
}

/** Totals per year (see `yearOf`), per currency; newest year first. */
export function totalsByYear(lines: readonly LedgerLine[]): YearTotals[] {
  const byYear = new Map<number, YearTotals>();
  for (const line of counted(lines)) {
    const year = yearOf(line);
    if (year === null) continue;
    let b = byYear.get(year);
    if (!b) byYear.set(year, (b = { year, currencies: [], nonMoney: 0 }));
    add(b, line);
  }
  return [...byYear.values()].map(sortCurrencies).sort((a, b) => b.year - a.year);
}
