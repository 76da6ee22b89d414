/**
 * The maintainer dashboard's API calls (the public pages' calls are in api.ts). Every call goes through
 * api.ts's request() (cookies, CSRF token, ApiError); a 401 from any of them means the session ended, and the
 * session store (components/app/session.ts) is told so it can show the sign-in page with a message.
 */
import { ApiError, request, type Classification, type Deadline, type ReportBody, type ThreadAttachment, type ThreadMessage } from './api.ts';
import type { ProjectRole } from '../../src/core/access/permissions.ts';
import type { Advisory, AdvisoryState } from '../../src/core/advisories/types.ts';

export type { ProjectRole, Advisory, AdvisoryState };

export interface DashboardProject {
  slug: string;
  name: string;
  role: ProjectRole;
}

export interface ReportSummary {
  tracking_id: string;
  title: string;
  state: string;
  severity: string | null;
  category: string | null;
  affected_version: string | null;
  classification: Classification;
  created_at: string;
  updated_at: string;
  deadlines: Deadline[];
}

export interface CvssScore {
  version: string;
  vector: string;
  score: number;
  severity: string;
  base_score: number;
}

export interface ReportDetail extends ReportSummary {
  body: ReportBody;
  cvss: { v3: CvssScore | null; v4: CvssScore | null; driven_by: string | null };
  rejection_reason: string | null;
  duplicate_of: string | null;
  credit_choice: string | null;
  terms_accepted: boolean;
  source: string;
  embargo_until: string | null;
  allowed_transitions: string[];
  messages: ThreadMessage[];
  attachments: ThreadAttachment[];
}

export interface SlaEntry extends Deadline {
  tracking_id: string;
  title: string;
  state: string;
  severity: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  data: Record<string, unknown>;
}

export interface Member {
  email: string;
  name: string;
  role: ProjectRole;
  since: string;
}

export interface AdvisorySummary {
  id: string;
  state: AdvisoryState;
  title: string;
  cve_id: string | null;
  report_tracking_id: string | null;
  publish_at: string | null;
  published_at: string | null;
  updated_at: string;
  revision: number;
}

export interface AdvisoryView {
  advisory: Advisory;
  problems: { field: string; message: string }[];
  revision: number;
  report_tracking_id: string | null;
  announced_at: string | null;
  public_url: string;
  exports: { osv: string; cve: string; csaf: string };
}

export type ExportFormat = 'osv' | 'cve' | 'csaf';

/** The editable part of an advisory, as PUT …/advisories/:id takes it. */
export type AdvisoryPatch = Partial<Pick<Advisory, 'title' | 'summary' | 'details' | 'cwe_ids' | 'cvss' | 'affected' | 'references' | 'credits' | 'cve_id' | 'embargo_until'>>;

// ---- Session expiry ----

let onUnauthenticated: (() => void) | null = null;

/** The session store registers here; any 401 from a dashboard call ends the session in the UI. */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

async function call<T>(path: string, opts: Parameters<typeof request>[1] = {}): Promise<T> {
  try {
    return await request<T>(path, opts);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) onUnauthenticated?.();
    throw e;
  }
}

const enc = encodeURIComponent;
const project = (slug: string) => `/api/v1/projects/${enc(slug)}`;
const report = (slug: string, id: string) => `${project(slug)}/reports/${enc(id)}`;
const advisory = (slug: string, id: string) => `${project(slug)}/advisories/${enc(id)}`;

export const appApi = {
  projects: () => call<{ projects: DashboardProject[] }>('/api/v1/dashboard/projects'),

  reports: (slug: string, filter: { state?: string[]; severity?: string[] } = {}) => {
    const q = new URLSearchParams();
    if (filter.state?.length) q.set('state', filter.state.join(','));
    if (filter.severity?.length) q.set('severity', filter.severity.join(','));
    const qs = q.toString();
    return call<{ reports: ReportSummary[] }>(`${project(slug)}/reports${qs ? '?' + qs : ''}`);
  },
  sla: (slug: string) => call<{ project: string; now: string; deadlines: SlaEntry[] }>(`${project(slug)}/sla`),

  report: (slug: string, id: string) => call<ReportDetail>(report(slug, id)),
  transition: (slug: string, id: string, to: string, reason: string | null = null, duplicateOf: string | null = null) =>
    call<unknown>(`${report(slug, id)}/transitions`, { json: { to, reason, duplicate_of: duplicateOf } }),
  setSeverity: (slug: string, id: string, body: { severity?: string | null; cvss_v3_vector?: string | null; cvss_v4_vector?: string | null }) =>
    call<{ severity: string | null }>(`${report(slug, id)}/severity`, { method: 'PUT', json: body }),
  setEmbargo: (slug: string, id: string, until: string | null) => call<{ embargo_until: string | null }>(`${report(slug, id)}/embargo`, { method: 'PUT', json: { until } }),
  message: (slug: string, id: string, body: string, internal: boolean) => call<unknown>(`${report(slug, id)}/messages`, { json: { body, internal } }),
  reportAudit: (slug: string, id: string) => call<{ entries: AuditEntry[] }>(`${report(slug, id)}/audit`),

  policyYaml: (slug: string) => call<string>(`${project(slug)}/policy`),
  savePolicy: (slug: string, yaml: string) => call<unknown>(`${project(slug)}/policy`, { method: 'PUT', json: { policy_yaml: yaml } }),
  members: (slug: string) => call<{ members: Member[] }>(`${project(slug)}/members`),
  setMember: (slug: string, email: string, role: ProjectRole | null) => call<unknown>(`${project(slug)}/members`, { method: 'PUT', json: { email, role } }),

  advisories: (slug: string) => call<{ advisories: AdvisorySummary[] }>(`${project(slug)}/advisories`),
  createAdvisory: (slug: string, body: { report?: string; title?: string; ecosystem?: string; package?: string }) =>
    call<AdvisoryView>(`${project(slug)}/advisories`, { json: body }),
  advisory: (slug: string, id: string) => call<AdvisoryView>(advisory(slug, id)),
  saveAdvisory: (slug: string, id: string, patch: AdvisoryPatch, note: string | null = null) =>
    call<AdvisoryView>(advisory(slug, id), { method: 'PUT', json: { ...patch, ...(note ? { note } : {}) } }),
  moveAdvisory: (slug: string, id: string, to: AdvisoryState) => call<AdvisoryView>(`${advisory(slug, id)}/transitions`, { json: { to } }),
  exportAdvisory: (slug: string, id: string, format: ExportFormat) => call<unknown>(`${advisory(slug, id)}?format=${format}`),
};
