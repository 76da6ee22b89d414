import type { Severity } from '../severity.ts';
import type { RawFinding } from './types.ts';

/** The SARIF results turned into findings (the document is checked against the SARIF 2.1.0 schema first). */
export interface SarifImport {
  tools: string[];
  findings: RawFinding[];
}

export const MAX_SARIF_RESULTS = 20_000;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** CVSS-like `security-severity` (GitHub's convention) when a rule gives one, else the SARIF level. */
function severityOf(level: string, securitySeverity: unknown): Severity {
  const score = typeof securitySeverity === 'string' ? Number.parseFloat(securitySeverity) : typeof securitySeverity === 'number' ? securitySeverity : Number.NaN;
  if (Number.isFinite(score)) return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'none';
  return level === 'error' ? 'high' : level === 'warning' ? 'medium' : level === 'note' ? 'low' : 'none';
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * One finding per result: its rule (`ruleId`, else the rule its `rule.index` names), level (the result's, else
 * the rule's default, else warning), first physical location and message. The fingerprint key is the result's
 * own (partial) fingerprint when the tool gives one, else rule, file and line. `kind: pass` results are skipped.
 */
export function sarifFindings(doc: unknown): SarifImport {
  const tools: string[] = [];
  const findings: RawFinding[] = [];
  for (const run of arr(obj(doc).runs)) {
    const driver = obj(obj(obj(run).tool).driver);
    const tool = clip(str(driver.name) ?? 'unknown', 100);
    if (!tools.includes(tool)) tools.push(tool);
    const rules = arr(driver.rules).map(obj);
    const ruleById = new Map(rules.map((r) => [str(r.id) ?? '', r]));
    for (const r of arr(obj(run).results)) {
      const result = obj(r);
      const kind = str(result.kind) ?? 'fail';
      if (kind === 'pass' || kind === 'notApplicable') continue;
      const index = obj(result.rule).index;
      const rule = (typeof index === 'number' ? rules[index] : undefined) ?? ruleById.get(str(result.ruleId) ?? str(obj(result.rule).id) ?? '') ?? {};
      const ruleId = clip(str(result.ruleId) ?? str(obj(result.rule).id) ?? str(rule.id) ?? 'unknown', 200);
      const level = str(result.level) ?? str(obj(rule.defaultConfiguration).level) ?? 'warning';
      const physical = obj(obj(arr(result.locations)[0]).physicalLocation);
      const file = clip(str(obj(physical.artifactLocation).uri) ?? '', 1000);
      const startLine = obj(physical.region).startLine;
      const line = typeof startLine === 'number' && Number.isSafeInteger(startLine) && startLine > 0 ? startLine : undefined;
      const message = clip(str(obj(result.message).text) ?? str(obj(rule.shortDescription).text) ?? str(obj(rule.fullDescription).text) ?? ruleId, 2000);
      const own = Object.entries({ ...obj(result.fingerprints), ...obj(result.partialFingerprints) }).filter(([, v]) => typeof v === 'string').sort(([a], [b]) => (a < b ? -1 : 1));
      findings.push({
        file,
        ...(line !== undefined ? { line } : {}),
        check: 'sarif',
        rule: ruleId,
        severity: severityOf(level, obj(rule.properties)['security-severity'] ?? obj(result.properties)['security-severity']),
        message: `${tool}: ${message}`,
        key: `${tool}\0${own.length ? own.map(([k, v]) => `${k}=${v as string}`).join('\0') : `${line ?? ''}\0${message}`}`,
      });
      if (findings.length > MAX_SARIF_RESULTS) return { tools, findings };
    }
  }
  return { tools, findings };
}
