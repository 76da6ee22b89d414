/**
 * The typed client for Embargo's JSON API. Every call goes through request(): same-origin cookies, JSON or
 * multipart bodies, the CSRF token on state-changing calls of a signed-in session, and errors turned into
 * ApiError with the server's field-level problems (the same shape as src/http/error-map.ts sends).
 */
import type { FieldProblem } from '../../src/core/errors.ts';
import type { Policy } from '../../src/core/policy/types.ts';
import type { ReportBody, SubmissionInput } from '../../src/core/reports/submission.ts';
import type { SubmissionCreated } from '../../src/api/schemas.ts';
import type { MessageCreated, ReporterView } from '../../src/api/schemas/reports.ts';
import type { IntakeLimits, ProjectInfo, ProjectList } from '../../src/api/schemas/projects.ts';
import type { CurrentSession, Session, SessionUser, SetupStatus } from '../../src/api/schemas/access.ts';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { SsoStarted, SsoStatus } from '../../src/api/schemas/sso.ts';

export type { FieldProblem, Policy, ReportBody };

export class ApiError extends Error {
  readonly status: number;
  /** The server's error code (`validation`, `not_found`, `payload_too_large`, `rate_limited`, `csrf`, ...). */
  readonly code: string;
  readonly problems: FieldProblem[];
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    super(typeof body.message === 'string' ? body.message : `Request failed (${status})`);
    this.status = status;
    this.code = typeof body.error === 'string' ? body.error : 'http_' + status;
    this.problems = Array.isArray(body.problems) ? (body.problems as FieldProblem[]) : [];
    this.body = body;
  }
}

// ---- Response shapes: the server's own response schemas (src/api/schemas/), so a renamed field fails the type-check ----

export type { Classification, Deadline, SubmissionCreated } from '../../src/api/schemas.ts';
export type { ReporterView, ThreadAttachment, ThreadMessage } from '../../src/api/schemas/reports.ts';
export type { IntakeLimits, ProjectInfo, ProjectList, ProjectListItem } from '../../src/api/schemas/projects.ts';
export type { CurrentSession, Session, SessionUser, SetupStatus } from '../../src/api/schemas/access.ts';
export type { SsoStatus } from '../../src/api/schemas/sso.ts';

/**
 * The intake fields of POST /api/v1/projects/:slug/reports (src/api/schemas.ts SubmissionBody): the
 * core's SubmissionInput as the form sends it, an absent field left out rather than null.
 */
export type SubmissionFields = Pick<SubmissionInput, 'title' | 'description'> & {
  [K in Exclude<keyof SubmissionInput, 'title' | 'description'>]?: NonNullable<SubmissionInput[K]>;
};

// ---- Transport ----

let csrfToken: string | null = null;

/** Remembers the CSRF token of the cookie session (from POST/GET /api/v1/session); null after sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions {
  method?: string;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as multipart/form-data (the browser sets the boundary). */
  form?: FormData;
  signal?: AbortSignal;
  /** Further request headers (e.g. If-None-Match). */
  headers?: Record<string, string>;
}

/** One API call. Resolves with the parsed JSON (or text for non-JSON answers, undefined for 204). */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? (opts.json !== undefined || opts.form ? 'POST' : 'GET');
  const headers: Record<string, string> = { ...opts.headers, accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    body = opts.form;
  }
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) init.body = body;
  if (opts.signal) init.signal = opts.signal;
  const res = await fetch(path, init);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const parsed: unknown = type.includes('json') ? await res.json().catch(() => ({})) : await res.text();
  if (!res.ok) {
    const errorBody = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { message: String(parsed) };
    throw new ApiError(res.status, errorBody);
  }
  return parsed as T;
}

/** Builds the multipart body of a submission or message: only filled fields, files under "attachments". */
export function multipart(fields: Record<string, string | boolean | undefined>, files: File[]): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === '') continue;
    form.append(name, typeof value === 'boolean' ? String(value) : value);
  }
  for (const file of files) form.append('attachments', file, file.name);
  return form;
}

