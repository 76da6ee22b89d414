import { readVector } from './read-vector.ts';
import { scoreV3 } from './score-v3.ts';
import { scoreV4 } from './score-v4.ts';
import type { CvssResult, ParsedCvss } from './types.ts';

export { CVSS_METRIC_DEFINITIONS } from './definitions.ts';
export { CVSS_VECTOR_FIELD, MAX_VECTOR_LENGTH } from './read-vector.ts';
export { cvssSeverity } from './severity-band.ts';
export * from './types.ts';

/**
 * Validates a CVSS v3.0, v3.1 or v4.0 vector. Metrics may come in any order; the result lists them in
 * specification order. Throws `DomainError('validation')` with one problem per fault on `cvss_vector`.
 */
export function parseCvss(vector: string): ParsedCvss {
  const { grammar, values, normalised } = readVector(vector);
  const metrics: Record<string, string> = {};
  for (let slot = 0; slot < grammar.metrics.length; slot++) {
    const metric = grammar.metrics[slot];
    const value = metric?.values[(values[slot] ?? 0) - 1];
    if (metric && value) metrics[metric.key] = value.key;
  }
  return { version: grammar.version, vector: normalised, metrics };
}

/** Scores a vector exactly as the FIRST specification of its version does; throws like `parseCvss`. */
export function scoreCvss(vector: string): CvssResult {
  const reading = readVector(vector);
  const version = reading.grammar.version;
  return version === '4.0' ? scoreV4(reading.values, reading.normalised) : scoreV3(version, reading.values, reading.normalised);
}
