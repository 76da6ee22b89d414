import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare } from '../../src/core/triage/similarity.ts';
import { signText, type Signature, type TermHash } from '../../src/core/triage/signature.ts';

/** The labelled evaluation set of test/fixtures/triage (see make-pairs.ts there). */
export interface EvalSet {
  docs: { id: string; title: string; text: string }[];
  pairs: [later: string, earlier: string, duplicate: 0 | 1, kind: string][];
}

export const loadEvalSet = (root: string): EvalSet => JSON.parse(readFileSync(join(root, 'test/fixtures/triage/pairs.json'), 'utf8')) as EvalSet;

export interface Scored { later: string; earlier: string; duplicate: boolean; kind: string; score: number }

/**
 * Every pair's score as the product computes it, with document frequencies over the whole set standing in for
 * one project's reports (a harder case than a real project: the set mixes ~60 packages, so one package's
 * boilerplate looks rarer, and weighs more, than it would among that package's own reports).
 */
export function scorePairs(set: EvalSet, hash: TermHash): Scored[] {
  const sigs = new Map<string, Signature>();
  const df = new Map<number, number>();
  for (const d of set.docs) {
    const { signature } = signText(`${d.title}\n${d.text}`, hash);
    sigs.set(d.id, signature);
    for (const h of signature.hashes) df.set(h, (df.get(h) ?? 0) + 1);
  }
  const corpus = { reports: set.docs.length, df: (h: number) => df.get(h) ?? 0 };
  return set.pairs.map(([later, earlier, dup, kind]) => {
    const a = sigs.get(later);
    const b = sigs.get(earlier);
    if (!a || !b) throw new Error(`pair ${later} ${earlier} names a missing doc`);
    return { later, earlier, duplicate: dup === 1, kind, score: compare(a, b, corpus).score };
  });
}

export interface Quality { threshold: number; precision: number; recall: number; f1: number; tp: number; fp: number; fn: number }

export function qualityAt(scored: readonly Scored[], threshold: number): Quality {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const s of scored) {
    const flagged = s.score >= threshold;
    if (flagged && s.duplicate) tp++;
    else if (flagged) fp++;
    else if (s.duplicate) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  return { threshold, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, tp, fp, fn };
}
