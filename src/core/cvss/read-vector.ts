import { DomainError, type FieldProblem } from '../errors.ts';
import { GRAMMARS, MAX_KEY_LENGTH, MAX_VALUE_LENGTH, type CvssGrammar } from './grammar.ts';

export const CVSS_VECTOR_FIELD = 'cvss_vector';
/** Far above the longest valid vector (178 characters, CVSS:4.0 with every metric); keeps hostile input cheap to reject. */
export const MAX_VECTOR_LENGTH = 1024;
const MAX_PROBLEMS = 10;

/** Marks a metric whose value was rejected, so it is not reported as missing as well. */
const GIVEN_BUT_INVALID = 255;
const SLASH = 47;
const COLON = 58;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_1 = 49;
const DIGIT_3 = 51;
const DIGIT_4 = 52;

/**
 * The result of the last `readVector` call. One object is reused on purpose: the scoring hot path
 * reads it right away and must not allocate per metric. Nothing here is kept across calls.
 */
export interface VectorReading {
  grammar: CvssGrammar;
  /** Per slot of `grammar.metrics`: index of the given value + 1, or 0 when the metric is absent. */
  readonly values: Uint8Array;
  /** The vector in specification order; the input itself when it already was. */
  normalised: string;
}

// Bound once: imported bindings are property reads when the module is compiled to CommonJS (tsx).
const V30 = GRAMMARS['3.0'];
const V31 = GRAMMARS['3.1'];
const V40 = GRAMMARS['4.0'];
const KEY_LENGTH = MAX_KEY_LENGTH;
const VALUE_LENGTH = MAX_VALUE_LENGTH;

const reading: VectorReading = { grammar: V31, values: new Uint8Array(64), normalised: '' };
const problems: FieldProblem[] = [];

const problem = (message: string): void => {
  if (problems.length < MAX_PROBLEMS) problems.push({ field: CVSS_VECTOR_FIELD, message });
};

