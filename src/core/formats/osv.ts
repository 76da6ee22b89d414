import { deriveBranchRanges, isVulnerable, type BranchRange } from '../advisories/backport.ts';
import { purlFor } from '../advisories/purl.ts';
import type { AffectedProduct, Advisory, CreditType, ReferenceType } from '../advisories/types.ts';
import type { Policy } from '../policy/types.ts';
import type { Ecosystem } from '../versions/ecosystems.ts';
import type { OsvEvent } from '../versions/osv-range.ts';

/** OSV schema version this exporter writes (`schema_version`, OSV 1.7 "schema_version field"). */
export const OSV_SCHEMA_VERSION = '1.7.0';

export interface OsvRangeJson {
  type: 'SEMVER' | 'ECOSYSTEM';
  events: OsvEvent[];
  database_specific: { branch: string; status: string };
}

export interface OsvJson {
  schema_version: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  summary: string;
  details: string;
  severity?: { type: 'CVSS_V3' | 'CVSS_V4'; score: string }[];
  affected: {
    package: { ecosystem: Ecosystem; name: string; purl: string };
    ranges: OsvRangeJson[];
    database_specific: { backport_matrix: { branch: string; status: string; fixed?: string; last_affected?: string }[] };
  }[];
  references?: { type: string; url: string }[];
  credits?: { name: string; type: string; contact?: string[] }[];
  database_specific: { cwe_ids: string[]; source: string; project: string; advisory_id: string };
}

export interface OsvExportOptions {
  /**
   * The record id. OSV ids start with a registered database prefix; unregistered databases use `x_`
   * (schema `$defs/prefix`), so the default is `x_<advisory id>`.
   */
  id?: string;
  /** Defaults to the advisory's `updated_at`. */
  modified?: string;
}

/**
 * OSV "Evaluation": SEMVER ranges use SemVer 2.0.0 precedence, which is exactly npm's, Cargo's and Go's (OSV
 * writes Go versions without `v`); PyPI needs PEP 440 ordering, so its ranges are ECOSYSTEM.
 */
export const osvRangeType = (ecosystem: Ecosystem): 'SEMVER' | 'ECOSYSTEM' => (ecosystem === 'PyPI' ? 'ECOSYSTEM' : 'SEMVER');

const goVersion = (ecosystem: Ecosystem, v: string): string => (ecosystem === 'Go' && v.startsWith('v') ? v.slice(1) : v);

/**
 * The events of one vulnerable branch. One range per branch because OSV 1.7 ("affected[].ranges[].events")
 * forbids `fixed` and `last_affected` in one range, and a `limit` bounds a whole range:
 * - fixed:     introduced → fixed
 * - won't fix: introduced → last_affected (the branch's last release stays affected)
 * - affected:  introduced → last_affected when known, else a `limit` at the end of the branch (so a later
 *              branch with its own row is not swept in), else open-ended.
 */
export function branchEvents(r: BranchRange, ecosystem: Ecosystem): OsvEvent[] {
  const v = (x: string): string => goVersion(ecosystem, x);
  const events: OsvEvent[] = [{ introduced: v(r.introduced) }];
  if (r.status === 'fixed' && r.fixed) events.push({ fixed: v(r.fixed) });
  else if (r.last_affected) events.push({ last_affected: v(r.last_affected) });
  else if (r.status === 'affected' && r.upper) events.push({ limit: v(r.upper) });
  return events;
}

/** The OSV ranges of one product, one per vulnerable branch of its backport matrix. */
export function osvRanges(product: AffectedProduct, policy: Pick<Policy, 'supported_versions'>): OsvRangeJson[] {
  return deriveBranchRanges(product, policy)
    .filter(isVulnerable)
    .map((r) => ({ type: osvRangeType(product.ecosystem), events: branchEvents(r, product.ecosystem), database_specific: { branch: r.branch, status: r.status } }));
}

const REFERENCE: Record<ReferenceType, string> = {
  advisory: 'ADVISORY',
  article: 'ARTICLE',
  report: 'REPORT',
  fix: 'FIX',
  introduced: 'INTRODUCED',
  package: 'PACKAGE',
  evidence: 'EVIDENCE',
  web: 'WEB',
};

/** OSV `credits[].type` is the CVE credit type in upper snake case. */
const creditType = (t: CreditType): string => t.toUpperCase().replace(/ /g, '_');

/** The advisory as an OSV 1.7 record. Anonymous credits are left out: OSV `credits[].name` is required. */
export function toOsv(a: Advisory, policy: Policy, opts: OsvExportOptions = {}): OsvJson {
  const severity = [
    ...(a.cvss.v3 ? [{ type: 'CVSS_V3' as const, score: a.cvss.v3 }] : []),
    ...(a.cvss.v4 ? [{ type: 'CVSS_V4' as const, score: a.cvss.v4 }] : []),
  ];
  const credits = a.credits.flatMap((c) => (c.name === null ? [] : [{ name: c.name, type: creditType(c.type), ...(c.contact?.length ? { contact: c.contact } : {}) }]));
  return {
    schema_version: OSV_SCHEMA_VERSION,
    id: opts.id ?? `x_${a.id}`,
    modified: opts.modified ?? a.updated_at,
    ...(a.published_at ? { published: a.published_at } : {}),
    ...(a.state === 'withdrawn' && a.withdrawn_at ? { withdrawn: a.withdrawn_at } : {}),
    ...(a.cve_id ? { aliases: [a.cve_id] } : {}),
    summary: a.summary,
    details: a.details,
    ...(severity.length ? { severity } : {}),
    affected: a.affected.map((p) => ({
      package: { ecosystem: p.ecosystem, name: p.package, purl: p.purl ?? purlFor(p.ecosystem, p.package) },
      ranges: osvRanges(p, policy),
      database_specific: {
        backport_matrix: deriveBranchRanges(p, policy).map((r) => ({
          branch: r.branch,
          status: r.status,
          ...(r.fixed ? { fixed: r.fixed } : {}),
          ...(r.last_affected ? { last_affected: r.last_affected } : {}),
        })),
      },
    })),
    ...(a.references.length ? { references: a.references.map((r) => ({ type: REFERENCE[r.type], url: r.url })) } : {}),
    ...(credits.length ? { credits } : {}),
    database_specific: { cwe_ids: a.cwe_ids, source: 'Embargo', project: a.project, advisory_id: a.id },
  };
}
