import { MACROVECTOR_SCORES, MAX_COMPOSED, MAX_SEVERITY, METRIC_LEVELS, STEP } from './v4-spec-data.ts';

/**
 * Precomputed form of FIRST's v4.0 algorithm. The reference walks the cartesian product of the
 * highest-severity vectors of all EQs and takes the first one that no metric of the scored vector
 * exceeds. Each EQ constrains its own metrics only, so that first vector is made of the first fitting
 * part of every EQ, and each EQ's share of the score depends on that EQ's metrics alone. Each part is
 * therefore precomputed once per combination of its metrics (36, 4, 729 and 48 of them), with the
 * reference's own float operations, so the results are bit for bit the reference's.
 */

/** Internal index order of each scoring metric's values: the key order of `METRIC_LEVELS`. */
export const LEVEL_KEYS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(METRIC_LEVELS).map(([metric, levels]) => [metric, Object.keys(levels)]),
);

const keysOf = (metric: string): readonly string[] => LEVEL_KEYS[metric] ?? [];
const level = (metric: string, value: string): number => METRIC_LEVELS[metric]?.[value] ?? Number.NaN;

/** Severity distance of `value` below the highest-severity value `max`; negative means it is above. */
const distance = (metric: string, value: string, max: string): number => level(metric, value) - level(metric, max);

type Assignment = Readonly<Record<string, string>>;

const parseMaxVector = (fragment: string): Assignment =>
  Object.fromEntries(fragment.split('/').map((kv) => kv.split(':') as [string, string]));

/** Sum of the distances of `metrics` (in this order) from the first max vector none of them exceeds. */
function distanceToFirstFittingMax(metrics: readonly string[], current: Assignment, maxVectors: readonly Assignment[]): number {
  for (const max of maxVectors) {
    let sum = 0;
    let fits = true;
    for (const m of metrics) {
      const d = distance(m, current[m] ?? '', max[m] ?? '');
      if (d < 0) fits = false;
      sum += d;
    }
    if (fits) return sum;
  }
  throw new Error(`CVSS 4.0 data: no highest-severity vector fits ${JSON.stringify(current)}`);
}

/** Number of value combinations of `metrics`; the last metric varies fastest in the table index. */
const combinations = (metrics: readonly string[]): number => metrics.reduce((n, m) => n * keysOf(m).length, 1);

/** The assignment numbered `index`, written into `into` (loops of plain code: this runs at load, uncompiled). */
function assignmentAt(metrics: readonly string[], index: number, into: Record<string, string>): Assignment {
  let rest = index;
  for (let k = metrics.length - 1; k >= 0; k--) {
    const metric = metrics[k] ?? '';
    const keys = keysOf(metric);
    into[metric] = keys[rest % keys.length] ?? '';
    rest = Math.floor(rest / keys.length);
  }
  return into;
}

const eq1Of = ({ AV, PR, UI }: Assignment): number =>
  AV === 'N' && PR === 'N' && UI === 'N' ? 0 : (AV === 'N' || PR === 'N' || UI === 'N') && AV !== 'P' ? 1 : 2;
const eq2Of = ({ AC, AT }: Assignment): number => (AC === 'L' && AT === 'N' ? 0 : 1);
const eq3Of = ({ VC, VI, VA }: Assignment): number => (VC === 'H' && VI === 'H' ? 0 : VC === 'H' || VI === 'H' || VA === 'H' ? 1 : 2);
const eq4Of = ({ SC, SI, SA }: Assignment): number => (SI === 'S' || SA === 'S' ? 0 : SC === 'H' || SI === 'H' || SA === 'H' ? 1 : 2);
const eq6Of = ({ VC, VI, VA, CR, IR, AR }: Assignment): number =>
  (CR === 'H' && VC === 'H') || (IR === 'H' && VI === 'H') || (AR === 'H' && VA === 'H') ? 0 : 1;

