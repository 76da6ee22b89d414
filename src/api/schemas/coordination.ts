import { Type, type Static } from '@sinclair/typebox';
import { PARTY_ROLES, PARTY_STATUSES, VEX_JUSTIFICATIONS } from '../../core/coordination/vocabulary.ts';
import { DateTime, Nullable } from '../schemas.ts';

/** Wire shapes of multi-party coordination (issue 19): parties, statuses, the party thread, the case page. */

export const PartyRoleEnum = Type.Union(PARTY_ROLES.map((r) => Type.Literal(r)));
export const PartyStatusEnum = Type.Union(PARTY_STATUSES.map((s) => Type.Literal(s)));
export const JustificationEnum = Type.Union(VEX_JUSTIFICATIONS.map((j) => Type.Literal(j)));
export const Uuid = Type.String({ format: 'uuid' });

export const PartySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  role: PartyRoleEnum,
  joined: Type.Boolean(),
  invited_at: DateTime(),
});

export const StatusSchema = Type.Object({
  party_id: Type.String(),
  vulnerability: Type.String(),
  product: Type.String({ description: 'a purl or a product name' }),
  versions: Nullable(Type.String({ description: 'the affected version range, as the party states it' })),
  status: PartyStatusEnum,
  justification: Nullable(JustificationEnum),
  fixed_versions: Nullable(Type.String()),
  statement: Nullable(Type.String()),
  changed_at: DateTime(),
  changed_by: Type.String(),
});

export const CasePartySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  joined: Type.Boolean(),
  email: Nullable(Type.String({ description: 'maintainers only' })),
  /** null: another party's, not published yet; []: never answered (status unknown). */
  statuses: Nullable(Type.Array(StatusSchema)),
});

export const CaseMessageSchema = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  author_name: Type.String(),
  party_id: Nullable(Type.String()),
  body: Type.String(),
  created_at: DateTime(),
  attachments: Type.Array(
    Type.Object({ id: Type.String(), filename: Type.String(), content_type: Type.String({ description: 'sniffed from the bytes' }), size: Type.Integer(), sha256: Type.String() }),
  ),
});

export const ExtensionRequestSchema = Type.Object({
  id: Type.String(),
  party_id: Type.String(),
  requested_until: DateTime(),
  reason: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('granted'), Type.Literal('declined')]),
  created_at: DateTime(),
});

export const CaseSchema = Type.Object({
  id: Type.String(),
  tracking_id: Type.String(),
  title: Type.String(),
  project: Type.Object({ slug: Type.String(), name: Type.String(), time_zone: Type.String({ description: "the project's policy time zone" }) }),
  embargo_until: Nullable(DateTime('UTC')),
  published: Type.Boolean(),
  viewer: Type.Object({ kind: Type.Union([Type.Literal('maintainer'), Type.Literal('party')]), party_id: Nullable(Type.String()), role: Type.String() }),
  vulnerabilities: Type.Array(Type.String()),
  parties: Type.Array(CasePartySchema),
  messages: Type.Array(CaseMessageSchema),
  has_older_messages: Type.Boolean(),
  last_read_seq: Type.Integer({ description: "the caller's own unread marker (a party's, or this maintainer's)" }),
  unread: Type.Integer(),
  reporter_consent: Type.Boolean({ description: 'the reporter agreed that parties may see who they are' }),
  reporter: Nullable(Type.Object({ name: Nullable(Type.String()), email: Nullable(Type.String()) }, { description: 'the reporter, only with their consent' })),
  extension_requests: Type.Array(ExtensionRequestSchema),
});

export const CaseListSchema = Type.Object({
  cases: Type.Array(
    Type.Object({
      id: Type.String(),
      tracking_id: Type.String(),
      project: Type.Object({ slug: Type.String(), name: Type.String() }),
      role: Type.String(),
      embargo_until: Nullable(DateTime()),
      unread: Type.Integer(),
    }),
  ),
});

export const PartyListSchema = Type.Object({ parties: Type.Array(CasePartySchema), case_id: Type.String(), unread: Type.Integer({ description: "party-thread messages this maintainer has not read" }) });
export const IdentitySharingSchema = Type.Object({
  consent: Type.Boolean(),
  shared: Type.Boolean({ description: 'a party was shown it: consent can no longer be withdrawn' }),
  parties: Type.Integer({ description: 'parties invited into the case so far' }),
});
export const StatusHistorySchema = Type.Object({ history: Type.Array(StatusSchema) });
export const CaseMessagesSchema = Type.Object({ messages: Type.Array(CaseMessageSchema), has_older_messages: Type.Boolean() });
export const ReadMarkerSchema = Type.Object({ last_read_seq: Type.Integer(), unread: Type.Integer() });
export const PartyInvitationSchema = Type.Object({
  case_id: Type.String(),
  tracking_id: Type.String(),
  project_name: Type.String(),
  email: Type.String(),
  role: PartyRoleEnum,
  expires_at: DateTime(),
});
export const PartyInvitationAcceptedSchema = Type.Object({
  case_id: Type.String(),
  user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), site_admin: Type.Boolean() }),
  csrf_token: Type.String(),
});

export type Party = Static<typeof PartySchema>;
export type PartyStatusView = Static<typeof StatusSchema>;
export type CaseParty = Static<typeof CasePartySchema>;
export type CaseMessage = Static<typeof CaseMessageSchema>;
export type Case = Static<typeof CaseSchema>;
export type CaseList = Static<typeof CaseListSchema>;
export type ExtensionRequest = Static<typeof ExtensionRequestSchema>;
export type IdentitySharing = Static<typeof IdentitySharingSchema>;
