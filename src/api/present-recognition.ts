import { describeRange } from '../core/bounty/award.ts';
import { formatMinor } from '../core/bounty/currency.ts';
import type { CurrencyTotal } from '../core/bounty/totals.ts';
import type { HallOfFame as HallOfFameData } from '../core/recognition/hall-of-fame.ts';
import { advisoryUrl } from '../services/advisories/disclosure.ts';
import type { ProjectRecord } from '../services/projects/projects.ts';
import type { BountyEntry, BountyTotals as BountyTotalsData } from '../services/recognition/bounty-ledger.ts';
import type { SubscriberView } from '../services/recognition/mailing-list.ts';
import type { BountyEntry as BountyEntryJson, BountyTotals, CurrencyTotal as CurrencyTotalJson, HallOfFame, Subscriber } from './schemas/recognition.ts';

/** Presenters of recognition: bounty ledger entries and totals, mailing-list subscribers (schemas in ./schemas/recognition.ts). */

const Money = (minor: number | null, currency: string | null) => (minor === null || currency === null ? null : formatMinor(minor, currency));
const iso = (d: Date | null) => d?.toISOString() ?? null;

export const presentBounty = (e: BountyEntry): BountyEntryJson => ({
  id: e.id,
  tracking_id: e.trackingId,
  state: e.state,
  range: e.range
    ? {
        severity: e.range.severity,
        currency: e.range.currency,
        min: Money(e.range.minMinor, e.range.currency),
        max: Money(e.range.maxMinor, e.range.currency),
        rewards: e.range.rewards,
        text: describeRange(e.range),
      }
    : null,
  reward: e.reward
    ? { kind: e.reward.kind, amount: Money(e.reward.amountMinor, e.reward.currency), amount_minor: e.reward.amountMinor, currency: e.reward.currency, items: e.reward.items }
    : null,
  outside_range: e.outsideRange,
  reason: e.reason,
  payment_reference: e.paymentReference,
  closing_reason: e.closingReason,
  reporter: e.reporter,
  proposed_at: iso(e.proposedAt),
  awarded_at: iso(e.awardedAt),
  approved_at: iso(e.approvedAt),
  paid_at: iso(e.paidAt),
  closed_at: iso(e.closedAt),
  awarded_by: e.awardedBy,
  approved_by: e.approvedBy,
  paid_by: e.paidBy,
  closed_by: e.closedBy,
  created_at: e.createdAt.toISOString(),
  updated_at: e.updatedAt.toISOString(),
});

export const presentCurrencyTotal = (t: CurrencyTotal): CurrencyTotalJson => ({
  currency: t.currency,
  awarded: formatMinor(t.awardedMinor, t.currency),
  approved: formatMinor(t.approvedMinor, t.currency),
  paid: formatMinor(t.paidMinor, t.currency),
  total: formatMinor(t.totalMinor, t.currency),
  entries: t.entries,
});

export const presentSubscriber = (s: SubscriberView): Subscriber => ({
  id: s.id,
  email: s.email,
  state: s.state,
  created_at: s.createdAt.toISOString(),
  confirmed_at: s.confirmedAt?.toISOString() ?? null,
  unsubscribed_at: s.unsubscribedAt?.toISOString() ?? null,
});

/** Bounty totals per reporter and per year, per currency (never summed across currencies). */
export const presentBountyTotals = (totals: BountyTotalsData, year: number | null): BountyTotals => ({
  year,
  by_reporter: totals.byReporter.map((r) => ({ reporter: { key: r.reporterKey, label: r.reporterLabel }, currencies: r.currencies.map(presentCurrencyTotal), non_money: r.nonMoney })),
  by_year: totals.byYear.map((y) => ({ year: y.year, currencies: y.currencies.map(presentCurrencyTotal), non_money: y.nonMoney })),
});

/** The public Hall of Fame of a project, with absolute links to each credited advisory. */
export const presentHallOfFame = (publicUrl: string, project: ProjectRecord, hallOfFame: HallOfFameData): HallOfFame => ({
  project: { slug: project.slug, name: project.name },
  entries: hallOfFame.entries.map((e) => ({
    name: e.name,
    advisory_count: e.advisories.length,
    first_credited_at: e.firstCreditedAt,
    advisories: e.advisories.map((a) => ({ id: a.publicId, title: a.title, published_at: a.publishedAt, url: advisoryUrl(publicUrl, project.slug, a.publicId) })),
  })),
  anonymous_credits: hallOfFame.anonymousCredits,
  credited_advisories: hallOfFame.creditedAdvisories,
  text: project.policy.recognition.text ?? null,
  page_url: `${publicUrl}/projects/${encodeURIComponent(project.slug)}/hall-of-fame`,
});
