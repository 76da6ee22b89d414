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

/** Weights by stored value (value index + 1; index 0 is never read for mandatory metrics). */
const weightsOf = (key: string, table: Readonly<Record<string, number>> | undefined = WEIGHTS[key]): Float64Array => {
  const metric = G.metrics[slotOf(G, key)];
  if (!metric || !table) throw new Error(`CVSS 3: no weights for ${key}`);
  return Float64Array.from([1, ...metric.values.map((v) => table[v.key] ?? Number.NaN)]);
};

/** Stored value of a modified metric → stored value of the base metric it stands for; X and absent → 0. */
const modifiedToBase = (baseKey: string): Uint8Array => {
  const slot = slotOf(G, `M${baseKey}`);
  const baseSlot = slotOf(G, baseKey);
  const values = G.metrics[slot]?.values ?? [];
  return Uint8Array.from([0, ...values.map((v) => (v.key === 'X' ? 0 : valueIndexOf(G, baseSlot, v.key) + 1))]);
};

const SLOT = {
  AV: slotOf(G, 'AV'),
  AC: slotOf(G, 'AC'),
  PR: slotOf(G, 'PR'),
  UI: slotOf(G, 'UI'),
  S: slotOf(G, 'S'),
  C: slotOf(G, 'C'),
  I: slotOf(G, 'I'),
  A: slotOf(G, 'A'),
  E: slotOf(G, 'E'),
  RL: slotOf(G, 'RL'),
  RC: slotOf(G, 'RC'),
  CR: slotOf(G, 'CR'),
  IR: slotOf(G, 'IR'),
  AR: slotOf(G, 'AR'),
  MAV: slotOf(G, 'MAV'),
  MAC: slotOf(G, 'MAC'),
  MPR: slotOf(G, 'MPR'),
  MUI: slotOf(G, 'MUI'),
  MS: slotOf(G, 'MS'),
  MC: slotOf(G, 'MC'),
  MI: slotOf(G, 'MI'),
  MA: slotOf(G, 'MA'),
} as const;

const W = {
  AV: weightsOf('AV'),
  AC: weightsOf('AC'),
  PR: weightsOf('PR'),
  PR_CHANGED: weightsOf('PR', PR_SCOPE_CHANGED),
  UI: weightsOf('UI'),
  C: weightsOf('C'),
  I: weightsOf('I'),
  A: weightsOf('A'),
  E: weightsOf('E'),
  RL: weightsOf('RL'),
  RC: weightsOf('RC'),
  CR: weightsOf('CR'),
  IR: weightsOf('IR'),
  AR: weightsOf('AR'),
} as const;

const TO_BASE = {
  AV: modifiedToBase('AV'),
  AC: modifiedToBase('AC'),
  PR: modifiedToBase('PR'),
  UI: modifiedToBase('UI'),
  S: modifiedToBase('S'),
  C: modifiedToBase('C'),
  I: modifiedToBase('I'),
  A: modifiedToBase('A'),
} as const;

const SCOPE_CHANGED = valueIndexOf(G, SLOT.S, 'C') + 1;
const FIRST_TEMPORAL_SLOT = SLOT.E;
const FIRST_ENVIRONMENTAL_SLOT = SLOT.CR;
/** Stored value of `X` in every optional metric: X is listed first. */
const NOT_DEFINED = 1;

// Bound once: imported bindings are property reads when the module is compiled to CommonJS (tsx).
const ROUND_UP_30 = roundUp30;
const ROUND_UP_31 = roundUp31;
const ROUND_HALF_UP_1 = roundHalfUp1;
const SEVERITY_OF = cvssSeverity;

const at = (table: Float64Array | Uint8Array, index: number): number => table[index] ?? Number.NaN;

/** Stored value of a base metric as modified by the environmental group. */
const effective = (values: Uint8Array, modifiedSlot: number, toBase: Uint8Array, baseSlot: number): number =>
  (toBase[values[modifiedSlot] ?? 0] || values[baseSlot]) ?? 0;

