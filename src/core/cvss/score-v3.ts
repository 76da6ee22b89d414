import { GRAMMARS, slotOf, valueIndexOf, type CvssGrammar } from './grammar.ts';
import { roundHalfUp1, roundUp30, roundUp31 } from './rounding.ts';
import { cvssSeverity } from './severity-band.ts';
import type { Cvss3Result } from './types.ts';

/** Metric weights of the v3.0/v3.1 specifications (section 7.4), by value key. */
const WEIGHTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  PR: { N: 0.85, L: 0.62, H: 0.27 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
  E: { X: 1, H: 1, F: 0.97, P: 0.94, U: 0.91 },
  RL: { X: 1, U: 1, W: 0.97, T: 0.96, O: 0.95 },
  RC: { X: 1, C: 1, R: 0.96, U: 0.92 },
  CR: { X: 1, H: 1.5, M: 1, L: 0.5 },
  IR: { X: 1, H: 1.5, M: 1, L: 0.5 },
  AR: { X: 1, H: 1.5, M: 1, L: 0.5 },
};
/** Privileges Required weighs more when the scope changes. */
const PR_SCOPE_CHANGED: Readonly<Record<string, number>> = { N: 0.85, L: 0.68, H: 0.5 };

// Both v3 grammars share one metric list, so slots and value indices hold for either version.
const G: CvssGrammar = GRAMMARS['3.1'];

/** The base metrics, whose value indices (mixed radix) number the 2592 base vectors. */
const BASE_KEYS = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'] as const;
const BASE_SLOTS = Int8Array.from(BASE_KEYS, (k) => slotOf(G, k));
const MODIFIED_SLOTS = Int8Array.from(BASE_KEYS, (k) => slotOf(G, `M${k}`));
const RADIX = BASE_KEYS.map((k) => G.metrics[slotOf(G, k)]?.values.length ?? 0);
const BASE_COMBINATIONS = RADIX.reduce((a, b) => a * b);
const position = (key: (typeof BASE_KEYS)[number]): number => BASE_KEYS.indexOf(key);
const AV = position('AV');
const AC = position('AC');
const PR = position('PR');
const UI = position('UI');
const S = position('S');
const C = position('C');
const I = position('I');
const A = position('A');

const weightsByIndex = (key: string, table: Readonly<Record<string, number>> | undefined = WEIGHTS[key]): Float64Array =>
  Float64Array.from(G.metrics[slotOf(G, key)]?.values ?? [], (v) => table?.[v.key] ?? Number.NaN);

const W_AV = weightsByIndex('AV');
const W_AC = weightsByIndex('AC');
const W_PR = weightsByIndex('PR');
const W_PR_CHANGED = weightsByIndex('PR', PR_SCOPE_CHANGED);
const W_UI = weightsByIndex('UI');
const W_C = weightsByIndex('C');
const W_I = weightsByIndex('I');
const W_A = weightsByIndex('A');
/** Optional metrics by stored value (index + 1, 0 = absent); absent weighs as X. */
const storedWeights = (key: string): Float64Array => {
  const byIndex = weightsByIndex(key);
  return Float64Array.from([byIndex[0] ?? Number.NaN, ...byIndex]);
};
const W_E = storedWeights('E');
const W_RL = storedWeights('RL');
const W_RC = storedWeights('RC');
/** Security requirements by requirement index: H, M, L. */
const REQUIREMENT_KEYS = ['H', 'M', 'L'] as const;
const requirementWeights = (key: string): Float64Array => Float64Array.from(REQUIREMENT_KEYS, (k) => WEIGHTS[key]?.[k] ?? Number.NaN);
const W_CR = requirementWeights('CR');
const W_IR = requirementWeights('IR');
const W_AR = requirementWeights('AR');
/** Stored value of CR, IR or AR (they share values) → requirement index; absent and X weigh 1, exactly as M. */
const REQUIREMENT_INDEX = Int8Array.from([
  1,
  ...(G.metrics[slotOf(G, 'CR')]?.values ?? []).map((v) => (v.key === 'X' ? 1 : (REQUIREMENT_KEYS as readonly string[]).indexOf(v.key))),
]);

