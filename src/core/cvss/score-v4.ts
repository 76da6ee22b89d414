import { GRAMMARS, slotOf, type CvssGrammar } from './grammar.ts';
import { roundHalfUp40 } from './rounding.ts';
import { cvssSeverity } from './severity-band.ts';
import type { Cvss4Nomenclature, Cvss4Result } from './types.ts';
import { LEVEL_KEYS, MACROS, PART1, PART2, PART36, PART4, macroIndex } from './v4-tables.ts';

const G: CvssGrammar = GRAMMARS['4.0'];

/** Base metrics that take part in scoring, in the order of `level` below. */
const SCORED = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'] as const;
const position = (metric: (typeof SCORED)[number]): number => SCORED.indexOf(metric);
const AV = position('AV');
const AC = position('AC');
const AT = position('AT');
const PR = position('PR');
const UI = position('UI');
const VC = position('VC');
const VI = position('VI');
const VA = position('VA');
const SC = position('SC');
const SI = position('SI');
const SA = position('SA');

/** Stored value (value index + 1, 0 = absent) of `slot` → level index of `metric`; `fallback` for absent and X. */
function levelMap(slot: number, metric: string, fallback: number): Int8Array {
  const keys = LEVEL_KEYS[metric] ?? [];
  const values = G.metrics[slot]?.values ?? [];
  return Int8Array.from([fallback, ...values.map((v) => (v.key === 'X' ? fallback : keys.indexOf(v.key)))]);
}

const BASE_SLOT = Int8Array.from(SCORED, (m) => slotOf(G, m));
const MODIFIED_SLOT = Int8Array.from(SCORED, (m) => slotOf(G, `M${m}`));
const BASE_LEVEL = SCORED.map((m) => levelMap(slotOf(G, m), m, -1));
const MODIFIED_LEVEL = SCORED.map((m) => levelMap(slotOf(G, `M${m}`), m, -1));

// Not Defined threat and security requirements count as the worst case: E:A and CR/IR/AR:H (level 0).
const E_SLOT = slotOf(G, 'E');
const CR_SLOT = slotOf(G, 'CR');
const IR_SLOT = slotOf(G, 'IR');
const AR_SLOT = slotOf(G, 'AR');
const E_LEVEL = levelMap(E_SLOT, 'E', 0);
const CR_LEVEL = levelMap(CR_SLOT, 'CR', 0);
const IR_LEVEL = levelMap(IR_SLOT, 'IR', 0);
const AR_LEVEL = levelMap(AR_SLOT, 'AR', 0);
const ENVIRONMENTAL_SLOTS = G.metrics.flatMap((m, slot) => (m.group === 'environmental' ? [slot] : []));
/** Stored value of `X`: optional metrics list it first. */
const NOT_DEFINED = 1;

// Bound once: imported bindings are property reads when the module is compiled to CommonJS (tsx).
const P1_EQ = PART1.eq;
const P1_PROPORTION = PART1.proportion;
const P2_EQ = PART2.eq;
const P2_PROPORTION = PART2.proportion;
const P36_EQ3 = PART36.eq;
const P36_EQ6 = PART36.eq6;
const P36_PROPORTION = PART36.proportion;
const P36_NO_IMPACT = PART36.noImpact;
const P4_EQ = PART4.eq;
const P4_PROPORTION = PART4.proportion;
const P4_NO_IMPACT = PART4.noImpact;
const { score: MACRO_SCORE, drop1: DROP1, drop2: DROP2, drop36: DROP36, drop4: DROP4, lowerCount: LOWER_COUNT, name: MACRO_NAME } = MACROS;
const MACRO_INDEX = macroIndex;
const ROUND = roundHalfUp40;
const SEVERITY_OF = cvssSeverity;

const level = new Int8Array(SCORED.length);
let lastMacro = 0;

const get = (table: Int8Array | undefined, stored: number | undefined): number => table?.[stored ?? 0] ?? -1;
const levelAt = (m: number): number => level[m] ?? 0;

/** Score of the stored vector; only the base metrics count unless `full`. Leaves its MacroVector in `lastMacro`. */
function score(values: Uint8Array, full: boolean): number {
  for (let m = 0; m < SCORED.length; m++) {
    const modified = full ? get(MODIFIED_LEVEL[m], values[MODIFIED_SLOT[m] ?? 0]) : -1;
    level[m] = modified >= 0 ? modified : get(BASE_LEVEL[m], values[BASE_SLOT[m] ?? 0]);
  }
  const e = full ? get(E_LEVEL, values[E_SLOT]) : 0;
  const cr = full ? get(CR_LEVEL, values[CR_SLOT]) : 0;
  const ir = full ? get(IR_LEVEL, values[IR_SLOT]) : 0;
  const ar = full ? get(AR_LEVEL, values[AR_SLOT]) : 0;

  const p1 = (levelAt(AV) * 3 + levelAt(PR)) * 3 + levelAt(UI);
  const p2 = levelAt(AC) * 2 + levelAt(AT);
  const p36 = ((((levelAt(VC) * 3 + levelAt(VI)) * 3 + levelAt(VA)) * 3 + cr) * 3 + ir) * 3 + ar;
  const p4 = (levelAt(SC) * 4 + levelAt(SI)) * 4 + levelAt(SA);
  const macro = MACRO_INDEX(P1_EQ[p1] ?? 0, P2_EQ[p2] ?? 0, P36_EQ3[p36] ?? 0, P4_EQ[p4] ?? 0, e, P36_EQ6[p36] ?? 0);
  lastMacro = macro;
  if (P36_NO_IMPACT[p36] === 1 && P4_NO_IMPACT[p4] === 1) return 0;

  const value = MACRO_SCORE[macro] ?? Number.NaN;
  const lower = LOWER_COUNT[macro] ?? 0;
  const meanDistance =
    lower === 0
      ? 0
      : ((DROP1[macro] ?? 0) * (P1_PROPORTION[p1] ?? 0) +
          (DROP2[macro] ?? 0) * (P2_PROPORTION[p2] ?? 0) +
          (DROP36[macro] ?? 0) * (P36_PROPORTION[p36] ?? 0) +
          (DROP4[macro] ?? 0) * (P4_PROPORTION[p4] ?? 0)) /
        lower;
  return ROUND(Math.max(0, Math.min(10, value - meanDistance)));
}

function nomenclatureOf(values: Uint8Array): Cvss4Nomenclature {
  const threat = (values[E_SLOT] ?? 0) > NOT_DEFINED;
  let environmental = false;
  for (const slot of ENVIRONMENTAL_SLOTS) if ((values[slot] ?? 0) > NOT_DEFINED) environmental = true;
  return threat ? (environmental ? 'CVSS-BTE' : 'CVSS-BT') : environmental ? 'CVSS-BE' : 'CVSS-B';
}

/** Scores the vector held in `values` (see `readVector`) with FIRST's v4.0 MacroVector interpolation. */
export function scoreV4(values: Uint8Array, vector: string): Cvss4Result {
  const nomenclature = nomenclatureOf(values);
  const full = score(values, true);
  const macroVector = MACRO_NAME[lastMacro] ?? '';
  const baseScore = nomenclature === 'CVSS-B' ? full : score(values, false);
  return { version: '4.0', vector, score: full, severity: SEVERITY_OF(full), baseScore, nomenclature, macroVector };
}