function definedFrom(values: Uint8Array, first: number, end: number): boolean {
  for (let slot = first; slot < end; slot++) if ((values[slot] ?? 0) > NOT_DEFINED) return true;
  return false;
}

/** Scores the vector held in `values` (see `readVector`); formulas of specification section 7. */
export function scoreV3(version: '3.0' | '3.1', values: Uint8Array, vector: string): Cvss3Result {
  const roundUp = version === '3.0' ? ROUND_UP_30 : ROUND_UP_31;

  const changed = (values[SLOT.S] ?? 0) === SCOPE_CHANGED;
  const iss = 1 - (1 - at(W.C, values[SLOT.C] ?? 0)) * (1 - at(W.I, values[SLOT.I] ?? 0)) * (1 - at(W.A, values[SLOT.A] ?? 0));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability =
    8.22 * at(W.AV, values[SLOT.AV] ?? 0) * at(W.AC, values[SLOT.AC] ?? 0) * at(changed ? W.PR_CHANGED : W.PR, values[SLOT.PR] ?? 0) * at(W.UI, values[SLOT.UI] ?? 0);
  const baseScore =
    impact <= 0 ? 0 : roundUp(Math.min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10));

  const e = at(W.E, (values[SLOT.E] ?? 0) || NOT_DEFINED);
  const rl = at(W.RL, (values[SLOT.RL] ?? 0) || NOT_DEFINED);
  const rc = at(W.RC, (values[SLOT.RC] ?? 0) || NOT_DEFINED);
  const temporalScore = roundUp(baseScore * e * rl * rc);

  const modifiedChanged = effective(values, SLOT.MS, TO_BASE.S, SLOT.S) === SCOPE_CHANGED;
  const mc = at(W.C, effective(values, SLOT.MC, TO_BASE.C, SLOT.C));
  const mi = at(W.I, effective(values, SLOT.MI, TO_BASE.I, SLOT.I));
  const ma = at(W.A, effective(values, SLOT.MA, TO_BASE.A, SLOT.A));
  const cr = at(W.CR, (values[SLOT.CR] ?? 0) || NOT_DEFINED);
  const ir = at(W.IR, (values[SLOT.IR] ?? 0) || NOT_DEFINED);
  const ar = at(W.AR, (values[SLOT.AR] ?? 0) || NOT_DEFINED);
  const miss = Math.min(1 - (1 - mc * cr) * (1 - mi * ir) * (1 - ma * ar), 0.915);
  let modifiedImpact = 6.42 * miss;
  if (modifiedChanged) {
    // v3.1 changed the Scope Changed modified impact (and only that) to temper scores near the cap.
    modifiedImpact =
      version === '3.0'
        ? 7.52 * (miss - 0.029) - 3.25 * Math.pow(miss - 0.02, 15)
        : 7.52 * (miss - 0.029) - 3.25 * Math.pow(miss * 0.9731 - 0.02, 13);
  }
  const modifiedExploitability =
    8.22 *
    at(W.AV, effective(values, SLOT.MAV, TO_BASE.AV, SLOT.AV)) *
    at(W.AC, effective(values, SLOT.MAC, TO_BASE.AC, SLOT.AC)) *
    at(modifiedChanged ? W.PR_CHANGED : W.PR, effective(values, SLOT.MPR, TO_BASE.PR, SLOT.PR)) *
    at(W.UI, effective(values, SLOT.MUI, TO_BASE.UI, SLOT.UI));
  const modifiedSum = modifiedChanged ? 1.08 * (modifiedImpact + modifiedExploitability) : modifiedImpact + modifiedExploitability;
  const environmentalScore = modifiedImpact <= 0 ? 0 : roundUp(roundUp(Math.min(modifiedSum, 10)) * e * rl * rc);

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
    impactSubScore: ROUND_HALF_UP_1(Math.max(impact, 0)),
    exploitabilitySubScore: ROUND_HALF_UP_1(exploitability),
  };
}
