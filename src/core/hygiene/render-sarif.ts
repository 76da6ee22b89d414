import type { HygieneFinding } from './types.ts';
import { sarifLocation, sarifLog } from '../scanner/sarif-log.ts';

const LEVEL = { critical: 'error', high: 'error', medium: 'warning', low: 'note', none: 'note' } as const;
const SCORE = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', none: '0.0' } as const;

/** Hygiene findings as SARIF 2.1.0: one rule per (check, rule), the fingerprint as a partial fingerprint. */
export function renderHygieneSarif(findings: readonly HygieneFinding[], toolVersion: string): object {
  const rules = new Map<string, number>();
  const ruleIds: { id: string; check: string; severity: HygieneFinding['severity'] }[] = [];
  const results = findings.map((f) => {
    const id = `${f.check}/${f.rule}`;
    if (!rules.has(id)) {
      rules.set(id, ruleIds.length);
      ruleIds.push({ id, check: f.check, severity: f.severity });
    }
    return {
      ruleId: id,
      ruleIndex: rules.get(id),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [sarifLocation(f.file, f.line)],
      partialFingerprints: { 'embargo/hygiene/v1': f.fingerprint },
    };
  });
  return sarifLog(
    {
      name: 'Embargo hygiene',
      version: toolVersion,
      rules: ruleIds.map((r) => ({
        id: r.id,
        shortDescription: { text: r.id },
        defaultConfiguration: { level: LEVEL[r.severity] },
        properties: { tags: ['security', r.check], 'security-severity': SCORE[r.severity] },
      })),
    },
    results,
  );
}
