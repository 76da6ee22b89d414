import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTermHash, triageIndexKey } from '../../../src/adapters/crypto/term-hash.ts';
import { DEFAULT_DUPLICATE_THRESHOLD } from '../../../src/core/triage/threshold.ts';
import { REPO } from '../../support/fixtures.ts';
import { loadEvalSet, qualityAt, scorePairs } from '../../support/triage-eval.ts';

/**
 * The labelled set of test/fixtures/triage (real OSV texts, paraphrases by rule and by hand, hard negatives from
 * the same packages) at the default threshold: a change to the terms, weights or score that loses precision or
 * recall fails here. bench/duplicates.ts prints the same figures with latency.
 */
describe('duplicate detection on the labelled set', () => {
  const set = loadEvalSet(REPO);
  const scored = scorePairs(set, createTermHash(triageIndexKey(Buffer.alloc(32, 18))));

  test('the set is what it claims: hundreds of pairs, both labels, every kind', () => {
    assert.ok(set.pairs.length >= 300, String(set.pairs.length));
    const kinds = new Set(set.pairs.map((p) => p[3]));
    for (const k of ['paraphrase', 'terse', 'hand', 'same-package', 'same-package-paraphrase', 'same-package-terse']) assert.ok(kinds.has(k), k);
  });

  test('precision and recall at the default threshold stay at or above 0.95', () => {
    const q = qualityAt(scored, DEFAULT_DUPLICATE_THRESHOLD);
    assert.ok(q.precision >= 0.95, `precision ${q.precision.toFixed(3)} (${q.fp} false positives)`);
    assert.ok(q.recall >= 0.95, `recall ${q.recall.toFixed(3)} (${q.fn} missed)`);
  });

  test('each kind of re-submission is mostly caught, each kind of hard negative mostly not flagged', () => {
    for (const kind of new Set(scored.map((s) => s.kind))) {
      const of = scored.filter((s) => s.kind === kind);
      const right = of.filter((s) => (s.score >= DEFAULT_DUPLICATE_THRESHOLD) === s.duplicate).length;
      assert.ok(right / of.length >= 0.75, `${kind}: ${right}/${of.length}`);
    }
  });

  test('the scores do not depend on the key (only on which terms are shared)', () => {
    const other = scorePairs(set, createTermHash(triageIndexKey(Buffer.alloc(32, 99))));
    const changed = other.filter((s, i) => Math.abs(s.score - (scored[i]?.score ?? -1)) > 1e-9);
    assert.ok(changed.length <= 2, `${changed.length} pairs scored differently (32-bit collisions allow a stray one)`);
  });
});