/** One EQ's metrics: its level and its proportional distance (distance / depth) per metric combination. */
export interface PartTable {
  readonly eq: Uint8Array;
  /** EQ6, only for the EQ3+EQ6 part. */
  readonly eq6: Uint8Array;
  readonly proportion: Float64Array;
  /** All impact metrics of the part are None. */
  readonly noImpact: Uint8Array;
}

function buildPart(
  metrics: readonly string[],
  eqOf: (a: Assignment) => number,
  eq6Of: (a: Assignment) => number,
  maxVectorsOf: (eq: number, eq6: number) => readonly Assignment[],
  depthOf: (eq: number, eq6: number) => number,
  impactMetrics: readonly string[],
): PartTable {
  const count = combinations(metrics);
  const table = {
    eq: new Uint8Array(count),
    eq6: new Uint8Array(count),
    proportion: new Float64Array(count),
    noImpact: new Uint8Array(count),
  };
  const a: Record<string, string> = {};
  for (let index = 0; index < count; index++) {
    assignmentAt(metrics, index, a);
    const eq = eqOf(a);
    const eq6 = eq6Of(a);
    table.eq[index] = eq;
    table.eq6[index] = eq6;
    table.proportion[index] = distanceToFirstFittingMax(metrics, a, maxVectorsOf(eq, eq6)) / (depthOf(eq, eq6) * STEP);
    table.noImpact[index] = impactMetrics.every((m) => a[m] === 'N') ? 1 : 0;
  }
  return table;
}

const at = <T>(list: readonly T[], index: number): T => {
  const item = list[index];
  if (item === undefined) throw new Error(`CVSS 4.0 data: no entry ${index}`);
  return item;
};
const noEq6 = (): number => 0;

const PART1_METRICS = ['AV', 'PR', 'UI'] as const;
const PART2_METRICS = ['AC', 'AT'] as const;
const PART36_METRICS = ['VC', 'VI', 'VA', 'CR', 'IR', 'AR'] as const;
const PART4_METRICS = ['SC', 'SI', 'SA'] as const;

const parseAll = (fragments: readonly string[]): Assignment[] => fragments.map(parseMaxVector);
const MAX_EQ1 = MAX_COMPOSED.eq1.map(parseAll);
const MAX_EQ2 = MAX_COMPOSED.eq2.map(parseAll);
const MAX_EQ3EQ6 = Object.fromEntries(Object.entries(MAX_COMPOSED.eq3eq6).map(([key, list]) => [key, parseAll(list)]));
const MAX_EQ4 = MAX_COMPOSED.eq4.map(parseAll);

export const PART1 = buildPart(PART1_METRICS, eq1Of, noEq6, (eq) => at(MAX_EQ1, eq), (eq) => at(MAX_SEVERITY.eq1, eq), []);
export const PART2 = buildPart(PART2_METRICS, eq2Of, noEq6, (eq) => at(MAX_EQ2, eq), (eq) => at(MAX_SEVERITY.eq2, eq), []);
export const PART36 = buildPart(
  PART36_METRICS,
  eq3Of,
  eq6Of,
  (eq3, eq6) => MAX_EQ3EQ6[`${eq3}${eq6}`] ?? [],
  (eq3, eq6) => MAX_SEVERITY.eq3eq6[`${eq3}${eq6}`] ?? Number.NaN,
  ['VC', 'VI', 'VA'],
);
export const PART4 = buildPart(PART4_METRICS, eq4Of, noEq6, (eq) => at(MAX_EQ4, eq), (eq) => at(MAX_SEVERITY.eq4, eq), PART4_METRICS);

/** Index of a MacroVector in the macro tables below. */
export const macroIndex = (eq1: number, eq2: number, eq3: number, eq4: number, eq5: number, eq6: number): number =>
  ((((eq1 * 2 + eq2) * 3 + eq3) * 3 + eq4) * 3 + eq5) * 2 + eq6;
const MACRO_COUNT = 3 * 2 * 3 * 3 * 3 * 2;

