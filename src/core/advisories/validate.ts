import { scoreCvss } from '../cvss/index.ts';
import { DomainError, type FieldProblem } from '../errors.ts';
import type { Policy } from '../policy/types.ts';
import { isEcosystem, schemeFor } from '../versions/ecosystems.ts';
import { branchBounds, findBranch } from './branch-bounds.ts';
import { CWE_ID, cweName } from './cwe.ts';
import { PURL, PURL_TYPE } from './purl.ts';
import { PUBLIC_STATES } from './states.ts';
import { ADVISORY_STATES, BRANCH_STATUSES, CREDIT_TYPES, REFERENCE_TYPES, type AffectedProduct, type Advisory } from './types.ts';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const CVE_ID = /^CVE-[0-9]{4}-[0-9]{4,19}$/;
const URL = /^https?:\/\/[^\s/?#]+[^\s]*$/;

const isTimestamp = (v: string): boolean => TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v));
const blank = (v: string | null | undefined): boolean => !v || v.trim() === '';

/**
 * Every problem of an advisory, each naming its field (`affected.0.branches.1.fixed`). The policy decides
 * which branches exist and which of them must appear in every product's backport matrix.
 */
export function advisoryProblems(a: Advisory, policy: Policy): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const p = (field: string, message: string): void => void problems.push({ field, message });
  if (blank(a.id) || /\s/.test(a.id)) p('id', 'is required and has no spaces');
  if (a.project !== policy.project.slug) p('project', `must be the policy's project (${policy.project.slug})`);
  if (blank(a.title)) p('title', 'is required');
  else if (a.title.length > 200) p('title', 'is longer than 200 characters');
  if (blank(a.summary)) p('summary', 'is required');
  else if (/[\r\n]/.test(a.summary) || a.summary.length > 160) p('summary', 'must be one line of at most 160 characters');
  if (blank(a.details)) p('details', 'is required');
  a.cwe_ids.forEach((id, i) => {
    if (!CWE_ID.test(id)) p(`cwe_ids.${i}`, 'is not a CWE id like CWE-79');
    else if (!cweName(id)) p(`cwe_ids.${i}`, `${id} is not in Embargo's CWE catalogue`);
  });
  if (new Set(a.cwe_ids).size !== a.cwe_ids.length) p('cwe_ids', 'lists a CWE twice');
  for (const slot of ['v3', 'v4'] as const) {
    const vector = a.cvss[slot];
    if (vector === null) continue;
    try {
      const { version } = scoreCvss(vector);
      if ((slot === 'v4') !== (version === '4.0')) p(`cvss.${slot}`, `is a CVSS ${version} vector`);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const first = (e.details.problems as FieldProblem[] | undefined)?.[0];
      p(`cvss.${slot}`, first?.message ?? e.message);
    }
  }
  if (a.affected.length === 0) p('affected', 'needs at least one product');
  a.affected.forEach((product, i) => productProblems(product, policy, `affected.${i}`, p));
  const pkgs = a.affected.map((x) => `${x.ecosystem}\0${x.package}`);
  if (new Set(pkgs).size !== pkgs.length) p('affected', 'lists a package twice');
  if (a.affected.length && !a.affected.some((x) => x.branches.some((b) => b.status !== 'not-affected'))) {
    p('affected', 'no branch is affected: an advisory needs at least one vulnerable branch');
  }
  a.references.forEach((r, i) => {
    if (!(REFERENCE_TYPES as readonly string[]).includes(r.type)) p(`references.${i}.type`, `must be one of ${REFERENCE_TYPES.join(', ')}`);
    if (!URL.test(r.url)) p(`references.${i}.url`, 'is not an http(s) URL');
  });
  a.credits.forEach((c, i) => {
    if (c.name !== null && blank(c.name)) p(`credits.${i}.name`, 'is empty: use null for an anonymous credit');
    if (!(CREDIT_TYPES as readonly string[]).includes(c.type)) p(`credits.${i}.type`, `must be one of ${CREDIT_TYPES.join(', ')}`);
  });
  if (a.cve_id !== null && !CVE_ID.test(a.cve_id)) p('cve_id', 'is not a CVE id like CVE-2026-12345');
  for (const key of ['embargo_until', 'created_at', 'updated_at', 'published_at', 'withdrawn_at'] as const) {
    const v = a[key];
    if (v !== null && !isTimestamp(v)) p(key, 'is not an RFC 3339 UTC timestamp');
  }
  if (!(ADVISORY_STATES as readonly string[]).includes(a.state)) p('state', `must be one of ${ADVISORY_STATES.join(', ')}`);
  if (a.state === 'scheduled' && a.embargo_until === null) p('embargo_until', 'is required for a scheduled advisory');
  if (PUBLIC_STATES.includes(a.state)) {
    if (a.published_at === null) p('published_at', `is required once the advisory is ${a.state}`);
    if (a.revisions.length === 0) p('revisions', `needs at least one entry once the advisory is ${a.state}`);
  }
  if (a.state === 'withdrawn' && a.withdrawn_at === null) p('withdrawn_at', 'is required for a withdrawn advisory');
  a.revisions.forEach((r, i) => {
    if (r.number !== i + 1) p(`revisions.${i}.number`, `must be ${i + 1}: revisions are numbered 1, 2, 3 …`);
    if (!isTimestamp(r.date)) p(`revisions.${i}.date`, 'is not an RFC 3339 UTC timestamp');
    const prev = a.revisions[i - 1];
    if (prev && Date.parse(r.date) < Date.parse(prev.date)) p(`revisions.${i}.date`, 'is earlier than the revision before it');
    if (blank(r.summary)) p(`revisions.${i}.summary`, 'is required');
  });
  return problems;
}

