import type { CaseView } from '../services/coordination/case-view.ts';
import type { ExtensionRequestView } from '../services/coordination/embargo.ts';
import type { CaseMessageView } from '../services/coordination/thread.ts';
import type { StatusView } from '../services/coordination/statuses.ts';
import type { Case, CaseMessage, ExtensionRequest, PartyStatusView } from './schemas/coordination.ts';

/** Presenters of coordination (issue 19): the services' views with dates as ISO strings, typed by the wire schemas. */

export const presentStatus = (s: StatusView): PartyStatusView => ({ ...s, changed_at: s.changed_at.toISOString() }) as PartyStatusView;
export const presentCaseMessage = (m: CaseMessageView): CaseMessage => ({ ...m, created_at: m.created_at.toISOString() });
export const presentExtension = (e: ExtensionRequestView): ExtensionRequest =>
  ({ ...e, requested_until: e.requested_until.toISOString(), created_at: e.created_at.toISOString() }) as ExtensionRequest;

export function presentCase(c: CaseView, extensions: ExtensionRequestView[]): Case {
  return {
    ...c,
    embargo_until: c.embargo_until?.toISOString() ?? null,
    parties: c.parties.map((p) => ({ ...p, statuses: p.statuses?.map(presentStatus) ?? null })),
    messages: c.messages.map(presentCaseMessage),
    extension_requests: extensions.map(presentExtension),
  };
}
