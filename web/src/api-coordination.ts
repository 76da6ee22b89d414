/**
 * Multi-party coordination calls (issue 19): the maintainers' party list on a report, and the case as its parties
 * and maintainers see it. Types are the server's response schemas (src/api/schemas/coordination.ts).
 */
import { multipart, request } from './api.ts';
import type { Case, CaseList, CaseMessage, ExtensionRequest, IdentitySharing, Party, PartyStatusView } from '../../src/api/schemas/coordination.ts';
import type { PartyRole, VexJustification } from '../../src/core/coordination/vocabulary.ts';

export type { Case, CaseList, CaseMessage, CaseParty, ExtensionRequest, IdentitySharing, Party, PartyStatusView } from '../../src/api/schemas/coordination.ts';
export { PARTY_ROLES, VEX_JUSTIFICATIONS } from '../../src/core/coordination/vocabulary.ts';
export type { PartyRole, VexJustification };

export interface StatusInput {
  vulnerability: string;
  product: string;
  versions?: string | null;
  status: 'under_investigation' | 'affected' | 'not_affected' | 'fixed';
  justification?: VexJustification | null;
  fixed_versions?: string | null;
  statement?: string | null;
}

const enc = encodeURIComponent;
const reportPath = (slug: string, trackingId: string) => `/api/v1/projects/${enc(slug)}/reports/${enc(trackingId)}`;
const casePath = (id: string) => `/api/v1/cases/${enc(id)}`;

export const coordinationApi = {
  parties: (slug: string, trackingId: string) => request<{ case_id: string; parties: Case['parties']; unread: number }>(`${reportPath(slug, trackingId)}/parties`),
  invite: (slug: string, trackingId: string, body: { email: string; name: string; role: PartyRole }) => request<Party>(`${reportPath(slug, trackingId)}/parties`, { json: body }),
  remove: (slug: string, trackingId: string, partyId: string) => request<void>(`${reportPath(slug, trackingId)}/parties/${enc(partyId)}`, { method: 'DELETE' }),
  cases: () => request<CaseList>('/api/v1/cases'),
  case: (id: string) => request<Case>(casePath(id)),
  setStatus: (id: string, body: StatusInput) => request<PartyStatusView>(`${casePath(id)}/status`, { method: 'PUT', json: body }),
  /** A message, with files (multipart, as the reporter's) or without (JSON). */
  post: (id: string, body: string, files: File[] = []) => request<CaseMessage>(`${casePath(id)}/messages`, files.length ? { form: multipart({ body }, files) } : { json: { body } }),
  attachmentUrl: (id: string, attachmentId: string) => `${casePath(id)}/attachments/${enc(attachmentId)}`,
  older: (id: string, before: number) => request<{ messages: CaseMessage[]; has_older_messages: boolean }>(`${casePath(id)}/messages?before=${before}`),
  markRead: (id: string, seq: number) => request<{ last_read_seq: number; unread: number }>(`${casePath(id)}/read`, { method: 'PUT', json: { seq } }),
  askExtension: (id: string, until: string, reason: string) => request<ExtensionRequest>(`${casePath(id)}/extension-requests`, { json: { until, reason } }),
  decideExtension: (id: string, requestId: string, state: 'granted' | 'declined') =>
    request<void>(`${casePath(id)}/extension-requests/${enc(requestId)}`, { method: 'PUT', json: { state } }),
  /** The reporter's consent to show parties who they are (the reporter page's token). */
  identitySharing: (token: string) => request<IdentitySharing>(`/api/v1/reporter/${enc(token)}/identity-sharing`),
  setIdentityConsent: (token: string, consent: boolean) => request<IdentitySharing>(`/api/v1/reporter/${enc(token)}/identity-sharing`, { method: 'PUT', json: { consent } }),
  lookupInvitation: (token: string) =>
    request<{ case_id: string; tracking_id: string; project_name: string; email: string; role: PartyRole; expires_at: string }>('/api/v1/case-invitations/lookup', { json: { token } }),
  acceptInvitation: (token: string, account: { name: string; password: string } | null) =>
    request<{ case_id: string; csrf_token: string }>('/api/v1/case-invitations/accept', { json: { token, ...(account ?? {}) } }),
};