function productProblems(product: AffectedProduct, policy: Policy, at: string, p: (field: string, message: string) => void): void {
  if (!isEcosystem(product.ecosystem)) {
    p(`${at}.ecosystem`, 'must be one of npm, PyPI, Go, crates.io');
    return;
  }
  if (blank(product.package)) p(`${at}.package`, 'is required');
  if (product.purl !== undefined) {
    if (!PURL.test(product.purl)) p(`${at}.purl`, 'is not a package URL (pkg:type/name)');
    else if (!product.purl.startsWith(`pkg:${PURL_TYPE[product.ecosystem]}/`)) p(`${at}.purl`, `must be a pkg:${PURL_TYPE[product.ecosystem]} URL for ${product.ecosystem}`);
    else if (/[@?#]/.test(product.purl.slice(4))) p(`${at}.purl`, 'names the package, without version, qualifiers or subpath');
  }
  const scheme = schemeFor(product.ecosystem);
  const seen = new Set<string>();
  product.branches.forEach((entry, j) => {
    const f = `${at}.branches.${j}`;
    const row = findBranch(policy, entry.branch);
    if (!row) {
      p(`${f}.branch`, `is not a supported_versions label of the policy (${policy.supported_versions.map((r) => r.label).join(', ')})`);
      return;
    }
    if (seen.has(entry.branch)) p(`${f}.branch`, 'appears twice in this product');
    seen.add(entry.branch);
    if (!(BRANCH_STATUSES as readonly string[]).includes(entry.status)) {
      p(`${f}.status`, `must be one of ${BRANCH_STATUSES.join(', ')}`);
      return;
    }
    const bounds = branchBounds(row);
    const parse = (key: 'introduced' | 'fixed' | 'last_affected'): unknown => {
      const v = entry[key];
      if (v === undefined) return undefined;
      if (key === 'introduced' && v === '0') return null;
      const parsed = scheme.parse(v);
      if (parsed === null) p(`${f}.${key}`, `${JSON.stringify(v)} is not a ${scheme.name} version`);
      return parsed ?? undefined;
    };
    const introduced = parse('introduced');
    const fixed = parse('fixed');
    const last = parse('last_affected');
    if (entry.status === 'fixed' && entry.fixed === undefined) p(`${f}.fixed`, 'is required for a fixed branch');
    if (entry.status !== 'fixed' && entry.fixed !== undefined) p(`${f}.fixed`, `only a fixed branch has a fix (this one is ${entry.status})`);
    if (entry.status === 'wont-fix' && entry.last_affected === undefined) p(`${f}.last_affected`, "is required for a won't-fix branch: its last release");
    if ((entry.status === 'fixed' || entry.status === 'not-affected') && entry.last_affected !== undefined) p(`${f}.last_affected`, `does not apply to a ${entry.status} branch`);
    if (!bounds && entry.status !== 'not-affected' && entry.introduced === undefined) {
      p(`${f}.introduced`, `is required: the policy's "${row.label}" names no versions`);
    }
    const lower = introduced ?? (bounds && bounds.lower !== '0' ? scheme.parse(bounds.lower) : null);
    const upper = bounds?.upper ? scheme.parse(bounds.upper) : null;
    for (const [key, v] of [['fixed', fixed], ['last_affected', last]] as const) {
      if (v === undefined || v === null) continue;
      if (lower !== null && lower !== undefined && scheme.compare(v, lower) < (key === 'fixed' ? 1 : 0)) p(`${f}.${key}`, `must be above the first affected version`);
      if (upper !== null && scheme.compare(v, upper) >= 0) p(`${f}.${key}`, `is outside the branch ${row.label} (below ${bounds?.upper})`);
    }
    if (introduced && bounds) {
      const low = bounds.lower === '0' ? null : scheme.parse(bounds.lower);
      if ((low !== null && scheme.compare(introduced, low) < 0) || (upper !== null && scheme.compare(introduced, upper) >= 0)) {
        p(`${f}.introduced`, `is outside the branch ${row.label}`);
      }
    }
  });
  for (const row of policy.supported_versions) {
    if (row.status !== 'unsupported' && !seen.has(row.label)) p(`${at}.branches`, `says nothing about the ${row.status} branch ${row.label}`);
  }
}

/** Throws `DomainError('validation')` with every problem. */
export function assertValidAdvisory(a: Advisory, policy: Policy): void {
  const problems = advisoryProblems(a, policy);
  if (problems.length) throw DomainError.validation(problems, 'Invalid advisory');
}
