import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError, isDomainError } from '../../../src/core/errors.ts';
import {
  CVSS_METRIC_DEFINITIONS,
  CVSS_VERSIONS,
  MAX_VECTOR_LENGTH,
  cvssSeverity,
  parseCvss,
  scoreCvss,
  type CvssVersion,
} from '../../../src/core/cvss/index.ts';
import { roundHalfUp40, roundUp30, roundUp31 } from '../../../src/core/cvss/rounding.ts';

/** `metric:value` replaced in (or appended to) `vector`. */
function withMetric(vector: string, metricValue: string): string {
  const parts = vector.split('/');
  const key = metricValue.split(':')[0];
  const at = parts.findIndex((p) => p.split(':')[0] === key);
  if (at > 0) parts[at] = metricValue;
  else parts.push(metricValue);
  return parts.join('/');
}

/**
 * Every value of every metric, set on one reference vector. Expected scores were cross-checked against
 * exact decimal arithmetic of the specification formulas (v3.1) and a literal port of FIRST's v4.0
 * reference calculator.
 */
const V31_REFERENCE = 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:L/A:N';
const V31_BY_VALUE: [string, [base: number, temporal: number, environmental: number]][] = [
  ['AV:N', [7.1, 7.1, 7.1]],
  ['AV:A', [6.3, 6.3, 6.3]],
  ['AV:L', [6.1, 6.1, 6.1]],
  ['AV:P', [4.9, 4.9, 4.9]],
  ['AC:L', [7.1, 7.1, 7.1]],
  ['AC:H', [5.9, 5.9, 5.9]],
  ['PR:N', [8.2, 8.2, 8.2]],
  ['PR:L', [7.1, 7.1, 7.1]],
  ['PR:H', [5.5, 5.5, 5.5]],
  ['UI:N', [7.1, 7.1, 7.1]],
  ['UI:R', [6.3, 6.3, 6.3]],
  ['S:U', [7.1, 7.1, 7.1]],
  ['S:C', [8.5, 8.5, 8.5]],
  ['C:H', [7.1, 7.1, 7.1]],
  ['C:L', [5.4, 5.4, 5.4]],
  ['C:N', [4.3, 4.3, 4.3]],
  ['I:H', [8.1, 8.1, 8.1]],
  ['I:L', [7.1, 7.1, 7.1]],
  ['I:N', [6.5, 6.5, 6.5]],
  ['A:H', [8.3, 8.3, 8.3]],
  ['A:L', [7.6, 7.6, 7.6]],
  ['A:N', [7.1, 7.1, 7.1]],
  ['E:X', [7.1, 7.1, 7.1]],
  ['E:H', [7.1, 7.1, 7.1]],
  ['E:F', [7.1, 6.9, 6.9]],
  ['E:P', [7.1, 6.7, 6.7]],
  ['E:U', [7.1, 6.5, 6.5]],
  ['RL:X', [7.1, 7.1, 7.1]],
  ['RL:U', [7.1, 7.1, 7.1]],
  ['RL:W', [7.1, 6.9, 6.9]],
  ['RL:T', [7.1, 6.9, 6.9]],
  ['RL:O', [7.1, 6.8, 6.8]],
  ['RC:X', [7.1, 7.1, 7.1]],
  ['RC:C', [7.1, 7.1, 7.1]],
  ['RC:R', [7.1, 6.9, 6.9]],
  ['RC:U', [7.1, 6.6, 6.6]],
  ['CR:X', [7.1, 7.1, 7.1]],
  ['CR:H', [7.1, 7.1, 8.5]],
  ['CR:M', [7.1, 7.1, 7.1]],
  ['CR:L', [7.1, 7.1, 5.7]],
  ['IR:X', [7.1, 7.1, 7.1]],
  ['IR:H', [7.1, 7.1, 7.4]],
  ['IR:M', [7.1, 7.1, 7.1]],
  ['IR:L', [7.1, 7.1, 6.8]],
  ['AR:X', [7.1, 7.1, 7.1]],
  ['AR:H', [7.1, 7.1, 7.1]],
  ['AR:M', [7.1, 7.1, 7.1]],
  ['AR:L', [7.1, 7.1, 7.1]],
  ['MAV:X', [7.1, 7.1, 7.1]],
  ['MAV:N', [7.1, 7.1, 7.1]],
  ['MAV:A', [7.1, 7.1, 6.3]],
  ['MAV:L', [7.1, 7.1, 6.1]],
  ['MAV:P', [7.1, 7.1, 4.9]],
  ['MAC:X', [7.1, 7.1, 7.1]],
  ['MAC:L', [7.1, 7.1, 7.1]],
  ['MAC:H', [7.1, 7.1, 5.9]],
  ['MPR:X', [7.1, 7.1, 7.1]],
  ['MPR:N', [7.1, 7.1, 8.2]],
  ['MPR:L', [7.1, 7.1, 7.1]],
  ['MPR:H', [7.1, 7.1, 5.5]],
  ['MUI:X', [7.1, 7.1, 7.1]],
  ['MUI:N', [7.1, 7.1, 7.1]],
  ['MUI:R', [7.1, 7.1, 6.3]],
  ['MS:X', [7.1, 7.1, 7.1]],
  ['MS:U', [7.1, 7.1, 7.1]],
  ['MS:C', [7.1, 7.1, 8.5]],
  ['MC:X', [7.1, 7.1, 7.1]],
  ['MC:H', [7.1, 7.1, 7.1]],
  ['MC:L', [7.1, 7.1, 5.4]],
  ['MC:N', [7.1, 7.1, 4.3]],
  ['MI:X', [7.1, 7.1, 7.1]],
  ['MI:H', [7.1, 7.1, 8.1]],
  ['MI:L', [7.1, 7.1, 7.1]],
  ['MI:N', [7.1, 7.1, 6.5]],
  ['MA:X', [7.1, 7.1, 7.1]],
  ['MA:H', [7.1, 7.1, 8.3]],
  ['MA:L', [7.1, 7.1, 7.6]],
  ['MA:N', [7.1, 7.1, 7.1]],
];