const macroScore = (eq1: number, eq2: number, eq3: number, eq4: number, eq5: number, eq6: number): number => {
  if (eq4 > 2 || eq5 > 2 || eq6 > 1) return Number.NaN;
  const row = MACROVECTOR_SCORES[`${eq1}${eq2}${eq3}`];
  const perEq4 = eq3 === 2 ? 3 : 6;
  const column = eq4 * perEq4 + (eq3 === 2 ? eq5 : eq5 * 2 + eq6);
  return row && (eq3 !== 2 || eq6 === 1) ? row[column] ?? Number.NaN : Number.NaN;
};

/** Per MacroVector: its score, the score drop to the next lower MacroVector of each EQ (0 when none) and how many exist. */
export interface MacroTable {
  readonly name: readonly string[];
  readonly score: Float64Array;
  readonly drop1: Float64Array;
  readonly drop2: Float64Array;
  readonly drop36: Float64Array;
  readonly drop4: Float64Array;
  readonly lowerCount: Uint8Array;
}

function buildMacros(): MacroTable {
  const table = {
    name: new Array<string>(MACRO_COUNT).fill(''),
    score: new Float64Array(MACRO_COUNT).fill(Number.NaN),
    drop1: new Float64Array(MACRO_COUNT),
    drop2: new Float64Array(MACRO_COUNT),
    drop36: new Float64Array(MACRO_COUNT),
    drop4: new Float64Array(MACRO_COUNT),
    lowerCount: new Uint8Array(MACRO_COUNT),
  };
  for (let eq1 = 0; eq1 < 3; eq1++)
    for (let eq2 = 0; eq2 < 2; eq2++)
      for (let eq3 = 0; eq3 < 3; eq3++)
        for (let eq4 = 0; eq4 < 3; eq4++)
          for (let eq5 = 0; eq5 < 3; eq5++)
            for (let eq6 = 0; eq6 < 2; eq6++) {
              const value = macroScore(eq1, eq2, eq3, eq4, eq5, eq6);
              if (Number.isNaN(value)) continue;
              const i = macroIndex(eq1, eq2, eq3, eq4, eq5, eq6);
              // EQ3 and EQ6 step down together: 00 → max(01, 10), 01 → 11, 10 → 11, 11 → 21, 21 → none.
              const lower36 =
                eq3 === 0 && eq6 === 0
                  ? Math.max(macroScore(eq1, eq2, 0, eq4, eq5, 1), macroScore(eq1, eq2, 1, eq4, eq5, 0))
                  : eq6 === 0
                    ? macroScore(eq1, eq2, eq3, eq4, eq5, 1)
                    : macroScore(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
              const drops = [
                value - macroScore(eq1 + 1, eq2, eq3, eq4, eq5, eq6),
                value - macroScore(eq1, eq2 + 1, eq3, eq4, eq5, eq6),
                value - lower36,
                value - macroScore(eq1, eq2, eq3, eq4 + 1, eq5, eq6),
                value - macroScore(eq1, eq2, eq3, eq4, eq5 + 1, eq6),
              ];
              table.name[i] = `${eq1}${eq2}${eq3}${eq4}${eq5}${eq6}`;
              table.score[i] = value;
              // A missing lower MacroVector adds 0 to the reference's sum, exactly as a drop of 0 does.
              table.drop1[i] = Number.isNaN(at(drops, 0)) ? 0 : at(drops, 0);
              table.drop2[i] = Number.isNaN(at(drops, 1)) ? 0 : at(drops, 1);
              table.drop36[i] = Number.isNaN(at(drops, 2)) ? 0 : at(drops, 2);
              table.drop4[i] = Number.isNaN(at(drops, 3)) ? 0 : at(drops, 3);
              // EQ5 has no depth (its proportion is always 0) but still counts towards the mean.
              table.lowerCount[i] = drops.filter((d) => !Number.isNaN(d)).length;
            }
  return table;
}

export const MACROS = buildMacros();
