import { cvssSeverity, parseCvss, scoreCvss } from '../cvss/index.ts';
import type { Severity } from '../severity.ts';

/**
 * FIRST's CVSS JSON representations (cvss-v3.x.json, cvss-v4.0.json), shared by CVE 5 (`cvssV3_1`,
 * `cvssV4_0`) and CSAF 2.0 (`scores[].cvss_v3`). Metric names and values as the FIRST schemas spell them.
 */
export const CVSS3_JSON_METRICS: Readonly<Record<string, { name: string; values: Readonly<Record<string, string>> }>> = (() => {
  const impact = { H: 'HIGH', L: 'LOW', N: 'NONE' };
  const requirement = { X: 'NOT_DEFINED', L: 'LOW', M: 'MEDIUM', H: 'HIGH' };
  const av = { N: 'NETWORK', A: 'ADJACENT_NETWORK', L: 'LOCAL', P: 'PHYSICAL' };
  const ac = { L: 'LOW', H: 'HIGH' };
  const pr = { N: 'NONE', L: 'LOW', H: 'HIGH' };
  const ui = { N: 'NONE', R: 'REQUIRED' };
  const s = { U: 'UNCHANGED', C: 'CHANGED' };
  const x = <T extends Record<string, string>>(v: T): Record<string, string> => ({ X: 'NOT_DEFINED', ...v });
  return {
    AV: { name: 'attackVector', values: av },
    AC: { name: 'attackComplexity', values: ac },
    PR: { name: 'privilegesRequired', values: pr },
    UI: { name: 'userInteraction', values: ui },
    S: { name: 'scope', values: s },
    C: { name: 'confidentialityImpact', values: impact },
    I: { name: 'integrityImpact', values: impact },
    A: { name: 'availabilityImpact', values: impact },
    E: { name: 'exploitCodeMaturity', values: { X: 'NOT_DEFINED', U: 'UNPROVEN', P: 'PROOF_OF_CONCEPT', F: 'FUNCTIONAL', H: 'HIGH' } },
    RL: { name: 'remediationLevel', values: { X: 'NOT_DEFINED', O: 'OFFICIAL_FIX', T: 'TEMPORARY_FIX', W: 'WORKAROUND', U: 'UNAVAILABLE' } },
    RC: { name: 'reportConfidence', values: { X: 'NOT_DEFINED', U: 'UNKNOWN', R: 'REASONABLE', C: 'CONFIRMED' } },
    CR: { name: 'confidentialityRequirement', values: requirement },
    IR: { name: 'integrityRequirement', values: requirement },
    AR: { name: 'availabilityRequirement', values: requirement },
    MAV: { name: 'modifiedAttackVector', values: x(av) },
    MAC: { name: 'modifiedAttackComplexity', values: x(ac) },
    MPR: { name: 'modifiedPrivilegesRequired', values: x(pr) },
    MUI: { name: 'modifiedUserInteraction', values: x(ui) },
    MS: { name: 'modifiedScope', values: x(s) },
    MC: { name: 'modifiedConfidentialityImpact', values: x(impact) },
    MI: { name: 'modifiedIntegrityImpact', values: x(impact) },
    MA: { name: 'modifiedAvailabilityImpact', values: x(impact) },
  };
})();

const TEMPORAL = ['E', 'RL', 'RC'];
const ENVIRONMENTAL = ['CR', 'IR', 'AR', 'MAV', 'MAC', 'MPR', 'MUI', 'MS', 'MC', 'MI', 'MA'];

export const jsonSeverity = (s: Severity): string => s.toUpperCase();

export interface Cvss3Json {
  version: '3.0' | '3.1';
  vectorString: string;
  baseScore: number;
  baseSeverity: string;
  temporalScore?: number;
  temporalSeverity?: string;
  environmentalScore?: number;
  environmentalSeverity?: string;
  [metric: string]: string | number | undefined;
}

const band = (score: number): Severity => cvssSeverity(score);

/** A v3.x vector as a FIRST cvss-v3.x JSON object: every metric the vector gives, the scores of its groups. */
export function cvss3Json(vector: string): Cvss3Json {
  const result = scoreCvss(vector);
  if (result.version === '4.0') throw new Error('cvss3Json needs a v3.x vector');
  const { metrics } = parseCvss(vector);
  const out: Cvss3Json = { version: result.version, vectorString: result.vector, baseScore: result.baseScore, baseSeverity: jsonSeverity(band(result.baseScore)) };
  for (const [key, value] of Object.entries(metrics)) {
    const def = CVSS3_JSON_METRICS[key];
    const name = def?.values[value];
    if (def && name) out[def.name] = name;
  }
  const given = Object.keys(metrics);
  if (TEMPORAL.some((k) => given.includes(k))) {
    out.temporalScore = result.temporalScore;
    out.temporalSeverity = jsonSeverity(band(result.temporalScore));
  }
  if (ENVIRONMENTAL.some((k) => given.includes(k))) {
    out.environmentalScore = result.environmentalScore;
    out.environmentalSeverity = jsonSeverity(band(result.environmentalScore));
  }
  return out;
}

export interface Cvss4Json {
  version: '4.0';
  vectorString: string;
  baseScore: number;
  baseSeverity: string;
}

/**
 * A v4.0 vector as FIRST cvss-v4.0 JSON. `baseScore` is the CVSS-B score; CVE 5.1 calls the most specific
 * score of a vector with threat/environmental metrics its base score too, so it carries `score` there.
 */
export function cvss4Json(vector: string): Cvss4Json {
  const result = scoreCvss(vector);
  if (result.version !== '4.0') throw new Error('cvss4Json needs a v4.0 vector');
  return { version: '4.0', vectorString: result.vector, baseScore: result.score, baseSeverity: jsonSeverity(result.severity) };
}
