import { asEnum, asMap, type Field, type ReadContext } from './yaml-reader.ts';
import { SEVERITY_SOURCES, type TriageSettings } from './types.ts';

const TRIAGE_KEYS = ['severity_source'] as const;

export const DEFAULT_TRIAGE: TriageSettings = { severity_source: 'cvss-4.0' };

export function parseTriage(ctx: ReadContext, field: Field | undefined): TriageSettings {
  const map = field && asMap(ctx, field, TRIAGE_KEYS);
  if (!map) return { ...DEFAULT_TRIAGE };
  const source = map.get('severity_source');
  return { severity_source: (source && asEnum(ctx, source, SEVERITY_SOURCES)) ?? DEFAULT_TRIAGE.severity_source };
}