/** Stored value of a modified metric → value index of its base metric; -1 for X and absent. */
const MODIFIED_TO_BASE = BASE_KEYS.map((key) => {
  const values = G.metrics[slotOf(G, `M${key}`)]?.values ?? [];
  return Int8Array.from([-1, ...values.map((v) => (v.key === 'X' ? -1 : valueIndexOf(G, slotOf(G, key), v.key)))]);
});
const CHANGED = valueIndexOf(G, slotOf(G, 'S'), 'C');
const E_SLOT = slotOf(G, 'E');
const RL_SLOT = slotOf(G, 'RL');
const RC_SLOT = slotOf(G, 'RC');
const CR_SLOT = slotOf(G, 'CR');
const IR_SLOT = slotOf(G, 'IR');
const AR_SLOT = slotOf(G, 'AR');
const FIRST_TEMPORAL_SLOT = E_SLOT;
const FIRST_ENVIRONMENTAL_SLOT = CR_SLOT;
/** Stored value of `X` in every optional metric: X is listed first. */
const NOT_DEFINED = 1;

/** Base formulas (section 7.1) of one base vector, given as value indices. */
function baseParts(d: ArrayLike<number>): { impact: number; exploitability: number; changed: boolean } {
  const changed = d[S] === CHANGED;
  const iss = 1 - (1 - (W_C[d[C] ?? 0] ?? 0)) * (1 - (W_I[d[I] ?? 0] ?? 0)) * (1 - (W_A[d[A] ?? 0] ?? 0));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const pr = changed ? W_PR_CHANGED : W_PR;
  const exploitability = 8.22 * (W_AV[d[AV] ?? 0] ?? 0) * (W_AC[d[AC] ?? 0] ?? 0) * (pr[d[PR] ?? 0] ?? 0) * (W_UI[d[UI] ?? 0] ?? 0);
  return { impact, exploitability, changed };
}

/** Roundup(Minimum(modified impact + exploitability, 10)) of section 7.3, before the temporal factors; 0 without impact. */
function modifiedInner(version: '3.0' | '3.1', d: ArrayLike<number>, cr: number, ir: number, ar: number): number {
  const changed = d[S] === CHANGED;
  const mc = W_C[d[C] ?? 0] ?? 0;
  const mi = W_I[d[I] ?? 0] ?? 0;
  const ma = W_A[d[A] ?? 0] ?? 0;
  const miss = Math.min(1 - (1 - mc * (W_CR[cr] ?? 1)) * (1 - mi * (W_IR[ir] ?? 1)) * (1 - ma * (W_AR[ar] ?? 1)), 0.915);
  let impact = 6.42 * miss;
  if (changed) {
    // v3.1 changed the Scope Changed modified impact (and only that) to temper scores near the cap.
    impact =
      version === '3.0'
        ? 7.52 * (miss - 0.029) - 3.25 * Math.pow(miss - 0.02, 15)
        : 7.52 * (miss - 0.029) - 3.25 * Math.pow(miss * 0.9731 - 0.02, 13);
  }
  const pr = changed ? W_PR_CHANGED : W_PR;
  const exploitability = 8.22 * (W_AV[d[AV] ?? 0] ?? 0) * (W_AC[d[AC] ?? 0] ?? 0) * (pr[d[PR] ?? 0] ?? 0) * (W_UI[d[UI] ?? 0] ?? 0);
  if (impact <= 0) return 0;
  const roundUp = version === '3.0' ? roundUp30 : roundUp31;
  return roundUp(Math.min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10));
}

/**
 * Memoised scores as integer tenths (a one-decimal score divided by 10 is the very double the formula
 * rounds to): base scores per base vector (2592) and environmental inner scores per effective vector
 * and requirement triple (2592 x 27). Filled on first use, because computing them all at load runs in
 * the interpreter and would slow every start-up.
 */
interface VersionTables {
  readonly baseTenths: Uint8Array;
  readonly innerTenths: Uint8Array;
}
const NOT_COMPUTED = 255;
const REQUIREMENT_COMBINATIONS = 27;
const newTables = (): VersionTables => ({
  baseTenths: new Uint8Array(BASE_COMBINATIONS).fill(NOT_COMPUTED),
  innerTenths: new Uint8Array(BASE_COMBINATIONS * REQUIREMENT_COMBINATIONS).fill(NOT_COMPUTED),
});
const TABLES_30 = newTables();
const TABLES_31 = newTables();
/** Sub-scores do not depend on the version; filled together with either version's base score. */
const IMPACT_TENTHS = new Uint8Array(BASE_COMBINATIONS);
const EXPLOITABILITY_TENTHS = new Uint8Array(BASE_COMBINATIONS);

