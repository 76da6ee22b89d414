import { CVSS_METRIC_DEFINITIONS } from './definitions.ts';
import type { CvssMetricDefinition, CvssVersion } from './types.ts';

/**
 * Metric keys are 1-3 capital letters, packed 5 bits per letter into a code below 2^15, so a key is
 * looked up in a typed array without cutting a substring out of the vector.
 */
const KEY_CODE_LIMIT = 1 << 15;
export const MAX_KEY_LENGTH = 3;
/** Values are 1-5 letters (`Clear`), packed 6 bits per letter: at most 2^30, a safe small integer. */
export const MAX_VALUE_LENGTH = 5;

const packKeyChar = (packed: number, charCode: number): number => (packed << 5) | (charCode - 64);

/** 1..26 for A-Z, 27..52 for a-z, 0 for any other character. */
const valueCharCode = (c: number): number => (c >= 65 && c <= 90 ? c - 64 : c >= 97 && c <= 122 ? c - 70 : 0);

const packValueChar = (packed: number, letter: number): number => packed * 64 + letter;

export interface CvssGrammar {
  readonly version: CvssVersion;
  /** `CVSS:3.1`, without the slash. */
  readonly prefix: string;
  readonly metrics: readonly CvssMetricDefinition[];
  /** Slot (index into `metrics`) by packed key code; -1 for an unknown key. */
  readonly slotOfKey: Int8Array;
  /** Per slot, packed value codes in definition order. */
  readonly valueCodes: readonly Int32Array[];
  /** Per slot and value, `/KEY:VALUE`, to rebuild a vector in specification order. */
  readonly fragments: readonly (readonly string[])[];
  readonly mandatorySlots: readonly number[];
}

const packKey = (key: string): number => {
  let code = 0;
  for (let i = 0; i < key.length; i++) code = packKeyChar(code, key.charCodeAt(i));
  return code;
};

const packValue = (value: string): number => {
  let code = 0;
  for (let i = 0; i < value.length; i++) code = packValueChar(code, valueCharCode(value.charCodeAt(i)));
  return code;
};

const isKey = (key: string): boolean => /^[A-Z]{1,3}$/.test(key);
const isValue = (value: string): boolean => /^[A-Za-z]{1,5}$/.test(value);

function compile(version: CvssVersion): CvssGrammar {
  const metrics = CVSS_METRIC_DEFINITIONS[version];
  const slotOfKey = new Int8Array(KEY_CODE_LIMIT).fill(-1);
  metrics.forEach((m, slot) => {
    if (!isKey(m.key) || !m.values.every((v) => isValue(v.key))) throw new Error(`CVSS ${version}: metric ${m.key} cannot be packed`);
    slotOfKey[packKey(m.key)] = slot;
  });
  return {
    version,
    prefix: `CVSS:${version}`,
    metrics,
    slotOfKey,
    valueCodes: metrics.map((m) => Int32Array.from(m.values, (v) => packValue(v.key))),
    fragments: metrics.map((m) => m.values.map((v) => `/${m.key}:${v.key}`)),
    mandatorySlots: metrics.flatMap((m, slot) => (m.mandatory ? [slot] : [])),
  };
}

export const GRAMMARS: Readonly<Record<CvssVersion, CvssGrammar>> = {
  '3.0': compile('3.0'),
  '3.1': compile('3.1'),
  '4.0': compile('4.0'),
};

/** Slot of a metric the scoring code relies on; a missing one is a programming error caught at load. */
export function slotOf(grammar: CvssGrammar, key: string): number {
  const slot = grammar.metrics.findIndex((m) => m.key === key);
  if (slot < 0) throw new Error(`CVSS ${grammar.version} has no metric ${key}`);
  return slot;
}

/** Index of `valueKey` in the metric's values, or -1. */
export const valueIndexOf = (grammar: CvssGrammar, slot: number, valueKey: string): number =>
  grammar.metrics[slot]?.values.findIndex((v) => v.key === valueKey) ?? -1;
