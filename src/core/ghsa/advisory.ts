import type { Credit, CreditType, Reference } from '../advisories/types.ts';
import { DomainError, type FieldProblem } from '../errors.ts';
import type { ReportState, RejectionReason } from '../reports/states.ts';
import { isSeverity, type Severity } from '../severity.ts';

/**
 * A GitHub repository security advisory (REST `GET /repos/{owner}/{repo}/security-advisories`, one element), reduced
 * to what Embargo keeps (docs/ghsa.md). The reader is strict about what it uses and ignores the rest (users, forks).
 */
export const GHSA_STATES = ['triage', 'draft', 'published', 'closed', 'withdrawn'] as const;
export type GhsaState = (typeof GHSA_STATES)[number];

export interface GhsaAdvisory {
  ghsa_id: string;
  cve_id: string | null;
  html_url: string | null;
  summary: string;
  description: string;
  /** GitHub's severity: critical, high, medium, low (or null / unknown). */
  severity: Severity | null;
  state: GhsaState;
  created_at: string | null;
  updated_at: string | null;
  published_at: string | null;
  cvss_v3: string | null;
  cvss_v4: string | null;
  cwe_ids: string[];
  credits: { login: string; type: string }[];
  vulnerabilities: { ecosystem: string; package: string; vulnerable_version_range: string | null; patched_versions: string | null }[];
}

const GHSA_ID = /^GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/;
const CVSS3 = /^CVSS:3\.[01]\//;
const CVSS4 = /^CVSS:4\.0\//;
/** Bounds: GitHub limits a summary to 1024 characters; a description is kept under the report body's limit. */
const MAX_SUMMARY = 1024;
const MAX_DESCRIPTION = 50_000;
export const MAX_GHSA_ADVISORIES = 5000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : null);
const date = (v: unknown): string | null => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);

/** Reads one advisory, or says what is wrong with it (field paths start with `[index]`). */
export function readGhsaAdvisory(raw: unknown, at: string, problems: FieldProblem[]): GhsaAdvisory | null {
  const bad = (field: string, message: string): null => {
    problems.push({ field: `${at}.${field}`, message });
    return null;
  };
  if (!isObject(raw)) return bad('', 'must be an object (a repository security advisory)');
  const id = str(raw.ghsa_id);
  if (!id || !GHSA_ID.test(id)) return bad('ghsa_id', 'must be a GHSA id (GHSA-xxxx-xxxx-xxxx)');
  const state = str(raw.state);
  if (!state || !(GHSA_STATES as readonly string[]).includes(state)) return bad('state', `must be one of ${GHSA_STATES.join(', ')}`);
  const summary = str(raw.summary);
  if (!summary) return bad('summary', 'is required');
  const severities = isObject(raw.cvss_severities) ? raw.cvss_severities : {};
  const vector = (v: unknown): string | null => (isObject(v) ? str(v.vector_string) : null);
  const legacy = vector(raw.cvss);
  const v3 = vector(severities.cvss_v3) ?? (legacy && CVSS3.test(legacy) ? legacy : null);
  const v4 = vector(severities.cvss_v4) ?? (legacy && CVSS4.test(legacy) ? legacy : null);
  const cwes = Array.isArray(raw.cwe_ids) ? raw.cwe_ids : Array.isArray(raw.cwes) ? raw.cwes.map((c) => (isObject(c) ? c.cwe_id : null)) : [];
  const credits = Array.isArray(raw.credits) ? raw.credits : [];
  const vulns = Array.isArray(raw.vulnerabilities) ? raw.vulnerabilities : [];
  const severity = str(raw.severity);
  return {
    ghsa_id: id,
    cve_id: str(raw.cve_id),
    html_url: str(raw.html_url),
    summary: summary.slice(0, MAX_SUMMARY),
    description: (str(raw.description) ?? summary).slice(0, MAX_DESCRIPTION),
    severity: severity && isSeverity(severity) ? severity : null,
    state: state as GhsaState,
    created_at: date(raw.created_at),
    updated_at: date(raw.updated_at),
    published_at: date(raw.published_at),
    cvss_v3: v3 && CVSS3.test(v3) ? v3 : null,
    cvss_v4: v4 && CVSS4.test(v4) ? v4 : null,
    cwe_ids: cwes.filter((c): c is string => typeof c === 'string' && /^CWE-\d{1,5}$/.test(c)),
    credits: credits.flatMap((c) => (isObject(c) && str(c.login) ? [{ login: str(c.login) as string, type: str(c.type) ?? 'other' }] : [])),
    vulnerabilities: vulns.flatMap((v) => {
      if (!isObject(v) || !isObject(v.package) || !str(v.package.name)) return [];
      return [{ ecosystem: str(v.package.ecosystem) ?? 'other', package: str(v.package.name) as string, vulnerable_version_range: str(v.vulnerable_version_range), patched_versions: str(v.patched_versions) }];
    }),
  };
}

