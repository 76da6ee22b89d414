import { DomainError } from '../../core/errors.ts';
import { authorize, can, effectiveRole, isProjectRole, type Actor, type ProjectRole } from '../../core/access/permissions.ts';
import { invitation, membershipGranted } from '../../core/mail/templates.ts';
import { UI_ROUTES } from '../../core/ui-paths.ts';
import { hashToken, newSecretToken } from '../../adapters/crypto/tokens.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { normalizeAddress } from '../mail/addresses.ts';
import type { DbOrTx, ServiceContext, Tx } from '../context.ts';
import { enqueueMail } from '../mail/outbox.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { createUser, isEmailAddress, type UserRecord } from './users.ts';

/**
 * Adding members without telling the admin who has an account (issue 13) — the invitation flow of issue 15.
 *
 * A project admin names an email and a role. Every address that is not yet a member of the project is mailed a
 * single-use invitation link (7 days, stored hashed) and listed as a pending invitation until it is used: the link
 * creates the account and the membership together or, for someone signed in as the invited address, adds the
 * membership. So an existing account joins by consent like anyone else, and the answer, the audit trail, the
 * outbox, the mail's words and the member list never say whether the address had an account (adding existing
 * accounts at once would show them as members straight away: a project admin could probe which addresses have
 * accounts on the instance). Two cases change the role at once, neither telling anything new: a member of the
 * project (the admin sees the members), and a site admin's call (site admins list every account anyway).
 */

export const INVITATION_DAYS = 7;
/** The outbox kind of both mails: the outbox list (kinds are stored in clear) must not tell them apart. */
const MAIL_KIND = 'member-invitation';

const invitationLink = (publicUrl: string, token: string) => `${publicUrl}${UI_ROUTES.invitation}#token=${encodeURIComponent(token)}`;

async function inviterName(db: DbOrTx, userId: string): Promise<string> {
  const row = await db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
  return row?.name ?? 'A project admin';
}

/**
 * Gives `email` the role on the project (by membership or invitation), or with role null removes the membership
 * and any pending invitation. The answer is the same whether or not the address has an account.
 */
export async function inviteMember(
  ctx: ServiceContext,
  project: ProjectRecord,
  actor: Actor | null,
  label: string,
  input: { email: string; role: ProjectRole | null },
): Promise<{ email: string; role: ProjectRole | null }> {
  authorize(actor, 'project:manage-members');
  const inviterId = (actor as Actor).userId;
  const email = normalizeAddress(input.email);
  if (!isEmailAddress(email)) throw DomainError.validation([{ field: 'email', message: 'is not an email address' }]);
  const now = ctx.now();
  const projectId = project.id;
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    await tx.deleteFrom('invitations').where('project_id', '=', projectId).where('email', '=', email).where('accepted_at', 'is', null).execute();
    if (!input.role) {
      if (user) await tx.deleteFrom('memberships').where('project_id', '=', projectId).where('user_id', '=', user.id).execute();
      await appendAudit(tx, { actor: label, action: 'member.removed', projectId, data: { email } }, now);
      return;
    }
    const role = input.role;
    const inviter = await inviterName(tx, inviterId);
    // Asked by address whether or not it has an account: the same queries either way.
    const isMember =
      (await tx
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select('memberships.role')
        .where('memberships.project_id', '=', projectId)
        .where('users.email', '=', email)
        .executeTakeFirst()) !== undefined;
    let mail;
    if (user && (isMember || (actor as Actor).siteAdmin)) {
      await tx
        .insertInto('memberships')
        .values({ project_id: projectId, user_id: user.id, role, created_at: now })
        .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
        .execute();
      mail = membershipGranted({ projectName: project.name, inviterName: inviter, role, link: `${ctx.publicUrl}/app` });
    } else {
      const token = newSecretToken('inv_');
      const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
      await tx
        .insertInto('invitations')
        .values({ project_id: projectId, email, role, token_hash: hashToken(token), invited_by: inviterId, created_at: now, expires_at: expiresAt })
        .execute();
      mail = invitation({ projectName: project.name, inviterName: inviter, role, link: invitationLink(ctx.publicUrl, token), expiresAt: expiresAt.toISOString() });
    }
    await enqueueMail(tx, ctx, { kind: MAIL_KIND, projectId, to: email, subject: mail.subject, text: mail.text });
    await appendAudit(tx, { actor: label, action: 'member.invited', projectId, data: { email, role } }, now);
  });
  return { email, role: input.role };
}

