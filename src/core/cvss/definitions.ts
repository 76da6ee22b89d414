import { CVSS3_METRICS } from './definitions-v3.ts';
import { CVSS4_METRICS } from './definitions-v4.ts';
import type { CvssMetricDefinition, CvssVersion } from './types.ts';

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};

/**
 * Every metric of every supported version, in vector (specification) order, for calculator UIs.
 * The parser is compiled from this data, so it is frozen: a UI cannot change what parses.
 */
export const CVSS_METRIC_DEFINITIONS: Readonly<Record<CvssVersion, readonly CvssMetricDefinition[]>> = deepFreeze({
  '3.0': CVSS3_METRICS,
  '3.1': CVSS3_METRICS,
  '4.0': CVSS4_METRICS,
});