/** Reads a `gh api` export (an array of advisories, or one advisory); every problem is reported at once. */
export function readGhsaExport(raw: unknown): GhsaAdvisory[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length > MAX_GHSA_ADVISORIES) throw DomainError.validation([{ field: 'advisories', message: `at most ${MAX_GHSA_ADVISORIES} advisories per import` }]);
  const problems: FieldProblem[] = [];
  const read = list.map((item, i) => readGhsaAdvisory(item, `[${i}]`, problems));
  if (problems.length) throw DomainError.validation(problems, 'Not a GitHub repository security advisory export');
  return read as GhsaAdvisory[];
}

/**
 * The report state a GitHub state stands for: a private report waiting in GitHub's triage is `new`; a draft
 * advisory (accepted, being fixed) is `accepted`; published is `disclosed`; closed (declined) is `rejected`
 * (reason `invalid`); a withdrawn advisory is `closed`.
 */
export function reportStateOf(state: GhsaState): { state: ReportState; reason: RejectionReason | null } {
  switch (state) {
    case 'triage':
      return { state: 'new', reason: null };
    case 'draft':
      return { state: 'accepted', reason: null };
    case 'published':
      return { state: 'disclosed', reason: null };
    case 'closed':
      return { state: 'rejected', reason: 'invalid' };
    case 'withdrawn':
      return { state: 'closed', reason: null };
  }
}

/** The report's title and description (Markdown) as imported: GitHub's text, then what the advisory says in fields. */
export function reportTextOf(a: GhsaAdvisory): { title: string; description: string } {
  const lines = [a.description, '', '---', `Imported from GitHub Security Advisory ${a.ghsa_id}${a.html_url ? ` (${a.html_url})` : ''}, state: ${a.state}.`];
  if (a.cve_id) lines.push(`CVE: ${a.cve_id}`);
  if (a.cwe_ids.length) lines.push(`CWE: ${a.cwe_ids.join(', ')}`);
  for (const v of a.vulnerabilities) lines.push(`Affected: ${v.ecosystem}/${v.package} ${v.vulnerable_version_range ?? '(range not given)'}; patched: ${v.patched_versions ?? 'none yet'}`);
  if (a.credits.length) lines.push(`Credits: ${a.credits.map((c) => `${c.login} (${c.type})`).join(', ')}`);
  return { title: a.summary.slice(0, 200), description: lines.join('\n') };
}

/** The additional data a sealed GHSA record is bound to (services/ghsa). */
export const ghsaRecordAad = (projectId: string, ghsaId: string): string => `ghsa:${projectId}:${ghsaId}`;

const CREDIT_TYPE_OF: Record<string, CreditType> = {
  analyst: 'analyst',
  finder: 'finder',
  reporter: 'reporter',
  coordinator: 'coordinator',
  remediation_developer: 'remediation developer',
  remediation_reviewer: 'remediation reviewer',
  remediation_verifier: 'remediation verifier',
  tool: 'tool',
  sponsor: 'sponsor',
};

/** What an imported GitHub advisory adds to an advisory drafted from its report: CWE, CVE, credits, its GitHub page. */
export function advisoryPrefillOf(a: GhsaAdvisory): { cwe_ids: string[]; cve_id: string | null; credits: Credit[]; references: Reference[] } {
  return {
    cwe_ids: a.cwe_ids,
    cve_id: a.cve_id,
    credits: a.credits.map((c) => ({ name: c.login, type: CREDIT_TYPE_OF[c.type] ?? 'other' })),
    references: a.html_url && /^https:\/\//.test(a.html_url) ? [{ type: 'advisory', url: a.html_url, name: a.ghsa_id }] : [],
  };
}
