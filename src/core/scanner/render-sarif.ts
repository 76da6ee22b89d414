import type { Finding } from './find-vulnerabilities.ts';
import type { LockfileScan } from './scan-lockfile.ts';
import type { UncheckedReason } from './types.ts';
import { sarifLocation, sarifLog } from './sarif-log.ts';

type Level = 'error' | 'warning' | 'note';

const levelOf = (f: Finding): Level =>
  f.severity === 'critical' || f.severity === 'high' ? 'error' : f.severity === 'low' || f.severity === 'none' ? 'note' : 'warning';

const UNCHECKED_RULE = 'embargo/unchecked-dependency';

const UNCHECKED_WHY: Record<UncheckedReason, (ecosystem: string) => string> = {
  unpinned: () => 'no single version is pinned',
  'non-registry': () => 'it does not come from the registry',
  'no-purl': () => 'the SBOM gives it no package URL',
  'invalid-purl': () => 'its package URL cannot be read',
  'unsupported-type': (ecosystem) => `Embargo does not check ${ecosystem || 'these'} packages`,
  'no-osv-data': (ecosystem) => `the OSV data holds no ${ecosystem} records`,
};

/**
 * SARIF 2.1.0 for code-scanning tools: one rule per advisory (with `security-severity` when a CVSS score is
 * known, which GitHub uses to rank), one result per finding at the lockfile line that pins the package, and
 * a note for every dependency that could not be checked.
 */
export function renderSarif(scans: readonly LockfileScan[], toolVersion: string): object {
  const rules = new Map<string, { index: number; rule: object }>();
  const ruleIndex = (f: Finding): number => {
    const known = rules.get(f.id);
    if (known) return known.index;
    const index = rules.size;
    rules.set(f.id, {
      index,
      rule: {
        id: f.id,
        shortDescription: { text: f.summary || f.id },
        helpUri: `https://osv.dev/vulnerability/${encodeURIComponent(f.id)}`,
        help: { text: `${f.id}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}: ${f.summary || 'see the advisory'}` },
        defaultConfiguration: { level: levelOf(f) },
        properties: {
          tags: ['security', 'vulnerability', f.ecosystem],
          ...(f.cvssScore !== null ? { 'security-severity': f.cvssScore.toFixed(1) } : {}),
        },
      },
    });
    return index;
  };
  const results: object[] = [];
  for (const scan of scans) {
    for (const f of scan.findings) {
      results.push({
        ruleId: f.id,
        ruleIndex: ruleIndex(f),
        level: levelOf(f),
        message: {
          text: `${f.package} ${f.version} (${f.ecosystem}) is affected by ${f.id}${f.summary ? `: ${f.summary}` : ''}.${f.fixed.length ? ` Fixed in ${f.fixed.join(', ')}.` : ' No fixed version is known.'}`,
        },
        locations: [sarifLocation(f.file, f.line)],
        partialFingerprints: { 'embargo/finding/v1': `${f.ecosystem}/${f.package}@${f.version}/${f.id}` },
      });
    }
    for (const u of scan.unchecked) {
      results.push({
        ruleId: UNCHECKED_RULE,
        level: 'note',
        message: { text: `${u.name} was not checked: ${UNCHECKED_WHY[u.reason](u.ecosystem)} (${u.spec}).` },
        locations: [sarifLocation(u.file, u.line)],
      });
    }
  }
  const hasUnchecked = scans.some((s) => s.unchecked.length);
  return sarifLog(
    {
      name: 'Embargo',
      version: toolVersion,
      rules: [
        ...[...rules.values()].map((r) => r.rule),
        ...(hasUnchecked ? [{ id: UNCHECKED_RULE, shortDescription: { text: 'Dependency not checked against advisories' }, defaultConfiguration: { level: 'note' } }] : []),
      ],
    },
    results,
  );
}
