import { asEnum, asMap, asNumber, type Field, type ReadContext } from './yaml-reader.ts';
import { DEFAULT_DUPLICATE_THRESHOLD } from '../triage/threshold.ts';
import { SEVERITY_SOURCES, type TriageSettings } from './types.ts';

const TRIAGE_KEYS = ['severity_source', 'duplicate_threshold'] as const;

export const DEFAULT_TRIAGE: TriageSettings = { severity_source: 'cvss-4.0', duplicate_threshold: DEFAULT_DUPLICATE_THRESHOLD };

export function parseTriage(ctx: ReadContext, field: Field | undefined): TriageSettings {
  const map = field && asMap(ctx, field, TRIAGE_KEYS);
  if (!map) return { ...DEFAULT_TRIAGE };
  const source = map.get('severity_source');
  const threshold = map.get('duplicate_threshold');
  return {
    severity_source: (source && asEnum(ctx, source, SEVERITY_SOURCES)) ?? DEFAULT_TRIAGE.severity_source,
    duplicate_threshold: (threshold && asNumber(ctx, threshold, { min: 0, max: 1 })) ?? DEFAULT_DUPLICATE_THRESHOLD,
  };
}
