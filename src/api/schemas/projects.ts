import { Type, type Static } from '@sinclair/typebox';
import type { Policy } from '../../core/policy/types.ts';
import { DateTime, Nullable, RoleEnum } from '../schemas.ts';
import { KeyPublicationSchema } from './pgp.ts';

/** Response schemas of projects, their members and the dashboard's project list (../present.ts presentProject). */

export const ProjectSchema = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  tracking_prefix: Type.String(),
  hosts: Type.Array(Type.String()),
  created_at: DateTime(),
  updated_at: DateTime(),
});

/**
 * The parsed policy as stored: a large document whose shape is the core's Policy type (src/core/policy/types.ts).
 * Open-ended on the wire, so nothing the policy holds is ever dropped.
 */
export const PolicySchema = Type.Unsafe<Policy>({ type: 'object', additionalProperties: true, description: 'the parsed policy (docs/policy.md)' });

export const ProjectInfoSchema = Type.Object({
  ...ProjectSchema.properties,
  pgp_key: KeyPublicationSchema,
  policy: PolicySchema,
});

export const ProjectListItemSchema = Type.Object({ slug: Type.String(), name: Type.String() });
export const ProjectListSchema = Type.Object({ projects: Type.Array(ProjectListItemSchema) });

export const MemberSchema = Type.Object({ email: Type.String(), name: Type.String(), role: RoleEnum, since: DateTime() });
/** An invitation not yet accepted (listed for the project's admins only; an empty list for other members). */
export const PendingInvitationSchema = Type.Object({ email: Type.String(), role: RoleEnum, invited_at: DateTime(), expires_at: DateTime() });
export const MemberListSchema = Type.Object({ members: Type.Array(MemberSchema), invitations: Type.Array(PendingInvitationSchema) });
/** The answer to adding or removing a member: the same whether or not the address has an account. */
export const MembershipSchema = Type.Object({ email: Type.String(), role: Nullable(RoleEnum) });
/** What an invitation link offers, shown before the invitee accepts. */
export const InvitationSchema = Type.Object({ project: Type.Object({ slug: Type.String(), name: Type.String() }), email: Type.String(), role: RoleEnum, expires_at: DateTime() });
export const InvitationAcceptedSchema = Type.Object({ project_slug: Type.String(), user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), site_admin: Type.Boolean() }), csrf_token: Type.String() });

export const DashboardProjectSchema = Type.Object({ slug: Type.String(), name: Type.String(), role: RoleEnum });
export const DashboardProjectListSchema = Type.Object({ projects: Type.Array(DashboardProjectSchema) });

export const IntakeLimitsSchema = Type.Object({ max_attachment_bytes: Type.Integer(), max_attachments: Type.Integer() });

export type Project = Static<typeof ProjectSchema>;
export type ProjectInfo = Static<typeof ProjectInfoSchema>;
export type ProjectListItem = Static<typeof ProjectListItemSchema>;
export type ProjectList = Static<typeof ProjectListSchema>;
export type Member = Static<typeof MemberSchema>;
export type MemberList = Static<typeof MemberListSchema>;
export type Membership = Static<typeof MembershipSchema>;
export type PendingInvitation = Static<typeof PendingInvitationSchema>;
export type Invitation = Static<typeof InvitationSchema>;
export type InvitationAccepted = Static<typeof InvitationAcceptedSchema>;
export type DashboardProject = Static<typeof DashboardProjectSchema>;
export type DashboardProjectList = Static<typeof DashboardProjectListSchema>;
export type IntakeLimits = Static<typeof IntakeLimitsSchema>;
