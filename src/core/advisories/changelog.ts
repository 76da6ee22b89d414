import { scoreCvss } from '../cvss/index.ts';
import type { Policy } from '../policy/types.ts';
import { deriveBranchRanges, type BranchRange } from './backport.ts';
import type { Advisory } from './types.ts';

/** One backport-matrix row in words: `1.0.x: fixed in 1.0.4`. */
export function branchStatusText(r: BranchRange): string {
  switch (r.status) {
    case 'fixed':
      return `fixed in ${r.fixed}`;
    case 'wont-fix':
      return `affected up to ${r.last_affected}, no fix planned`;
    case 'not-affected':
      return 'not affected';
    default:
      return r.last_affected ? `affected up to ${r.last_affected}, fix pending` : 'affected, fix pending';
  }
}

/** The CVSS scores an advisory states, e.g. `CVSS 3.1 7.5 (high)`. */
export function cvssTexts(a: Advisory): string[] {
  return [a.cvss.v4, a.cvss.v3].flatMap((v) => {
    if (!v) return [];
    const r = scoreCvss(v);
    return [`CVSS ${r.version} ${r.score.toFixed(1)} (${r.severity})`];
  });
}

/**
 * The changelog entry for a release note (Keep a Changelog's "Security" section), in Markdown: id and CVE,
 * title, per package the branch outcomes, the score, the credit and the advisory's URL.
 */
export function changelogEntry(a: Advisory, policy: Policy, url: string): string {
  const ids = a.cve_id ? `${a.id} / ${a.cve_id}` : a.id;
  const lines = [`### Security`, '', `- **${ids}**: ${a.title}.`];
  for (const p of a.affected) {
    const rows = deriveBranchRanges(p, policy).map((r) => `${r.branch}: ${branchStatusText(r)}`);
    lines.push(`  ${p.package} (${p.ecosystem}) — ${rows.join('; ')}.`);
  }
  const scores = cvssTexts(a);
  if (scores.length) lines.push(`  Severity: ${scores.join(', ')}.`);
  const named = a.credits.filter((c) => c.name !== null).map((c) => c.name);
  const anonymous = a.credits.length - named.length;
  if (a.credits.length) lines.push(`  Thanks to ${[...named, ...(anonymous ? [anonymous === 1 ? 'an anonymous reporter' : `${anonymous} anonymous reporters`] : [])].join(', ')}.`);
  lines.push(`  Details: ${url}`);
  if (a.state === 'withdrawn') lines.push(`  This advisory was withdrawn: ${a.revisions[a.revisions.length - 1]?.summary ?? ''}`);
  return `${lines.join('\n')}\n`;
}