const V40_REFERENCE = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:L/VA:N/SC:L/SI:N/SA:N';
const V40_BY_VALUE: [string, number, string][] = [
  ['AV:N', 7.1, 'CVSS-B'],
  ['AV:A', 7.0, 'CVSS-B'],
  ['AV:L', 6.9, 'CVSS-B'],
  ['AV:P', 5.2, 'CVSS-B'],
  ['AC:L', 7.1, 'CVSS-B'],
  ['AC:H', 6.0, 'CVSS-B'],
  ['AT:N', 7.1, 'CVSS-B'],
  ['AT:P', 6.0, 'CVSS-B'],
  ['PR:N', 8.8, 'CVSS-B'],
  ['PR:L', 7.1, 'CVSS-B'],
  ['PR:H', 7.0, 'CVSS-B'],
  ['UI:N', 7.1, 'CVSS-B'],
  ['UI:P', 7.0, 'CVSS-B'],
  ['UI:A', 6.9, 'CVSS-B'],
  ['VC:H', 7.1, 'CVSS-B'],
  ['VC:L', 5.3, 'CVSS-B'],
  ['VC:N', 5.3, 'CVSS-B'],
  ['VI:H', 8.6, 'CVSS-B'],
  ['VI:L', 7.1, 'CVSS-B'],
  ['VI:N', 7.1, 'CVSS-B'],
  ['VA:H', 7.2, 'CVSS-B'],
  ['VA:L', 7.2, 'CVSS-B'],
  ['VA:N', 7.1, 'CVSS-B'],
  ['SC:H', 8.3, 'CVSS-B'],
  ['SC:L', 7.1, 'CVSS-B'],
  ['SC:N', 7.1, 'CVSS-B'],
  ['SI:H', 8.4, 'CVSS-B'],
  ['SI:L', 7.1, 'CVSS-B'],
  ['SI:N', 7.1, 'CVSS-B'],
  ['SA:H', 8.4, 'CVSS-B'],
  ['SA:L', 7.1, 'CVSS-B'],
  ['SA:N', 7.1, 'CVSS-B'],
  ['E:X', 7.1, 'CVSS-B'],
  ['E:A', 7.1, 'CVSS-BT'],
  ['E:P', 5.7, 'CVSS-BT'],
  ['E:U', 5.0, 'CVSS-BT'],
  ['CR:X', 7.1, 'CVSS-B'],
  ['CR:H', 7.1, 'CVSS-BE'],
  ['CR:M', 5.7, 'CVSS-BE'],
  ['CR:L', 5.7, 'CVSS-BE'],
  ['IR:X', 7.1, 'CVSS-B'],
  ['IR:H', 7.1, 'CVSS-BE'],
  ['IR:M', 7.1, 'CVSS-BE'],
  ['IR:L', 7.0, 'CVSS-BE'],
  ['AR:X', 7.1, 'CVSS-B'],
  ['AR:H', 7.1, 'CVSS-BE'],
  ['AR:M', 7.1, 'CVSS-BE'],
  ['AR:L', 7.0, 'CVSS-BE'],
  ['MAV:X', 7.1, 'CVSS-B'],
  ['MAV:N', 7.1, 'CVSS-BE'],
  ['MAV:A', 7.0, 'CVSS-BE'],
  ['MAV:L', 6.9, 'CVSS-BE'],
  ['MAV:P', 5.2, 'CVSS-BE'],
  ['MAC:X', 7.1, 'CVSS-B'],
  ['MAC:L', 7.1, 'CVSS-BE'],
  ['MAC:H', 6.0, 'CVSS-BE'],
  ['MAT:X', 7.1, 'CVSS-B'],
  ['MAT:N', 7.1, 'CVSS-BE'],
  ['MAT:P', 6.0, 'CVSS-BE'],
  ['MPR:X', 7.1, 'CVSS-B'],
  ['MPR:N', 8.8, 'CVSS-BE'],
  ['MPR:L', 7.1, 'CVSS-BE'],
  ['MPR:H', 7.0, 'CVSS-BE'],
  ['MUI:X', 7.1, 'CVSS-B'],
  ['MUI:N', 7.1, 'CVSS-BE'],
  ['MUI:P', 7.0, 'CVSS-BE'],
  ['MUI:A', 6.9, 'CVSS-BE'],
  ['MVC:X', 7.1, 'CVSS-B'],
  ['MVC:H', 7.1, 'CVSS-BE'],
  ['MVC:L', 5.3, 'CVSS-BE'],
  ['MVC:N', 5.3, 'CVSS-BE'],
  ['MVI:X', 7.1, 'CVSS-B'],
  ['MVI:H', 8.6, 'CVSS-BE'],
  ['MVI:L', 7.1, 'CVSS-BE'],
  ['MVI:N', 7.1, 'CVSS-BE'],
  ['MVA:X', 7.1, 'CVSS-B'],
  ['MVA:H', 7.2, 'CVSS-BE'],
  ['MVA:L', 7.2, 'CVSS-BE'],
  ['MVA:N', 7.1, 'CVSS-BE'],
  ['MSC:X', 7.1, 'CVSS-B'],
  ['MSC:H', 8.3, 'CVSS-BE'],
  ['MSC:L', 7.1, 'CVSS-BE'],
  ['MSC:N', 7.1, 'CVSS-BE'],
  ['MSI:X', 7.1, 'CVSS-B'],
  ['MSI:S', 9.3, 'CVSS-BE'],
  ['MSI:H', 8.4, 'CVSS-BE'],
  ['MSI:L', 7.1, 'CVSS-BE'],
  ['MSI:N', 7.1, 'CVSS-BE'],
  ['MSA:X', 7.1, 'CVSS-B'],
  ['MSA:S', 9.3, 'CVSS-BE'],
  ['MSA:H', 8.4, 'CVSS-BE'],
  ['MSA:L', 7.1, 'CVSS-BE'],
  ['MSA:N', 7.1, 'CVSS-BE'],
  ['S:X', 7.1, 'CVSS-B'],
  ['S:N', 7.1, 'CVSS-B'],
  ['S:P', 7.1, 'CVSS-B'],
  ['AU:X', 7.1, 'CVSS-B'],
  ['AU:N', 7.1, 'CVSS-B'],
  ['AU:Y', 7.1, 'CVSS-B'],
  ['R:X', 7.1, 'CVSS-B'],
  ['R:A', 7.1, 'CVSS-B'],
  ['R:U', 7.1, 'CVSS-B'],
  ['R:I', 7.1, 'CVSS-B'],
  ['V:X', 7.1, 'CVSS-B'],
  ['V:D', 7.1, 'CVSS-B'],
  ['V:C', 7.1, 'CVSS-B'],
  ['RE:X', 7.1, 'CVSS-B'],
  ['RE:L', 7.1, 'CVSS-B'],
  ['RE:M', 7.1, 'CVSS-B'],
  ['RE:H', 7.1, 'CVSS-B'],
  ['U:X', 7.1, 'CVSS-B'],
  ['U:Clear', 7.1, 'CVSS-B'],
  ['U:Green', 7.1, 'CVSS-B'],
  ['U:Amber', 7.1, 'CVSS-B'],
  ['U:Red', 7.1, 'CVSS-B'],
];

