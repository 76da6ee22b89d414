/**
 * The Hall of Fame as data: who is credited in a project's published advisories. Pure: the service passes the
 * published advisories in, the page and the JSON route present the result.
 */

/** Credit types of people who found or reported the issue; maintainers credited for the fix are not listed. */
export const HALL_OF_FAME_CREDIT_TYPES: readonly string[] = ['finder', 'reporter'];

export interface PublishedCredits {
  publicId: string;
  title: string;
  /** RFC 3339 UTC. */
  publishedAt: string;
  credits: ReadonlyArray<{ name: string | null; type: string }>;
}

export interface HallOfFameEntry {
  name: string;
  /** Chronological: the first credit first. */
  advisories: Array<{ publicId: string; title: string; publishedAt: string }>;
  firstCreditedAt: string;
}

export interface HallOfFame {
  entries: HallOfFameEntry[];
  /** Credits of reporters who chose anonymity: counted, never named. */
  anonymousCredits: number;
  /** Published advisories with at least one counted credit. */
  creditedAdvisories: number;
}

const clean = (name: string): string => name.trim().replace(/\s+/g, ' ');

/**
 * Groups credits by name (whitespace-normalised, case-insensitive: "Ada R." and "ada r." are one person, shown as
 * first credited), one advisory counted once per person. Ordered by number of advisories (most first), then by
 * first credit (earliest first), then by name.
 */
export function buildHallOfFame(advisories: readonly PublishedCredits[]): HallOfFame {
  const byName = new Map<string, HallOfFameEntry>();
  let anonymousCredits = 0;
  let creditedAdvisories = 0;
  const chronological = [...advisories].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.publicId.localeCompare(b.publicId));
  for (const adv of chronological) {
    const counted = adv.credits.filter((c) => HALL_OF_FAME_CREDIT_TYPES.includes(c.type));
    if (counted.length) creditedAdvisories += 1;
    for (const credit of counted) {
      const name = credit.name === null ? '' : clean(credit.name);
      if (!name) {
        anonymousCredits += 1;
        continue;
      }
      const key = name.toLowerCase();
      let entry = byName.get(key);
      if (!entry) byName.set(key, (entry = { name, advisories: [], firstCreditedAt: adv.publishedAt }));
      if (!entry.advisories.some((a) => a.publicId === adv.publicId)) entry.advisories.push({ publicId: adv.publicId, title: adv.title, publishedAt: adv.publishedAt });
    }
  }
  const entries = [...byName.values()].sort(
    (a, b) => b.advisories.length - a.advisories.length || a.firstCreditedAt.localeCompare(b.firstCreditedAt) || a.name.localeCompare(b.name),
  );
  return { entries, anonymousCredits, creditedAdvisories };
}
