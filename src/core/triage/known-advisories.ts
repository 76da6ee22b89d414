import { compare, reasonsFor, type Corpus } from './similarity.ts';
import { signText, type SignedTerms, type TermHash } from './signature.ts';

/**
 * "This is already public as GHSA-…": a report matched against imported OSV records, by the ids it names (a
 * record's id or alias: score 1) or, for the records of packages it names, by its text (the duplicate score).
 */
export interface AdvisoryText {
  id: string;
  aliases: readonly string[];
  summary?: string | undefined;
  details?: string | undefined;
  /** Its affected packages' names as the report would write them (lower-cased). */
  packages: readonly string[];
}

export interface KnownAdvisory {
  id: string;
  score: number;
  reasons: string[];
}

const STOP = new Set(['the', 'and', 'for', 'with', 'this', 'that', 'from', 'are', 'was', 'not', 'can', 'has', 'have', 'but', 'you', 'all', 'any', 'its', 'our', 'via', 'use']);
const NAME = /[a-z0-9@][a-z0-9._@/-]*[a-z0-9]/gi;

/** Words of a report that could be package names (`requests`, `@babel/core`, `github.com/gin-gonic/gin`), each once. */
export function packageNameCandidates(text: string, max = 300): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(NAME)) {
    const w = m[0].toLowerCase().replace(/[.]+$/, '');
    if (w.length < 2 || STOP.has(w) || /^\d+(\.\d+)*$/.test(w)) continue;
    out.add(w);
    if (out.size >= max) break;
  }
  return [...out];
}

/** The advisory ids a report names, upper-cased, from its terms. */
export function namedAdvisoryIds(signed: SignedTerms): string[] {
  return [...signed.termOf.values()].filter((t) => t.kind === 'cve' || t.kind === 'ghsa' || t.kind === 'advisory').map((t) => t.text.toUpperCase());
}

export function matchKnownAdvisories(
  report: SignedTerms,
  reportNames: ReadonlySet<string>,
  records: readonly AdvisoryText[],
  corpus: Corpus,
  hash: TermHash,
  floor: number,
  max = 5,
): KnownAdvisory[] {
  const named = new Set(namedAdvisoryIds(report));
  const out: KnownAdvisory[] = [];
  for (const r of records) {
    const ids = [r.id, ...r.aliases].map((a) => a.toUpperCase());
    const hit = ids.find((a) => named.has(a));
    if (hit) {
      out.push({ id: r.id, score: 1, reasons: [hit === r.id.toUpperCase() ? `names ${r.id}` : `names ${hit}, an alias of ${r.id}`] });
      continue;
    }
    const text = [r.summary, r.details].filter(Boolean).join('\n');
    if (!text) continue;
    const sim = compare(report.signature, signText(text, hash).signature, corpus);
    if (sim.score < floor) continue;
    const pkg = r.packages.find((p) => reportNames.has(p));
    out.push({ id: r.id, score: sim.score, reasons: [...(pkg ? [`names its package \`${pkg}\``] : []), ...reasonsFor(sim, report.termOf)] });
  }
  return out.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, max);
}
