import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDomainError } from '../../../src/core/errors.ts';
import { rng } from '../../support/fuzz.ts';
import { CVSS_METRIC_DEFINITIONS, CVSS_VERSIONS, parseCvss, scoreCvss, type CvssResult } from '../../../src/core/cvss/index.ts';

const random = rng(0x5eed_c555);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(list: readonly T[]): T => {
  const item = list[int(list.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
};

const ALPHABET = 'CVSS:3.014/AVNLPHUIRXMSTEOFWabcx \u00e9\u0000\ud83d\ude00';
const TOKENS = ['CVSS:', '3.0', '3.1', '4.0', '/', ':', 'AV', 'MSI', 'E', 'U', 'Clear', 'X', 'S', '//', '::', 'AV:N'];

/** A valid vector of `version` with random values for every mandatory and some optional metrics, shuffled. */
function randomValidVector(version: (typeof CVSS_VERSIONS)[number]): string {
  const parts = CVSS_METRIC_DEFINITIONS[version]
    .filter((m) => m.mandatory || random() < 0.3)
    .map((m) => `${m.key}:${pick(m.values).key}`);
  if (random() < 0.5) parts.sort(() => random() - 0.5);
  return [`CVSS:${version}`, ...parts].join('/');
}

function mutate(vector: string): string {
  const at = int(vector.length + 1);
  switch (int(7)) {
    case 0:
      return vector.slice(0, at) + vector.slice(at + 1 + int(3));
    case 1:
      return vector.slice(0, at) + pick([...ALPHABET]) + vector.slice(at);
    case 2:
      return vector.slice(0, at) + pick(TOKENS) + vector.slice(at);
    case 3: {
      const parts = vector.split('/');
      return [...parts, pick(parts)].join('/');
    }
    case 4:
      return vector.slice(0, at);
    case 5:
      return vector.replace(/:[A-Za-z]+/, `:${pick(['N', 'X', 'S', 'Red', 'Q', ''])}`);
    default:
      return vector.toLowerCase();
  }
}

function randomString(): string {
  let s = random() < 0.5 ? pick(['CVSS:3.0/', 'CVSS:3.1/', 'CVSS:4.0/']) : '';
  const length = int(80);
  for (let i = 0; i < length; i++) s += random() < 0.3 ? pick(TOKENS) : pick([...ALPHABET]);
  return s;
}

function checkResult(input: string, r: CvssResult): void {
  for (const score of [r.score, r.baseScore, r.temporalScore ?? 0, r.environmentalScore ?? 0]) {
    assert.ok(score >= 0 && score <= 10 && Math.round(score * 10) / 10 === score, `${input}: score ${score}`);
  }
  const again = scoreCvss(r.vector);
  assert.equal(again.vector, r.vector, `${input}: normalising twice changes the vector`);
  assert.equal(again.score, r.score, `${input}: the normalised vector scores differently`);
}

test('20k random and mutated inputs: a result or a validation DomainError, nothing else', () => {
  const started = performance.now();
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < 20_000; i++) {
    const kind = i % 4;
    const input =
      kind === 0
        ? randomString()
        : kind === 1
          ? randomValidVector(pick(CVSS_VERSIONS))
          : mutate(kind === 2 ? randomValidVector(pick(CVSS_VERSIONS)) : mutate(randomValidVector(pick(CVSS_VERSIONS))));
    try {
      const parsed = parseCvss(input);
      checkResult(input, scoreCvss(input));
      assert.equal(parseCvss(parsed.vector).vector, parsed.vector);
      valid++;
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      assert.ok(isDomainError(e), `iteration ${i}: ${JSON.stringify(input)} threw ${String(e)}`);
      assert.equal(e.code, 'validation');
      const problems = e.details.problems as { field: string; message: string }[];
      assert.ok(problems.length > 0 && problems.every((p) => p.field === 'cvss_vector' && p.message.length > 0));
      invalid++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // Every generator must contribute both outcomes, or the fuzzing has gone blind.
  assert.ok(valid > 4_000 && invalid > 4_000, `valid ${valid}, invalid ${invalid}`);
  assert.ok(seconds < 5, `took ${seconds.toFixed(2)}s`);
});