const allMetricValues = (version: CvssVersion): string[] =>
  CVSS_METRIC_DEFINITIONS[version].flatMap((m) => m.values.map((v) => `${m.key}:${v.key}`));

describe('every metric value', () => {
  test('the tables cover every value of every metric', () => {
    assert.deepEqual(V31_BY_VALUE.map(([mv]) => mv).sort(), allMetricValues('3.1').sort());
    assert.deepEqual(V40_BY_VALUE.map(([mv]) => mv).sort(), allMetricValues('4.0').sort());
  });

  for (const [metricValue, [base, temporal, environmental]] of V31_BY_VALUE) {
    test(`3.1 ${metricValue}`, () => {
      const vector = withMetric(V31_REFERENCE, metricValue);
      const r = scoreCvss(vector);
      assert.deepEqual([r.baseScore, r.temporalScore, r.environmentalScore], [base, temporal, environmental]);
      assert.equal(parseCvss(vector).metrics[metricValue.split(':')[0] ?? ''], metricValue.split(':')[1]);
      // v3.0 shares the metrics; on this vector its formulas agree with v3.1.
      const r30 = scoreCvss(vector.replace('CVSS:3.1/', 'CVSS:3.0/'));
      assert.deepEqual([r30.baseScore, r30.temporalScore, r30.environmentalScore], [base, temporal, environmental]);
    });
  }

  for (const [metricValue, score, nomenclature] of V40_BY_VALUE) {
    test(`4.0 ${metricValue}`, () => {
      const vector = withMetric(V40_REFERENCE, metricValue);
      const r = scoreCvss(vector);
      assert.equal(r.score, score);
      assert.equal(r.nomenclature, nomenclature);
      assert.equal(r.baseScore, nomenclature === 'CVSS-B' ? score : scoreCvss(withMetric(V40_REFERENCE, metricValue.replace(/:.*/, ':X'))).baseScore);
      assert.equal(parseCvss(vector).metrics[metricValue.split(':')[0] ?? ''], metricValue.split(':')[1]);
    });
  }
});

