import { DomainError, type FieldProblem } from '../errors.ts';
import { scoreCvss, type CvssResult } from '../cvss/index.ts';
import type { SeveritySource } from '../policy/types.ts';
import type { Severity } from '../severity.ts';

export interface CvssVectors {
  v3: string | null;
  v4: string | null;
}

export interface CvssAssessment {
  v3: CvssResult | null;
  v4: CvssResult | null;
  /** The version whose severity the report takes, or null when severity is set by hand. */
  drivenBy: '3.x' | '4.0' | null;
  severity: Severity | null;
}

/** Sorts a single vector into the v3 or v4 slot by its prefix; throws the scorer's field-level error. */
export function slotOf(vector: string, field: string): '3.x' | '4.0' {
  try {
    return scoreCvss(vector).version === '4.0' ? '4.0' : '3.x';
  } catch (e) {
    throw rename(e, field);
  }
}

function rename(e: unknown, field: string): unknown {
  if (!(e instanceof DomainError)) return e;
  const problems = ((e.details.problems as FieldProblem[] | undefined) ?? []).map((p) => ({ ...p, field }));
  return DomainError.validation(problems, e.message);
}

function scoreAs(vector: string | null, field: string, expected: '3.x' | '4.0'): CvssResult | null {
  if (!vector) return null;
  let result: CvssResult;
  try {
    result = scoreCvss(vector);
  } catch (e) {
    throw rename(e, field);
  }
  if ((result.version === '4.0') !== (expected === '4.0')) {
    throw DomainError.validation([{ field, message: `must be a CVSS ${expected === '4.0' ? 'v4.0' : 'v3.0/v3.1'} vector` }]);
  }
  return result;
}

/**
 * Scores the report's vectors and picks the one that decides severity per the policy's `triage.severity_source`:
 * the preferred version when present, else the other; `manual` leaves severity to the maintainer.
 */
export function assessCvss(vectors: CvssVectors, source: SeveritySource): CvssAssessment {
  const v3 = scoreAs(vectors.v3, 'cvss_v3_vector', '3.x');
  const v4 = scoreAs(vectors.v4, 'cvss_v4_vector', '4.0');
  if (source === 'manual' || (!v3 && !v4)) return { v3, v4, drivenBy: null, severity: null };
  const preferred = source === 'cvss-3.x' ? v3 ?? v4 : v4 ?? v3;
  return { v3, v4, drivenBy: preferred === v4 ? '4.0' : '3.x', severity: preferred?.severity ?? null };
}
