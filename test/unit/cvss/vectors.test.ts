import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scoreCvss } from '../../../src/core/cvss/index.ts';

/**
 * Published test vectors (RedHatProductSecurity/cvss `tests/`, see test/fixtures/cvss/README.md).
 * Line format: `VECTOR - (base, temporal, environmental)` for v3.x, `VECTOR - (score,)` or
 * `VECTOR - score` for v4.0, where the single score is that of the vector's nomenclature.
 */
const FIXTURES = fileURLToPath(new URL('../../fixtures/cvss/', import.meta.url));

/** Expected line counts, so that a truncated or added fixture file is noticed. */
const EXPECTED_COUNTS: Record<string, number> = {
  vectors_calculator3: 2,
  vectors_cvsslib3: 29,
  vectors_simple3: 2592,
  vectors_simple31: 2592,
  vectors_security4: 54,
  vectors_simple4: 1058,
  vectors_supplemental4: 576,
  vectors_threat4: 6,
};

interface Published {
  line: number;
  vector: string;
  scores: number[];
}

function readFixture(file: string): Published[] {
  const lines = readFileSync(`${FIXTURES}${file}`, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((text, i) => {
    const parts = text.split(' - ');
    const [vector, scoreText] = parts;
    assert.ok(parts.length === 2 && vector && scoreText, `${file}:${i + 1} is not "VECTOR - SCORES": ${text}`);
    const scores = scoreText
      .replace(/^\((.*)\)$/, '$1')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(Number);
    assert.ok(scores.length > 0 && scores.every((s) => /^\d+\.\d$/.test(s.toFixed(1)) && s >= 0 && s <= 10), `${file}:${i + 1} bad scores`);
    return { line: i + 1, vector, scores };
  });
}

const bandOf = (score: number): string =>
  score === 0 ? 'none' : score <= 3.9 ? 'low' : score <= 6.9 ? 'medium' : score <= 8.9 ? 'high' : 'critical';

/** Metrics given with a value other than Not Defined. */
const definedKeys = (vector: string): string[] =>
  vector
    .split('/')
    .slice(1)
    .map((kv) => kv.split(':'))
    .filter(([, value]) => value !== 'X')
    .map(([key]) => key ?? '');

const V3_TEMPORAL = new Set(['E', 'RL', 'RC']);
const V4_THREAT_OR_ENVIRONMENTAL = new Set(['E', 'CR', 'IR', 'AR', 'MAV', 'MAC', 'MAT', 'MPR', 'MUI', 'MVC', 'MVI', 'MVA', 'MSC', 'MSI', 'MSA']);

function mismatches(published: Published): string | null {
  const { vector, scores } = published;
  const result = scoreCvss(vector);
  const keys = definedKeys(vector);
  let expectedScore: number;
  if (result.version === '4.0') {
    assert.equal(scores.length, 1, `line ${published.line}: v4.0 lines carry one score`);
    expectedScore = scores[0] ?? Number.NaN;
    if (!keys.some((k) => V4_THREAT_OR_ENVIRONMENTAL.has(k)) && result.baseScore !== expectedScore) {
      return `line ${published.line} ${vector}: baseScore ${result.baseScore}, published ${expectedScore}`;
    }
  } else {
    assert.equal(scores.length, 3, `line ${published.line}: v3 lines carry base, temporal, environmental`);
    const [base, temporal, environmental] = scores as [number, number, number];
    const got = [result.baseScore, result.temporalScore, result.environmentalScore];
    if (got[0] !== base || got[1] !== temporal || got[2] !== environmental) {
      return `line ${published.line} ${vector}: got (${got.join(', ')}), published (${scores.join(', ')})`;
    }
    const environmentalGiven = keys.some((k) => k === 'CR' || k === 'IR' || k === 'AR' || k.startsWith('M'));
    expectedScore = environmentalGiven ? environmental : keys.some((k) => V3_TEMPORAL.has(k)) ? temporal : base;
  }
  if (result.score !== expectedScore) return `line ${published.line} ${vector}: score ${result.score}, published ${expectedScore}`;
  if (result.severity !== bandOf(expectedScore)) return `line ${published.line} ${vector}: severity ${result.severity} for ${expectedScore}`;
  return null;
}

describe('published CVSS test vectors', () => {
  const files = readdirSync(FIXTURES)
    .filter((f) => f.startsWith('vectors_'))
    .sort();

  test('every fixture file is known', () => {
    assert.deepEqual(files, Object.keys(EXPECTED_COUNTS).sort());
  });

  for (const file of files) {
    test(`${file}: every published score matches`, () => {
      const vectors = readFixture(file);
      assert.equal(vectors.length, EXPECTED_COUNTS[file]);
      const failures = vectors.map(mismatches).filter((m): m is string => m !== null);
      assert.deepEqual(failures, []);
    });
  }
});
