import type { Severity } from '../severity.ts';

export const CVSS_VERSIONS = ['3.0', '3.1', '4.0'] as const;
export type CvssVersion = (typeof CVSS_VERSIONS)[number];

export type Cvss3MetricGroup = 'base' | 'temporal' | 'environmental';
export type Cvss4MetricGroup = 'base' | 'threat' | 'environmental' | 'supplemental';
export type CvssMetricGroup = Cvss3MetricGroup | Cvss4MetricGroup;

export interface CvssMetricValueDefinition {
  /** Value as written in the vector, e.g. `N` or `Clear`. */
  readonly key: string;
  readonly label: string;
  readonly description: string;
}

export interface CvssMetricDefinition {
  /** Metric abbreviation as written in the vector, e.g. `AV`. */
  readonly key: string;
  readonly name: string;
  readonly group: CvssMetricGroup;
  /** Mandatory metrics have no `X` (Not Defined) value; every other metric defaults to `X`. */
  readonly mandatory: boolean;
  readonly description: string;
  /** In specification order; optional metrics start with `X`. */
  readonly values: readonly CvssMetricValueDefinition[];
}

export interface ParsedCvss {
  version: CvssVersion;
  /** Specification metric order, every metric as given (an explicit `X` is kept). */
  vector: string;
  /** Metrics given in the vector, keyed by abbreviation, in specification order. */
  metrics: Readonly<Record<string, string>>;
}

export type Cvss4Nomenclature = 'CVSS-B' | 'CVSS-BT' | 'CVSS-BE' | 'CVSS-BTE';

interface CvssResultCommon {
  /** Normalised vector, see `ParsedCvss.vector`. */
  vector: string;
  /** The most specific score the vector defines: environmental, else temporal (threat), else base. */
  score: number;
  /** Severity band of `score`. */
  severity: Severity;
  baseScore: number;
}

export interface Cvss3Result extends CvssResultCommon {
  version: '3.0' | '3.1';
  /** Always computed: metrics that are not given count as Not Defined. */
  temporalScore: number;
  environmentalScore: number;
  /** Base impact and exploitability sub-scores, rounded half up to one decimal; a negative impact reads 0. */
  impactSubScore: number;
  exploitabilitySubScore: number;
  nomenclature?: undefined;
  macroVector?: undefined;
}

export interface Cvss4Result extends CvssResultCommon {
  version: '4.0';
  /** Which groups took part in `score`; `baseScore` is always the CVSS-B score. */
  nomenclature: Cvss4Nomenclature;
  /** EQ1..EQ6 levels of the scored vector, e.g. `002201`. */
  macroVector: string;
  temporalScore?: undefined;
  environmentalScore?: undefined;
  impactSubScore?: undefined;
  exploitabilitySubScore?: undefined;
}

export type CvssResult = Cvss3Result | Cvss4Result;