/** User text inside a message: quoted, escaped and cut short. */
const quote = (text: string): string => JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}\u2026` : text);

const allowedValues = (grammar: CvssGrammar, slot: number): string =>
  grammar.metrics[slot]?.values.map((v) => v.key).join(', ') ?? '';

const metricLabel = (grammar: CvssGrammar, slot: number): string => {
  const m = grammar.metrics[slot];
  return m ? `${m.key} (${m.name})` : '';
};

function grammarOf(vector: string): CvssGrammar | null {
  if (!vector.startsWith('CVSS:') || vector.length < 8 || (vector.length > 8 && vector.charCodeAt(8) !== SLASH)) {
    return null;
  }
  if (vector.charCodeAt(6) !== DOT) return null;
  const major = vector.charCodeAt(5);
  const minor = vector.charCodeAt(7);
  if (major === DIGIT_3) return minor === DIGIT_1 ? V31 : minor === DIGIT_0 ? V30 : null;
  return major === DIGIT_4 && minor === DIGIT_0 ? V40 : null;
}

function prefixProblem(vector: string): string {
  if (vector.startsWith('CVSS:')) {
    const end = vector.indexOf('/');
    const version = vector.slice(5, end < 0 ? undefined : end);
    return `Unsupported CVSS version ${quote(version)}; supported: CVSS:3.0, CVSS:3.1, CVSS:4.0`;
  }
  return 'CVSS vector must start with "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/"';
}

function fail(): never {
  const list = problems.slice();
  problems.length = 0;
  const first = list[0]?.message ?? 'Invalid CVSS vector';
  const more = list.length > 1 ? ` (and ${list.length - 1} more problem${list.length > 2 ? 's' : ''})` : '';
  throw DomainError.validation(list, `Invalid CVSS vector: ${first}${more}`);
}

/**
 * Reads every `KEY:VALUE` after the prefix into `reading.values`; records problems instead of stopping.
 * Keys and values are packed inline exactly as `packKeyChar`/`packValueChar` in grammar.ts do: this
 * loop runs per character, where even a call is measurable.
 */
function readMetrics(vector: string, grammar: CvssGrammar, values: Uint8Array): boolean {
  const n = vector.length;
  const { slotOfKey, valueCodes } = grammar;
  let inOrder = true;
  let lastSlot = -1;
  let i = grammar.prefix.length + 1;
  if (i > n) return inOrder;
  for (;;) {
    let keyCode = 0;
    let keyValid = true;
    let j = i;
    for (; j < n; j++) {
      const c = vector.charCodeAt(j);
      if (c === COLON || c === SLASH) break;
      if (c >= 65 && c <= 90 && j - i < KEY_LENGTH) keyCode = (keyCode << 5) | (c - 64);
      else keyValid = false;
    }
    let valueCode = 0;
    let valueValid = true;
    let end = j;
    if (j < n && vector.charCodeAt(j) === COLON) {
      for (end = j + 1; end < n; end++) {
        const c = vector.charCodeAt(end);
        if (c === SLASH) break;
        if (end - j > VALUE_LENGTH) valueValid = false;
        else if (c >= 65 && c <= 90) valueCode = valueCode * 64 + (c - 64);
        else if (c >= 97 && c <= 122) valueCode = valueCode * 64 + (c - 70);
        else valueValid = false;
      }
    }

    if (end === i) {
      problem(`Empty metric at position ${i + 1}: remove the doubled or trailing "/"`);
    } else if (j === end || j === i || j + 1 === end) {
      problem(`Malformed metric ${quote(vector.slice(i, end))}: expected KEY:VALUE`);
    } else {
      const slot = keyValid ? slotOfKey[keyCode] ?? -1 : -1;
      const codes = valueCodes[slot];
      let index = -1;
      if (valueValid && codes) {
        for (let k = 0; k < codes.length; k++) {
          if (codes[k] === valueCode) {
            index = k;
            break;
          }
        }
      }
      if (slot < 0) {
        const known = grammar.metrics.map((m) => m.key).join(', ');
        problem(`Unknown metric ${quote(vector.slice(i, j))} for ${grammar.prefix}; allowed: ${known}`);
      } else if (index < 0) {
        if (values[slot] === 0) values[slot] = GIVEN_BUT_INVALID;
        problem(
          `Invalid value ${quote(vector.slice(j + 1, end))} for ${metricLabel(grammar, slot)}; allowed: ${allowedValues(grammar, slot)}`,
        );
      } else if (values[slot] !== 0) {
        problem(`Duplicate metric ${metricLabel(grammar, slot)}`);
      } else {
        values[slot] = index + 1;
        if (slot < lastSlot) inOrder = false;
        lastSlot = slot;
      }
    }
    if (end >= n) return inOrder;
    i = end + 1;
  }
}

function normalise(grammar: CvssGrammar, values: Uint8Array): string {
  let out = grammar.prefix;
  for (let slot = 0; slot < grammar.metrics.length; slot++) {
    const v = values[slot] ?? 0;
    if (v !== 0) out += grammar.fragments[slot]?.[v - 1] ?? '';
  }
  return out;
}

/**
 * Validates `vector` and fills the shared `VectorReading`. Throws `DomainError('validation')` listing
 * every problem found (up to ten), each on field `cvss_vector`.
 */
export function readVector(vector: unknown): VectorReading {
  if (problems.length !== 0) problems.length = 0;
  if (typeof vector !== 'string') {
    problem('CVSS vector must be a string');
    return fail();
  }
  if (vector.length > MAX_VECTOR_LENGTH) {
    problem(`CVSS vector is too long (${vector.length} characters, at most ${MAX_VECTOR_LENGTH})`);
    return fail();
  }
  if (vector.length === 0) {
    problem('CVSS vector is empty');
    return fail();
  }
  const grammar = grammarOf(vector);
  if (!grammar) {
    problem(prefixProblem(vector));
    return fail();
  }
  const values = reading.values;
  for (let slot = 0; slot < grammar.metrics.length; slot++) values[slot] = 0;
  const inOrder = readMetrics(vector, grammar, values);
  for (const slot of grammar.mandatorySlots) {
    if (values[slot] === 0) {
      problem(`Missing mandatory metric ${metricLabel(grammar, slot)}; allowed values: ${allowedValues(grammar, slot)}`);
    }
  }
  if (problems.length > 0) return fail();
  reading.grammar = grammar;
  reading.normalised = inOrder ? vector : normalise(grammar, values);
  return reading;
}