/** Pending (not accepted, not expired) invitations of a project, for its admins. */
export async function listInvitations(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null) {
  authorize(actor, 'project:read');
  // Members who may not manage members see none (an empty list, not a refusal: the member list is theirs to read).
  if (!can(effectiveRole(actor as Actor), 'project:manage-members')) return [];
  return ctx.db
    .selectFrom('invitations')
    .select(['email', 'role', 'created_at', 'expires_at'])
    .where('project_id', '=', project.id)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', ctx.now())
    .orderBy('email')
    .execute();
}

export interface InvitationInfo {
  id: string;
  projectId: string;
  projectSlug: string;
  projectName: string;
  email: string;
  role: ProjectRole;
  expiresAt: Date;
}

const unusable = () => new DomainError('not_found', 'This invitation link is not valid: it was already used, has expired or was withdrawn. Ask the project admin for a new one.');

/** What an invitation link offers: the page shows it before the invitee chooses a password. */
export async function invitationByToken(db: DbOrTx, token: string, now: Date): Promise<InvitationInfo> {
  const row = await db
    .selectFrom('invitations')
    .innerJoin('projects', 'projects.id', 'invitations.project_id')
    .select(['invitations.id', 'invitations.project_id', 'invitations.email', 'invitations.role', 'invitations.expires_at', 'projects.slug', 'projects.name'])
    .where('invitations.token_hash', '=', hashToken(token))
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.expires_at', '>', now)
    .executeTakeFirst();
  if (!row || !isProjectRole(row.role)) throw unusable();
  return { id: row.id, projectId: row.project_id, projectSlug: row.slug, projectName: row.name, email: row.email, role: row.role, expiresAt: row.expires_at };
}

/**
 * Uses the invitation up, inside `tx`: of two parallel uses the second waits for the first's row lock and then finds
 * it used, so exactly one succeeds. Returns what `join` needs.
 */
async function useInvitation(tx: Tx, token: string, now: Date) {
  const used = await tx
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'project_id', 'role'])
    .executeTakeFirst();
  if (!used || !isProjectRole(used.role)) throw unusable();
  return { id: used.id, projectId: used.project_id, role: used.role };
}

/** Adds the membership an invitation offered, for the user who used it. */
async function join(tx: Tx, used: { id: string; projectId: string; role: ProjectRole }, userId: string, now: Date): Promise<void> {
  await tx.updateTable('invitations').set({ accepted_by: userId }).where('id', '=', used.id).execute();
  await tx
    .insertInto('memberships')
    .values({ project_id: used.projectId, user_id: userId, role: used.role, created_at: now })
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role: used.role }))
    .execute();
  await appendAudit(tx, { actor: `user:${userId}`, action: 'invitation.accepted', projectId: used.projectId, data: { invitation: used.id, role: used.role } }, now);
}

/**
 * Accepts an invitation. Signed in as the invited address: adds the membership (how an existing account joins).
 * Otherwise creates the account with the invited address (the link proves the invitee reads that mailbox) and the
 * given name and password.
 */
export async function acceptInvitation(
  ctx: ServiceContext,
  token: string,
  input: { signedIn: UserRecord | null; name?: string; password?: string },
): Promise<{ user: UserRecord; projectSlug: string }> {
  const now = ctx.now();
  const info = await invitationByToken(ctx.db, token, now);
  if (input.signedIn) {
    if (input.signedIn.email !== info.email) {
      throw new DomainError('forbidden', `This invitation is for ${info.email}; you are signed in as ${input.signedIn.email}. Sign out and open the link again.`);
    }
    const user = input.signedIn;
    await ctx.db.transaction().execute(async (tx) => join(tx, await useInvitation(tx, token, now), user.id, now));
    return { user, projectSlug: info.projectSlug };
  }
  if (input.name === undefined || input.password === undefined) {
    throw DomainError.validation([
      ...(input.name === undefined ? [{ field: 'name', message: 'is required' }] : []),
      ...(input.password === undefined ? [{ field: 'password', message: 'is required' }] : []),
    ]);
  }
  const exists = await ctx.db.selectFrom('users').select('id').where('email', '=', info.email).executeTakeFirst();
  // Only the holder of the link learns this, and the link was mailed to that very address.
  if (exists) throw new DomainError('conflict', `${info.email} already has an account here: sign in with it, then accept the invitation.`);
  // claim runs first in the creating transaction, then (with the new user) last.
  const claimed: Array<Awaited<ReturnType<typeof useInvitation>>> = [];
  const user = await createUser(ctx, { email: info.email, name: input.name, password: input.password, siteAdmin: false }, `invitation:${info.id}`, {
    claim: async (tx) => void claimed.push(await useInvitation(tx, token, now)),
    then: async (tx, created) => join(tx, claimed[0] as Awaited<ReturnType<typeof useInvitation>>, created.id, now),
  });
  return { user, projectSlug: info.projectSlug };
}