const enc = encodeURIComponent;

/** A signed-in user, and whether they must enrol a second factor before anything but their account page answers. */
export interface SignedInUser {
  user: SessionUser;
  enrolmentRequired: boolean;
}
export type SecondFactor = { totp_code?: string; recovery_code?: string };

// ---- Endpoints ----

export const api = {
  projects: () => request<ProjectList>('/api/v1/projects'),
  project: (slug: string) => request<ProjectInfo>(`/api/v1/projects/${enc(slug)}`),
  intakeLimits: () => request<IntakeLimits>('/api/v1/intake/limits'),

  submitReport: (slug: string, fields: SubmissionFields, files: File[]) =>
    request<SubmissionCreated>(`/api/v1/projects/${enc(slug)}/reports`, { form: multipart({ ...fields }, files) }),

  reporterView: (token: string) => request<ReporterView>(`/api/v1/reporter/${enc(token)}`),
  reporterMessage: (token: string, body: string, files: File[]) =>
    request<MessageCreated>(`/api/v1/reporter/${enc(token)}/messages`, { form: multipart({ body }, files) }),
  reporterAttachmentUrl: (token: string, attachmentId: string) => `/api/v1/reporter/${enc(token)}/attachments/${enc(attachmentId)}`,

  /** Whether the instance still has no user, so its first admin is to be created (public). */
  setupStatus: () => request<SetupStatus>('/api/v1/setup'),
  /** Creates the first site admin with the one-time token from the server's output (does not sign in). */
  setup: (input: { token: string; email: string; name: string; password: string }) => request<SessionUser>('/api/v1/setup', { json: input }),

  /** Whether single sign-on (OpenID Connect) is configured, and the label of its button (public). */
  ssoStatus: () => request<SsoStatus>('/api/v1/sso'),
  /** Starts single sign-on that also accepts an invitation: the identity provider's URL to send the browser to. */
  ssoStartWithInvitation: (invitationToken: string) => request<SsoStarted>('/api/v1/sso/start', { json: { invitation_token: invitationToken } }),
  /** Where the sign-in button sends the browser: the server redirects it to the identity provider. */
  ssoStartUrl: '/api/v1/sso/start',

  /** The signed-in maintainer (401 ApiError when signed out); stores the session's CSRF token. */
  async session(): Promise<SignedInUser> {
    const r = await request<CurrentSession>('/api/v1/session');
    setCsrfToken(r.csrf_token);
    return { user: r.user, enrolmentRequired: r.two_factor_enrolment_required };
  },
  /**
   * Signs in. With two-factor on and no `second` factor, the server answers 401 `totp-required` (an ApiError whose
   * body lists `methods`); the form then asks for the code and calls again with it.
   */
  async login(email: string, password: string, second: SecondFactor = {}): Promise<SignedInUser> {
    const r = await request<Session>('/api/v1/session', { json: { email, password, ...second } });
    setCsrfToken(r.csrf_token);
    return { user: r.user, enrolmentRequired: r.two_factor_enrolment_required };
  },
  /** Signs in with a passkey: the server's challenge, the browser's passkey prompt, the answer checked by the server. */
  async passkeyLogin(): Promise<SignedInUser> {
    const { startAuthentication } = await import('@simplewebauthn/browser');
    const options = await request<PublicKeyCredentialRequestOptionsJSON>('/api/v1/session/passkey/options', { method: 'POST' });
    const response = await startAuthentication({ optionsJSON: options });
    const r = await request<Session>('/api/v1/session/passkey', { json: { response } });
    setCsrfToken(r.csrf_token);
    return { user: r.user, enrolmentRequired: r.two_factor_enrolment_required };
  },
  async logout(): Promise<void> {
    await request<void>('/api/v1/session', { method: 'DELETE' });
    setCsrfToken(null);
  },
};