function computeBase(version: '3.0' | '3.1', tables: VersionTables, index: number, d: ArrayLike<number>): number {
  const { impact, exploitability, changed } = baseParts(d);
  const roundUp = version === '3.0' ? roundUp30 : roundUp31;
  const score = impact <= 0 ? 0 : roundUp(Math.min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10));
  IMPACT_TENTHS[index] = Math.round(roundHalfUp1(Math.max(impact, 0)) * 10);
  EXPLOITABILITY_TENTHS[index] = Math.round(roundHalfUp1(exploitability) * 10);
  const tenths = Math.round(score * 10);
  tables.baseTenths[index] = tenths;
  return tenths;
}

/** Value indices of the base metrics and of the effective (modified) ones, reused by every call. */
const baseDigits = new Int8Array(BASE_KEYS.length);
const effectiveDigits = new Int8Array(BASE_KEYS.length);

// Bound once: imported bindings are property reads when the module is compiled to CommonJS (tsx).
const ROUND_UP_30 = roundUp30;
const ROUND_UP_31 = roundUp31;
const SEVERITY_OF = cvssSeverity;

function definedFrom(values: Uint8Array, first: number, end: number): boolean {
  for (let slot = first; slot < end; slot++) if ((values[slot] ?? 0) > NOT_DEFINED) return true;
  return false;
}

/** Scores the vector held in `values` (see `readVector`); formulas of specification section 7. */
export function scoreV3(version: '3.0' | '3.1', values: Uint8Array, vector: string): Cvss3Result {
  const tables = version === '3.0' ? TABLES_30 : TABLES_31;
  const roundUp = version === '3.0' ? ROUND_UP_30 : ROUND_UP_31;

  let base = 0;
  let effective = 0;
  for (let k = 0; k < BASE_SLOTS.length; k++) {
    const radix = RADIX[k] ?? 1;
    const baseDigit = (values[BASE_SLOTS[k] ?? 0] ?? 1) - 1;
    const modifiedDigit = MODIFIED_TO_BASE[k]?.[values[MODIFIED_SLOTS[k] ?? 0] ?? 0] ?? -1;
    const effectiveDigit = modifiedDigit >= 0 ? modifiedDigit : baseDigit;
    baseDigits[k] = baseDigit;
    effectiveDigits[k] = effectiveDigit;
    base = base * radix + baseDigit;
    effective = effective * radix + effectiveDigit;
  }
  let baseTenths = tables.baseTenths[base] ?? NOT_COMPUTED;
  if (baseTenths === NOT_COMPUTED) baseTenths = computeBase(version, tables, base, baseDigits);
  const baseScore = baseTenths / 10;

  const e = W_E[values[E_SLOT] ?? 0] ?? 1;
  const rl = W_RL[values[RL_SLOT] ?? 0] ?? 1;
  const rc = W_RC[values[RC_SLOT] ?? 0] ?? 1;
  const temporalScore = roundUp(baseScore * e * rl * rc);

  const cr = REQUIREMENT_INDEX[values[CR_SLOT] ?? 0] ?? 1;
  const ir = REQUIREMENT_INDEX[values[IR_SLOT] ?? 0] ?? 1;
  const ar = REQUIREMENT_INDEX[values[AR_SLOT] ?? 0] ?? 1;
  const innerIndex = effective * REQUIREMENT_COMBINATIONS + (cr * 3 + ir) * 3 + ar;
  let inner = tables.innerTenths[innerIndex] ?? NOT_COMPUTED;
  if (inner === NOT_COMPUTED) {
    inner = Math.round(modifiedInner(version, effectiveDigits, cr, ir, ar) * 10);
    tables.innerTenths[innerIndex] = inner;
  }
  const environmentalScore = roundUp((inner / 10) * e * rl * rc);

  const score = definedFrom(values, FIRST_ENVIRONMENTAL_SLOT, G.metrics.length)
    ? environmentalScore
    : definedFrom(values, FIRST_TEMPORAL_SLOT, FIRST_ENVIRONMENTAL_SLOT)
      ? temporalScore
      : baseScore;
  return {
    version,
    vector,
    score,
    severity: SEVERITY_OF(score),
    baseScore,
    temporalScore,
    environmentalScore,
    impactSubScore: (IMPACT_TENTHS[base] ?? 0) / 10,
    exploitabilitySubScore: (EXPLOITABILITY_TENTHS[base] ?? 0) / 10,
  };
}