describe('scores and sub-scores', () => {
  test('well-known v3.1 vectors and their sub-scores', () => {
    const critical = scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    assert.deepEqual(
      [critical.score, critical.severity, critical.impactSubScore, critical.exploitabilitySubScore],
      [9.8, 'critical', 5.9, 3.9],
    );
    // Sub-scores round half up (1.4124 → 1.4), unlike scores, which round up.
    const medium = scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N');
    assert.deepEqual([medium.score, medium.impactSubScore, medium.exploitabilitySubScore], [5.3, 1.4, 3.9]);
    // Scope changed with no impact: the impact formula goes negative; the score is 0 and the sub-score reads 0.
    const none = scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N');
    assert.deepEqual([none.score, none.severity, none.impactSubScore], [0, 'none', 0]);
  });

  test('v3.1 changed the Scope Changed environmental formula, so base-only vectors differ from v3.0', () => {
    const v30 = scoreCvss('CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H');
    const v31 = scoreCvss('CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H');
    assert.deepEqual([v30.baseScore, v30.temporalScore, v30.environmentalScore], [9.9, 9.9, 9.9]);
    assert.deepEqual([v31.baseScore, v31.temporalScore, v31.environmentalScore], [9.9, 9.9, 10]);
    // No environmental metric is given, so the reported score stays the base score in both versions.
    assert.equal(v31.score, 9.9);
  });

  test('the reported score is the most specific group given; X counts as not given', () => {
    const base = 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:L/A:N';
    assert.equal(scoreCvss(`${base}/E:X/RL:X/CR:X/MAV:X`).score, 7.1);
    assert.equal(scoreCvss(`${base}/E:U`).score, 6.5);
    assert.equal(scoreCvss(`${base}/E:U/CR:L`).score, 5.2);
    assert.equal(scoreCvss(`${base}/CR:L`).score, 5.7);
  });

  test('v4.0 nomenclature, base score and MacroVector', () => {
    const b = scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N');
    assert.deepEqual([b.score, b.nomenclature, b.macroVector, b.severity], [9.3, 'CVSS-B', '000200', 'critical']);
    const bte = scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/IR:L/AR:L');
    assert.deepEqual([bte.score, bte.nomenclature], [6.5, 'CVSS-BTE']);
    assert.equal(bte.baseScore, 9.3);
    assert.equal(bte.macroVector, '000221');
    const supplemental = scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/U:Red');
    assert.deepEqual([supplemental.score, supplemental.nomenclature], [9.3, 'CVSS-B']);
    assert.equal(scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N').score, 0);
    assert.equal(scoreCvss('CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:L/E:U').score, 0.1);
    assert.equal(scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H').score, 10);
  });
});

describe('rounding', () => {
  test('v3.1 Roundup works on integers: float noise and 4.000001 stay at 4.0', () => {
    assert.equal(roundUp31(4.000001), 4);
    assert.equal(roundUp31(4.0000049), 4);
    assert.equal(roundUp31(4.00001), 4.1);
    assert.equal(roundUp31(4.02), 4.1);
    assert.equal(roundUp31(4), 4);
    assert.equal(roundUp31(0.1 + 0.2), 0.3);
    assert.equal(roundUp31(10), 10);
  });

  test('v3.0 round up is the plain ceiling of the exact value: only float noise is forgiven', () => {
    assert.equal(roundUp30(4.000001), 4.1);
    assert.equal(roundUp30(4.0000000001), 4);
    assert.equal(roundUp30(4.02), 4.1);
    assert.equal(roundUp30(0.1 + 0.2), 0.3);
    // 6.6 * 0.95 * 0.96 is 6.0192 exactly but 6.019199999999999 in floats.
    assert.equal(roundUp30(6.6 * 0.95 * 0.96), 6.1);
  });

  test('v4.0 rounds half up after correcting float error', () => {
    assert.equal(roundHalfUp40(1.4499999999999993), 1.5);
    assert.equal(roundHalfUp40(5.6499999999999995), 5.7);
    assert.equal(roundHalfUp40(4.25), 4.3);
    assert.equal(roundHalfUp40(4.945833333333333), 4.9);
    assert.equal(roundHalfUp40(8.5499), 8.5);
    // Published 5.7: the reference's raw value is 5.6499999999999995, 5.6 without the correction.
    assert.equal(scoreCvss('CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L').score, 5.7);
  });

  test('severity bands', () => {
    const bands: [number, string][] = [
      [0, 'none'],
      [0.1, 'low'],
      [3.9, 'low'],
      [4, 'medium'],
      [6.9, 'medium'],
      [7, 'high'],
      [8.9, 'high'],
      [9, 'critical'],
      [10, 'critical'],
    ];
    for (const [score, band] of bands) assert.equal(cvssSeverity(score), band, String(score));
  });
});

describe('normalisation', () => {
  test('metrics are put in specification order; explicit X values are kept', () => {
    const parsed = parseCvss('CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X');
    assert.equal(parsed.vector, 'CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F/RL:X');
    assert.deepEqual(Object.keys(parsed.metrics), ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A', 'E', 'RL']);
    assert.equal(parsed.version, '3.0');
    assert.equal(scoreCvss('CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X').vector, parsed.vector);
  });

  test('a vector already in order comes back unchanged', () => {
    const vector = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:H/MSI:S/U:Clear';
    assert.equal(parseCvss(vector).vector, vector);
    assert.equal(parseCvss('CVSS:4.0/U:Clear/MSI:S/CR:H/E:X/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N').vector, vector);
  });

  test('every version is supported and defined', () => {
    for (const version of CVSS_VERSIONS) assert.ok(CVSS_METRIC_DEFINITIONS[version].length > 0);
    assert.ok(Object.isFrozen(CVSS_METRIC_DEFINITIONS['4.0'][0]?.values));
  });
});

const V31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const V40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

const INVALID: [name: string, vector: string, fragment: string][] = [
  ['empty', '', 'CVSS vector is empty'],
  ['no prefix (a v2 vector)', 'AV:N/AC:L/Au:N/C:P/I:P/A:P', 'must start with "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/"'],
  ['unsupported version', 'CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P', 'Unsupported CVSS version "2.0"'],
  ['future version', V31.replace('3.1', '3.2'), 'Unsupported CVSS version "3.2"'],
  ['lower-case prefix', V31.toLowerCase(), 'must start with'],
  ['leading space', ` ${V31}`, 'must start with'],
  ['prefix without separator', 'CVSS:3.1AV:N', 'Unsupported CVSS version "3.1AV:N"'],
  ['prefix only', 'CVSS:3.1', 'Missing mandatory metric AV (Attack Vector); allowed values: N, A, L, P'],
  ['missing mandatory v3 metric', V31.replace('/AC:L', ''), 'Missing mandatory metric AC (Attack Complexity); allowed values: L, H'],
  ['missing mandatory v4 metric', V40.replace('/AT:N', ''), 'Missing mandatory metric AT (Attack Requirements); allowed values: N, P'],
  ['missing scope', V31.replace('/S:U', ''), 'Missing mandatory metric S (Scope); allowed values: U, C'],
  ['unknown value', V31.replace('AV:N', 'AV:Q'), 'Invalid value "Q" for AV (Attack Vector); allowed: N, A, L, P'],
  ['X on a mandatory metric', V31.replace('AV:N', 'AV:X'), 'Invalid value "X" for AV (Attack Vector)'],
  ['lower-case value', V31.replace('AV:N', 'AV:n'), 'Invalid value "n" for AV'],
  ['long value', V31.replace('AV:N', 'AV:Network'), 'Invalid value "Network" for AV'],
  ['value with a colon', V31.replace('AV:N', 'AV:N:L'), 'Invalid value "N:L" for AV'],
  ['trailing space', `${V31} `, 'Invalid value "H " for A (Availability); allowed: H, L, N'],
  ['unknown temporal value', `${V31}/E:A`, 'Invalid value "A" for E (Exploit Code Maturity); allowed: X, H, F, P, U'],
  ['v4 exploit maturity value in v3', `${V31}/E:U/RL:Q`, 'Invalid value "Q" for RL (Remediation Level); allowed: X, U, W, T, O'],
  ['Safety on a base metric', V40.replace('SI:N', 'SI:S'), 'Invalid value "S" for SI (Subsequent System Integrity); allowed: H, L, N'],
  ['v3 scope in v4 is Safety', `${V40}/S:U`, 'Invalid value "U" for S (Safety); allowed: X, N, P'],
  ['provider urgency is case sensitive', `${V40}/U:red`, 'Invalid value "red" for U (Provider Urgency); allowed: X, Clear, Green, Amber, Red'],
  ['unknown metric', `${V31}/ZZ:N`, 'Unknown metric "ZZ" for CVSS:3.1; allowed: AV, AC, PR, UI, S, C, I, A, E, RL, RC, CR'],
  ['v4 metric in v3', `${V31}/AT:N`, 'Unknown metric "AT" for CVSS:3.1'],
  ['v3 metric in v4', `${V40}/C:H`, 'Unknown metric "C" for CVSS:4.0'],
  ['lower-case metric', V31.replace('AV:N', 'av:N'), 'Unknown metric "av"'],
  ['too long metric', `${V31}/MAVX:N`, 'Unknown metric "MAVX"'],
  ['duplicate metric', `${V31}/AV:L`, 'Duplicate metric AV (Attack Vector)'],
  ['duplicate with the same value', `${V40}/E:A/E:A`, 'Duplicate metric E (Exploit Maturity)'],
  ['trailing slash', `${V31}/`, 'Empty metric at position 46'],
  ['double slash', V31.replace('/AC:L', '//AC:L'), 'Empty metric at position'],
  ['no colon', `${V31}/E`, 'Malformed metric "E": expected KEY:VALUE'],
  ['no value', `${V31}/E:`, 'Malformed metric "E:": expected KEY:VALUE'],
  ['no key', `${V31}/:H`, 'Malformed metric ":H"'],
  ['too long', `${V31}/${'E:X/'.repeat(300)}E:X`, `at most ${MAX_VECTOR_LENGTH}`],
  ['not a string', 42 as unknown as string, 'CVSS vector must be a string'],
];

describe('invalid vectors', () => {
  for (const [name, vector, fragment] of INVALID) {
    test(name, () => {
      for (const call of [parseCvss, scoreCvss]) {
        assert.throws(
          () => call(vector),
          (e: unknown) => {
            assert.ok(isDomainError(e) && e instanceof DomainError, 'a DomainError');
            assert.equal(e.code, 'validation');
            const problems = e.details.problems as { field: string; message: string }[];
            assert.ok(problems.length > 0);
            assert.ok(problems.every((p) => p.field === 'cvss_vector'));
            assert.ok(
              problems.some((p) => p.message.includes(fragment)),
              `expected "${fragment}" in ${JSON.stringify(problems.map((p) => p.message))}`,
            );
            assert.ok(e.message.startsWith('Invalid CVSS vector: '));
            return true;
          },
        );
      }
    });
  }

  test('all problems are reported at once, the given-but-invalid metric is not also "missing"', () => {
    try {
      parseCvss('CVSS:3.1/AV:Q/AC:L/ZZ:1/UI:N/S:U/C:H/I:H/A:H/A:L');
      assert.fail('should throw');
    } catch (e) {
      assert.ok(isDomainError(e));
      const messages = (e.details.problems as { message: string }[]).map((p) => p.message);
      assert.deepEqual(
        messages.map((m) => m.split(' ').slice(0, 3).join(' ')),
        ['Invalid value "Q"', 'Unknown metric "ZZ"', 'Duplicate metric A', 'Missing mandatory metric'],
      );
      assert.ok(messages[3]?.includes('PR (Privileges Required)'));
      assert.match(e.message, /\(and 3 more problems\)$/);
    }
  });

  test('user text in messages is quoted and cut short', () => {
    assert.throws(
      () => parseCvss(`${V31}/E:${'"'.repeat(40)}`),
      (e: unknown) => isDomainError(e) && e.message.includes('"\\"\\"\\"') && e.message.includes('\u2026'),
    );
  });
});
