/**
 * The maintainer dashboard's API calls (the public pages' calls are in api.ts). Every call goes through
 * api.ts's request() (cookies, CSRF token, ApiError); a 401 from any of them means the session ended, and the
 * session store (components/app/session.ts) is told so it can show the sign-in page with a message.
 */
import { ApiError, request } from './api.ts';
import type { ProjectRole } from '../../src/core/access/permissions.ts';
import type { Advisory, AdvisoryState } from '../../src/core/advisories/types.ts';
import type { SlaResponse } from '../../src/api/schemas.ts';
import type { AdvisoryList, AdvisoryView } from '../../src/api/schemas/advisories.ts';
import type { AuditList } from '../../src/api/schemas/audit.ts';
import type { RegistrationResponseJSON, PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import type { Accepted, PasskeyJson, PasskeyList, RecoveryCodes, SessionList, SiteSettings, TokenCreated, TokenList, TotpEnrolment, TwoFactorStatusJson as TwoFactorStatus, UserList, UserListItemJson } from '../../src/api/schemas/access.ts';
import type { TokenScope } from '../../src/core/access/permissions.ts';
import type { CvssScore as CvssScoreJson } from '../../src/api/schemas/cvss.ts';
import type { DashboardProjectList, Invitation, InvitationAccepted, MemberList, Membership, Project } from '../../src/api/schemas/projects.ts';
import type { AssigneeList, AssignResult, BulkResult, EmbargoResult, MessageCreated, ReportDetail, ReportList, SeverityResult, TransitionResult } from '../../src/api/schemas/reports.ts';
import type { ReporterErasure } from '../../src/api/schemas/operations.ts';
import type { DeliveryJson, DeliveryList, WebhookJson, WebhookList } from '../../src/api/schemas/webhooks.ts';
import type { HeldDetail, HeldList, SenderBlock, SenderBlockList } from '../../src/api/schemas/review.ts';
import type { AdvisoryCveJson, CveQuotaJson, CveSettingsJson } from '../../src/api/schemas/cve.ts';
import type { FindingReport, Scan, ScanList } from '../../src/api/schemas/scans.ts';
import type { NotificationSetting, NotificationSettings, UserKeyAnswer, UserKeyJson } from '../../src/api/schemas/notifications.ts';
import type { EventType, WebhookFormat } from '../../src/core/notifications/events.ts';
import type { NotificationLevel } from '../../src/core/notifications/preferences.ts';

export type { ProjectRole, Advisory, AdvisoryState };

// ---- Response shapes: the server's own response schemas (src/api/schemas/), so a renamed field fails the type-check ----

export type { DashboardProject, DashboardProjectList, Invitation, InvitationAccepted, Member, MemberList, Membership, PendingInvitation } from '../../src/api/schemas/projects.ts';
export type { Assignee, AssigneeList, BulkResult, QueueItem, ReportDetail, ReportList, ReportSummary, SeverityResult, EmbargoResult, TransitionResult, MessageCreated } from '../../src/api/schemas/reports.ts';
export type { SlaEntry, SlaResponse } from '../../src/api/schemas.ts';
export type { AuditEntry, AuditList } from '../../src/api/schemas/audit.ts';
export type { AdvisoryList, AdvisorySummary, AdvisoryView } from '../../src/api/schemas/advisories.ts';
export type { PasskeyJson as Passkey, TwoFactorStatusJson as TwoFactorStatus, SessionInfoJson as SessionInfo, SessionList, TokenCreated, TokenInfoJson as TokenInfo, TokenList, UserList, UserListItemJson as UserListItem } from '../../src/api/schemas/access.ts';
export type { TokenScope };
export type { DeliveryJson as Delivery, DeliveryList, WebhookJson as Webhook, WebhookList } from '../../src/api/schemas/webhooks.ts';
export type { HeldDetail, HeldItem, HeldList, SenderBlock, SenderBlockList } from '../../src/api/schemas/review.ts';
export type { AdvisoryCveJson as AdvisoryCve, CvePublicationJson as CvePublication, CveQuotaJson as CveQuota, CveSettingsJson as CveSettings } from '../../src/api/schemas/cve.ts';
export type { Finding, FindingReport, Issue, Scan, ScanList, ScanSummary } from '../../src/api/schemas/scans.ts';
export type { NotificationSetting, NotificationSettings, UserKeyAnswer, UserKeyJson as UserKey } from '../../src/api/schemas/notifications.ts';
export type { EventType, WebhookFormat, NotificationLevel };

/** What the dashboard shows of a scored vector: the fields CVSS v3.x and v4.0 scores share. */
export type CvssScore = Pick<CvssScoreJson, 'version' | 'vector' | 'score' | 'severity' | 'base_score'>;

export type ExportFormat = 'osv' | 'cve' | 'csaf';

/** The editable part of an advisory, as PUT …/advisories/:id takes it. */
export type AdvisoryPatch = Partial<Pick<Advisory, 'title' | 'summary' | 'details' | 'cwe_ids' | 'cvss' | 'affected' | 'references' | 'credits' | 'cve_id' | 'embargo_until'>> & {
  /** true: take the report's embargo date and follow it. */
  embargo_follows_report?: boolean;
};

/** The queue's filters, as GET …/reports takes them. */
export interface QueueFilter {
  state?: string[];
  severity?: string[];
  dueWithinHours?: number | null;
  q?: string;
  /** A user's id, 'me' or 'none'. */
  assignee?: string;
  flag?: 'any' | 'none' | 'version' | 'scope';
  source?: string[];
  minAgeDays?: number;
  maxAgeDays?: number;
}

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
  projects: () => call<DashboardProjectList>('/api/v1/dashboard/projects'),

  /** One page of a project's queue, most urgent first; `cursor` is the previous page's `next_cursor`. */
  reports: (slug: string, filter: QueueFilter = {}, page: { cursor?: string | null; limit?: number } = {}) => {
    const q = new URLSearchParams();
    if (filter.state?.length) q.set('state', filter.state.join(','));
    if (filter.severity?.length) q.set('severity', filter.severity.join(','));
    if (filter.dueWithinHours !== undefined && filter.dueWithinHours !== null) q.set('due_within_hours', String(filter.dueWithinHours));
    if (filter.q) q.set('q', filter.q);
    if (filter.assignee) q.set('assignee', filter.assignee);
    if (filter.flag) q.set('flag', filter.flag);
    if (filter.source?.length) q.set('source', filter.source.join(','));
    if (filter.minAgeDays !== undefined) q.set('min_age_days', String(filter.minAgeDays));
    if (filter.maxAgeDays !== undefined) q.set('max_age_days', String(filter.maxAgeDays));
    if (page.limit) q.set('limit', String(page.limit));
    if (page.cursor) q.set('cursor', page.cursor);
    const qs = q.toString();
    return call<ReportList>(`${project(slug)}/reports${qs ? '?' + qs : ''}`);
  },
  /** One page of a project's outstanding deadlines, most urgent first. */
  sla: (slug: string, page: { cursor?: string | null; limit?: number } = {}) => {
    const q = new URLSearchParams();
    if (page.limit) q.set('limit', String(page.limit));
    if (page.cursor) q.set('cursor', page.cursor);
    const qs = q.toString();
    return call<SlaResponse>(`${project(slug)}/sla${qs ? '?' + qs : ''}`);
  },

  report: (slug: string, id: string) => call<ReportDetail>(report(slug, id)),
  transition: (slug: string, id: string, to: string, reason: string | null = null, duplicateOf: string | null = null) =>
    call<TransitionResult>(`${report(slug, id)}/transitions`, { json: { to, reason, duplicate_of: duplicateOf } }),
  setSeverity: (slug: string, id: string, body: { severity?: string | null; cvss_v3_vector?: string | null; cvss_v4_vector?: string | null }) =>
    call<SeverityResult>(`${report(slug, id)}/severity`, { method: 'PUT', json: body }),
  setEmbargo: (slug: string, id: string, until: string | null) => call<EmbargoResult>(`${report(slug, id)}/embargo`, { method: 'PUT', json: { until } }),
  message: (slug: string, id: string, body: string, internal: boolean) => call<MessageCreated>(`${report(slug, id)}/messages`, { json: { body, internal } }),
  reportAudit: (slug: string, id: string) => call<AuditList>(`${report(slug, id)}/audit`),
  assignees: (slug: string) => call<AssigneeList>(`${project(slug)}/assignees`),
  assign: (slug: string, id: string, userId: string | null) => call<AssignResult>(`${report(slug, id)}/assignee`, { method: 'PUT', json: { user_id: userId } }),
  bulk: (slug: string, ids: string[], action: { action: 'assign'; user_id: string | null } | { action: 'reject'; reason: string }) =>
    call<BulkResult>(`${project(slug)}/reports/bulk`, { json: { tracking_ids: ids, ...action } }),

  /** A site admin creates a project from its policy YAML (the server answers 200 when the slug already exists). */
  /** Creates only: a slug in use is a 409, never a replaced policy. */
  createProject: (yaml: string) => call<Project>('/api/v1/projects', { json: { policy_yaml: yaml }, headers: { 'if-none-match': '*' } }),
  policyYaml: (slug: string) => call<string>(`${project(slug)}/policy`),
  savePolicy: (slug: string, yaml: string) => call<Project>(`${project(slug)}/policy`, { method: 'PUT', json: { policy_yaml: yaml } }),
  members: (slug: string) => call<MemberList>(`${project(slug)}/members`),
  setMember: (slug: string, email: string, role: ProjectRole | null) => call<Membership>(`${project(slug)}/members`, { method: 'PUT', json: { email, role } }),
  // The invitee's side: the token goes in the body, never in a URL.
  invitation: (token: string) => request<Invitation>('/api/v1/invitations/lookup', { json: { token } }),
  acceptInvitation: (token: string, account: { name: string; password: string } | null) =>
    request<InvitationAccepted>('/api/v1/invitations/accept', { json: { token, ...(account ?? {}) } }),

  // ---- The signed-in user's account (issue 15) ----
  changePassword: (current: string, next: string) => call<void>('/api/v1/me/password', { json: { current_password: current, new_password: next } }),
  sessions: () => call<SessionList>('/api/v1/me/sessions'),
  /** Ends one session of yours, or with no id every one but this. */
  endSessions: (id?: string) => call<void>(id ? `/api/v1/me/sessions/${enc(id)}` : '/api/v1/me/sessions', { method: 'DELETE' }),
  /** Your tokens; a site admin passes a user's id for theirs. */
  tokens: (userId?: string) => call<TokenList>(userId ? `/api/v1/tokens?user=${enc(userId)}` : '/api/v1/tokens'),
  /** `projects` absent: every project of yours; the secret is in the answer only. */
  createToken: (input: { name: string; expires_at: string; projects?: string[]; scopes: TokenScope[] }) => call<TokenCreated>('/api/v1/tokens', { json: input }),
  revokeToken: (id: string) => call<void>(`/api/v1/tokens/${enc(id)}`, { method: 'DELETE' }),
  twoFactor: () => call<TwoFactorStatus>('/api/v1/me/two-factor'),
  startTotp: () => call<TotpEnrolment>('/api/v1/me/totp', { method: 'POST' }),
  confirmTotp: (code: string) => call<RecoveryCodes>('/api/v1/me/totp/confirm', { json: { code } }),
  disableTotp: (password: string) => call<void>('/api/v1/me/totp/disable', { json: { password } }),
  newRecoveryCodes: (password: string) => call<RecoveryCodes>('/api/v1/me/recovery-codes', { json: { password } }),
  passkeys: () => call<PasskeyList>('/api/v1/me/passkeys'),
  passkeyOptions: () => call<PublicKeyCredentialCreationOptionsJSON>('/api/v1/me/passkeys/options', { method: 'POST' }),
  addPasskey: (name: string, response: RegistrationResponseJSON) => call<PasskeyJson>('/api/v1/me/passkeys', { json: { name, response } }),
  removePasskey: (id: string, password: string) => call<void>(`/api/v1/me/passkeys/${enc(id)}`, { method: 'DELETE', json: { password } }),
  // Site admins.
  users: () => call<UserList>('/api/v1/users'),
  resetTwoFactor: (id: string) => call<void>(`/api/v1/users/${enc(id)}/two-factor`, { method: 'DELETE' }),
  siteSettings: () => call<SiteSettings>('/api/v1/site-settings'),
  saveSiteSettings: (settings: SiteSettings) => call<SiteSettings>('/api/v1/site-settings', { method: 'PUT', json: settings }),
  setUserDisabled: (id: string, disabled: boolean) => call<UserListItemJson>(`/api/v1/users/${enc(id)}`, { method: 'PATCH', json: { disabled } }),
  eraseReporter: (email: string) => call<ReporterErasure>('/api/v1/admin/reporter-erasures', { json: { email } }),
  // Signed out: asking for a reset link and using it (the token goes in the body, never in a URL).
  requestPasswordReset: (email: string) => request<Accepted>('/api/v1/password-reset', { json: { email } }),
  completePasswordReset: (token: string, password: string) => request<void>('/api/v1/password-reset/complete', { json: { token, password } }),

  // ---- Intake review (issue 18): held submissions, blocked senders ----
  review: (slug: string, page: { limit?: number; cursor?: string } = {}) => {
    const q = new URLSearchParams();
    if (page.limit) q.set('limit', String(page.limit));
    if (page.cursor) q.set('cursor', page.cursor);
    const query = q.toString();
    return call<HeldList>(`${project(slug)}/review${query ? `?${query}` : ''}`);
  },
  heldDetail: (slug: string, id: string) => call<HeldDetail>(`${project(slug)}/review/${enc(id)}`),
  releaseHeld: (slug: string, id: string) => call<{ tracking_id: string }>(`${project(slug)}/review/${enc(id)}/release`, { method: 'POST' }),
  discardHeld: (slug: string, id: string) => call<{ tracking_id: string }>(`${project(slug)}/review/${enc(id)}/discard`, { method: 'POST' }),
  blocks: (slug: string) => call<SenderBlockList>(`${project(slug)}/blocks`),
  createBlock: (slug: string, body: { kind: SenderBlock['kind']; value: string; expires_at: string | null; note: string | null }) => call<SenderBlock>(`${project(slug)}/blocks`, { json: body }),
  liftBlock: (slug: string, id: string) => call<SenderBlock>(`${project(slug)}/blocks/${enc(id)}`, { method: 'DELETE' }),
  blockSender: (slug: string, trackingId: string, body: { expires_at: string | null; note: string | null }) => call<SenderBlockList>(`${project(slug)}/reports/${enc(trackingId)}/block-sender`, { json: body }),

  // ---- Scans: dependency findings, hygiene (secrets, model files) and imported SARIF results ----
  scans: (slug: string, page: { limit?: number; cursor?: string } = {}) => {
    const q = new URLSearchParams();
    if (page.limit) q.set('limit', String(page.limit));
    if (page.cursor) q.set('cursor', page.cursor);
    const query = q.toString();
    return call<ScanList>(`${project(slug)}/scans${query ? `?${query}` : ''}`);
  },
  scan: (slug: string, id: string) => call<Scan>(`${project(slug)}/scans/${enc(id)}`),
  reportFinding: (slug: string, scanId: string, findingId: string) => call<FindingReport>(`${project(slug)}/scans/${enc(scanId)}/findings/${enc(findingId)}/report`, { method: 'POST' }),

  // ---- Notifications (issue 16): a project's webhooks (admins), your own mail settings and OpenPGP key ----
  webhooks: (slug: string) => call<WebhookList>(`${project(slug)}/webhooks`),
  createWebhook: (slug: string, body: { url: string; secret: string; events: EventType[]; format: WebhookFormat }) => call<WebhookJson>(`${project(slug)}/webhooks`, { json: body }),
  deleteWebhook: (slug: string, id: string) => call<void>(`${project(slug)}/webhooks/${enc(id)}`, { method: 'DELETE' }),
  deliveries: (slug: string, id: string) => call<DeliveryList>(`${project(slug)}/webhooks/${enc(id)}/deliveries`),
  redeliver: (slug: string, id: string, deliveryId: string) => call<DeliveryJson>(`${project(slug)}/webhooks/${enc(id)}/deliveries/${enc(deliveryId)}/redeliver`, { method: 'POST' }),
  // ---- CVE Services (issue 20): a project's credentials (admins, the key write-only), an advisory's CVE section ----
  cveSettings: (slug: string) => call<CveSettingsJson>(`${project(slug)}/cve/settings`),
  saveCveSettings: (slug: string, body: { base_url: string | null; cna_short_name: string; cna_org_id: string; api_user: string; api_key?: string; record_version: '5.1' | '5.2' | null }) =>
    call<CveSettingsJson>(`${project(slug)}/cve/settings`, { method: 'PUT', json: body }),
  deleteCveSettings: (slug: string) => call<void>(`${project(slug)}/cve/settings`, { method: 'DELETE' }),
  cveQuota: (slug: string) => call<CveQuotaJson>(`${project(slug)}/cve/quota`),
  advisoryCve: (slug: string, id: string) => call<AdvisoryCveJson>(`${advisory(slug, id)}/cve`),
  reserveCve: (slug: string, id: string) => call<AdvisoryCveJson>(`${advisory(slug, id)}/cve/reserve`, { method: 'POST' }),
  retryCve: (slug: string, id: string) => call<AdvisoryCveJson>(`${advisory(slug, id)}/cve/retry`, { method: 'POST' }),
  markCveRequested: (slug: string, id: string, requested: boolean) => call<AdvisoryCveJson>(`${advisory(slug, id)}/cve/request`, { method: 'PUT', json: { requested } }),
  notificationSettings: () => call<NotificationSettings>('/api/v1/me/notifications'),
  setNotificationSetting: (body: { project: string; level: NotificationLevel; include_titles: boolean }) => call<NotificationSetting>('/api/v1/me/notifications', { method: 'PUT', json: body }),
  myKey: () => call<UserKeyAnswer>('/api/v1/me/pgp-key'),
  setMyKey: (publicKey: string) => call<UserKeyJson>('/api/v1/me/pgp-key', { method: 'PUT', json: { public_key: publicKey } }),
  removeMyKey: () => call<void>('/api/v1/me/pgp-key', { method: 'DELETE' }),

  advisories: (slug: string) => call<AdvisoryList>(`${project(slug)}/advisories`),
  createAdvisory: (slug: string, body: { report?: string; title?: string; ecosystem?: string; package?: string }) =>
    call<AdvisoryView>(`${project(slug)}/advisories`, { json: body }),
  advisory: (slug: string, id: string) => call<AdvisoryView>(advisory(slug, id)),
  saveAdvisory: (slug: string, id: string, patch: AdvisoryPatch, note: string | null = null) =>
    call<AdvisoryView>(advisory(slug, id), { method: 'PUT', json: { ...patch, ...(note ? { note } : {}) } }),
  moveAdvisory: (slug: string, id: string, to: AdvisoryState, summary: string | null = null) =>
    call<AdvisoryView>(`${advisory(slug, id)}/transitions`, { json: { to, ...(summary ? { summary } : {}) } }),
  exportAdvisory: (slug: string, id: string, format: ExportFormat) => call<unknown>(`${advisory(slug, id)}?format=${format}`),
};
