import { isAdvisoryId, isFlawClass, kindOfHash, sharedHashes, type Signature } from './signature.ts';
import type { Term, TermKind } from './terms.ts';

/**
 * How alike two reports are, from their signatures and how common each term is among the project's reports
 * (document frequency): a weighted token-set comparison. A term's weight is its inverse document frequency, so a
 * project's boilerplate (its own name, "denial of service") counts little and a function name only two reports
 * mention counts a lot; identifiers weigh double. The score blends containment (the shorter report's weight
 * found in the other: catches terse re-writes) with Jaccard (the weight of the union shared: keeps a short
 * generic report from matching every long one). Two reports that each name advisory ids but none in common are
 * about different bugs: their score is halved.
 */
export interface Corpus {
  /** Reports signed in the project (before the one being compared). */
  reports: number;
  /** How many of them contain the term; 0 or undefined when none does. */
  df(hash: number): number;
}

// A kind of flaw is no evidence of sameness (most reports name one): it only tells different bugs apart.
const KIND_BOOST: Record<TermKind, number> = { word: 1, cve: 3, ghsa: 3, advisory: 3, function: 2, file: 2, version: 1, package: 1, class: 0 };

export function termWeight(hash: number, corpus: Corpus): number {
  const idf = Math.log(1 + (corpus.reports + 1) / (corpus.df(hash) + 1));
  return idf * KIND_BOOST[kindOfHash(hash)];
}

export interface Similarity {
  score: number;
  /** Weighted share of the shorter report found in the other (0..1). */
  containment: number;
  /** Shared hashes, for the reasons. */
  shared: number[];
  /** Both name advisory ids, none in common. */
  differentIds: boolean;
  /** Both describe a kind of flaw, none in common (hashes of each side's kinds, for the reasons). */
  differentFlaws: boolean;
}

export const CONTAINMENT_SHARE = 0.6;
export const FLAW_PENALTY = 0.6;

export function compare(a: Signature, b: Signature, corpus: Corpus, weightOf: (h: number) => number = (h) => termWeight(h, corpus)): Similarity {
  const shared = sharedHashes(a.hashes, b.hashes);
  let wa = 0;
  let wb = 0;
  let ws = 0;
  let idsA = false;
  let idsB = false;
  let flawsA = false;
  let flawsB = false;
  for (const h of a.hashes) {
    wa += weightOf(h);
    if (isAdvisoryId(h)) idsA = true;
    else if (isFlawClass(h)) flawsA = true;
  }
  for (const h of b.hashes) {
    wb += weightOf(h);
    if (isAdvisoryId(h)) idsB = true;
    else if (isFlawClass(h)) flawsB = true;
  }
  let sharedIds = false;
  let sharedFlaws = false;
  for (const h of shared) {
    ws += weightOf(h);
    if (isAdvisoryId(h)) sharedIds = true;
    else if (isFlawClass(h)) sharedFlaws = true;
  }
  if (wa === 0 || wb === 0) return { score: 0, containment: 0, shared, differentIds: false, differentFlaws: false };
  const containment = ws / Math.min(wa, wb);
  const jaccard = ws / (wa + wb - ws);
  const differentIds = idsA && idsB && !sharedIds;
  const differentFlaws = flawsA && flawsB && !sharedFlaws;
  let score = CONTAINMENT_SHARE * containment + (1 - CONTAINMENT_SHARE) * jaccard;
  if (differentIds) score /= 2;
  if (differentFlaws) score *= FLAW_PENALTY;
  return { score: Math.round(score * 1000) / 1000, containment, shared, differentIds, differentFlaws };
}

const KIND_WORDS: Record<Exclude<TermKind, 'word' | 'class'>, string> = {
  cve: 'same CVE id',
  ghsa: 'same GHSA id',
  advisory: 'same advisory id',
  function: 'same function name',
  file: 'same file',
  version: 'same version',
  package: 'same package',
};

/**
 * The reasons in words, from the new report's own terms (the only plaintext at hand: the other report's
 * signature is hashes). Identifiers first, rarest kinds first; then how much of the wording is shared.
 */
export function reasonsFor(sim: Similarity, termOf: ReadonlyMap<number, Term>, maxIdentifiers = 4): string[] {
  const order: TermKind[] = ['cve', 'ghsa', 'advisory', 'function', 'file', 'package', 'version'];
  const ids = sim.shared
    .map((h) => termOf.get(h))
    .filter((t): t is Term => !!t && t.kind !== 'word' && t.kind !== 'class')
    .sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind));
  // `rtmp/ingest.c` says what `ingest.c` would: one reason, not two.
  const shown = ids.filter((t) => !(t.kind === 'file' && ids.some((o) => o.kind === 'file' && o.text.endsWith(`/${t.text}`))));
  const out = shown.slice(0, maxIdentifiers).map((t) => {
    const words = t.kind === 'cve' || t.kind === 'ghsa' || t.kind === 'advisory' || t.kind === 'version' ? t.shown : `\`${t.shown}\``;
    return `${KIND_WORDS[t.kind as keyof typeof KIND_WORDS]} ${words}`;
  });
  if (shown.length > maxIdentifiers) out.push(`${shown.length - maxIdentifiers} more identifiers in common`);
  out.push(`${Math.round(Math.min(1, sim.containment) * 100)}% of the distinctive wording shared`);
  if (sim.differentIds) out.push('but they name different advisory ids');
  if (sim.differentFlaws) out.push('but they describe different kinds of flaw');
  return out;
}
