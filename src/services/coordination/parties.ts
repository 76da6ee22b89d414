import { DomainError } from '../../core/errors.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { isPartyRole, PARTY_ROLES, type PartyRole } from '../../core/coordination/vocabulary.ts';
import { partyInvitation } from '../../core/mail/templates.ts';
import { UI_ROUTES, uiPath } from '../../core/ui-paths.ts';
import { hashToken, newSecretToken } from '../../adapters/crypto/tokens.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { normalizeAddress } from '../mail/addresses.ts';
import { enqueueMail } from '../mail/outbox.ts';
import type { DbOrTx, ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { requireReport } from '../reports/store.ts';
import { createUser, isEmailAddress, type UserRecord } from '../access/users.ts';
import { INVITATION_DAYS } from '../access/invitations.ts';

/**
 * Parties of a case (issue 19): invited by a maintainer from the report, by email, with the invitation flow of
 * project members (services/access/invitations.ts) — a single-use hashed link that creates the account or, signed
 * in as the invited address, joins. Every address gets the link and is listed as not joined until it uses it, so
 * the answer, the audit action, the mail and the case's party list never say whether the address had an account
 * (joining an existing account at once showed it as joined straight away: a triager could probe for accounts).
 */

/** Outbox kind of both invitation mails. */
const MAIL_KIND = 'party-invitation';
export const PARTY_TOKEN_PREFIX = 'pty_';

export const casePageLink = (publicUrl: string, caseId: string) => `${publicUrl}${uiPath(UI_ROUTES.casePage, { caseId })}`;
const partyInvitationLink = (publicUrl: string, token: string) => `${publicUrl}${UI_ROUTES.caseInvitation}#token=${encodeURIComponent(token)}`;

export interface PartyInput {
  email: string;
  name: string;
  role: string;
}

export interface PartySummary {
  id: string;
  name: string;
  email: string;
  role: PartyRole;
  joined: boolean;
  invited_at: Date;
}

export async function inviteParty(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  label: string,
  input: PartyInput,
): Promise<PartySummary> {
  authorize(actor, 'case:manage');
  const email = normalizeAddress(input.email);
  const name = input.name.trim();
  const problems = [];
  if (!isEmailAddress(email)) problems.push({ field: 'email', message: 'is not an email address' });
  if (!name) problems.push({ field: 'name', message: 'is required' });
  if (!isPartyRole(input.role)) problems.push({ field: 'role', message: `must be one of ${PARTY_ROLES.join(', ')}` });
  if (problems.length) throw DomainError.validation(problems);
  const role = input.role as PartyRole;
  const report = await requireReport(ctx, project, trackingId);
  const now = ctx.now();
  const inviterId = (actor as Actor).userId;
  return ctx.db.transaction().execute(async (tx) => {
    const member = await tx
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select('users.id')
      .where('users.email', '=', email)
      .where('memberships.project_id', '=', project.id)
      .executeTakeFirst();
    if (member) throw new DomainError('conflict', `${email} is a member of ${project.slug}: members see the case already`);
    const clash = await tx.selectFrom('case_parties').select('id').where('report_id', '=', report.id).where('email', '=', email).executeTakeFirst();
    if (clash) throw new DomainError('conflict', `${email} is already a party of ${trackingId}`);
    const inviter = (await tx.selectFrom('users').select('name').where('id', '=', inviterId).executeTakeFirst())?.name ?? 'A maintainer';
    const token = newSecretToken(PARTY_TOKEN_PREFIX);
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
    const row = await tx
      .insertInto('case_parties')
      .values({
        report_id: report.id,
        project_id: project.id,
        email,
        name,
        role,
        user_id: null,
        token_hash: hashToken(token),
        invited_by: inviterId,
        created_at: now,
        expires_at: expiresAt,
        accepted_at: null,
      })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow();
    const mail = partyInvitation({
      projectName: project.name,
      trackingId,
      inviterName: inviter,
      role,
      link: partyInvitationLink(ctx.publicUrl, token),
      expiresAt: expiresAt.toISOString(),
    });
    await enqueueMail(tx, ctx, { kind: MAIL_KIND, projectId: project.id, reportId: report.id, to: email, subject: mail.subject, text: mail.text });
    await appendAudit(tx, { actor: label, action: 'case.party-invited', projectId: project.id, reportId: report.id, data: { party: row.id, email, role } }, now);
    return { id: row.id, name, email, role, joined: false, invited_at: row.created_at };
  });
}

export async function removeParty(ctx: ServiceContext, project: ProjectRecord, trackingId: string, partyId: string, actor: Actor | null, label: string): Promise<void> {
  authorize(actor, 'case:manage');
  const report = await requireReport(ctx, project, trackingId);
  await ctx.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('case_parties').where('id', '=', partyId).where('report_id', '=', report.id).returning(['email']).executeTakeFirst();
    if (!gone) throw new DomainError('not_found', 'No such party in this case');
    await appendAudit(tx, { actor: label, action: 'case.party-removed', projectId: project.id, reportId: report.id, data: { party: partyId, email: gone.email } }, ctx.now());
  });
}

const unusable = () => new DomainError('not_found', 'This invitation link is not valid: it was already used, has expired or was withdrawn. Ask the project for a new one.');

export interface PartyInvitationInfo {
  partyId: string;
  caseId: string;
  trackingId: string;
  projectName: string;
  email: string;
  role: PartyRole;
  expiresAt: Date;
}

export async function partyInvitationByToken(db: DbOrTx, token: string, now: Date): Promise<PartyInvitationInfo> {
  const row = await db
    .selectFrom('case_parties')
    .innerJoin('reports', 'reports.id', 'case_parties.report_id')
    .innerJoin('projects', 'projects.id', 'case_parties.project_id')
    .select(['case_parties.id', 'case_parties.report_id', 'case_parties.email', 'case_parties.role', 'case_parties.expires_at', 'reports.tracking_id', 'projects.name'])
    .where('case_parties.token_hash', '=', hashToken(token))
    .where('case_parties.accepted_at', 'is', null)
    .where('case_parties.expires_at', '>', now)
    .executeTakeFirst();
  if (!row || !row.expires_at || !isPartyRole(row.role)) throw unusable();
  return { partyId: row.id, caseId: row.report_id, trackingId: row.tracking_id, projectName: row.name, email: row.email, role: row.role, expiresAt: row.expires_at };
}

/** Uses the link up inside `tx`: of two parallel uses exactly one finds it unused. */
async function useLink(tx: Tx, token: string, userId: string | null, now: Date): Promise<{ id: string; reportId: string; projectId: string }> {
  const used = await tx
    .updateTable('case_parties')
    .set({ accepted_at: now, token_hash: null, ...(userId ? { user_id: userId } : {}) })
    .where('token_hash', '=', hashToken(token))
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'report_id', 'project_id'])
    .executeTakeFirst();
  if (!used) throw unusable();
  return { id: used.id, reportId: used.report_id, projectId: used.project_id };
}

async function joined(tx: Tx, used: { id: string; reportId: string; projectId: string }, userId: string, now: Date) {
  await tx.updateTable('case_parties').set({ user_id: userId }).where('id', '=', used.id).execute();
  await appendAudit(tx, { actor: `user:${userId}`, action: 'case.party-joined', projectId: used.projectId, reportId: used.reportId, data: { party: used.id } }, now);
}

/**
 * Accepts a party invitation: signed in as the invited address, joins the case; otherwise creates the account (the
 * link proves the invitee reads that mailbox) and joins. The account gets no project role: only the case.
 */
export async function acceptPartyInvitation(
  ctx: ServiceContext,
  token: string,
  input: { signedIn: UserRecord | null; name?: string | undefined; password?: string | undefined },
): Promise<{ user: UserRecord; caseId: string }> {
  const now = ctx.now();
  const info = await partyInvitationByToken(ctx.db, token, now);
  if (input.signedIn) {
    const user = input.signedIn;
    if (user.email !== info.email) throw new DomainError('forbidden', `This invitation is for ${info.email}; you are signed in as ${user.email}. Sign out and open the link again.`);
    await ctx.db.transaction().execute(async (tx) => joined(tx, await useLink(tx, token, user.id, now), user.id, now));
    return { user, caseId: info.caseId };
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
  const claimed: Array<Awaited<ReturnType<typeof useLink>>> = [];
  const user = await createUser(ctx, { email: info.email, name: input.name, password: input.password, siteAdmin: false }, `party-invitation:${info.partyId}`, {
    claim: async (tx) => void claimed.push(await useLink(tx, token, null, now)),
    then: async (tx, created) => joined(tx, claimed[0] as Awaited<ReturnType<typeof useLink>>, created.id, now),
  });
  return { user, caseId: info.caseId };
}

/** The cases the signed-in user is a party of (their whole world on Embargo if they are a party only). */
export async function myCases(ctx: ServiceContext, user: UserRecord | null) {
  if (!user) throw new DomainError('unauthenticated', 'Sign in or send an API token');
  const rows = await ctx.db
    .selectFrom('case_parties')
    .innerJoin('reports', 'reports.id', 'case_parties.report_id')
    .innerJoin('projects', 'projects.id', 'case_parties.project_id')
    .select(['case_parties.report_id', 'case_parties.role', 'case_parties.last_read_seq', 'reports.tracking_id', 'reports.embargo_until', 'projects.name', 'projects.slug'])
    .select((eb) =>
      eb
        .selectFrom('case_messages')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('case_messages.report_id', '=', 'case_parties.report_id')
        .whereRef('case_messages.seq', '>', 'case_parties.last_read_seq')
        .where((e) => e.or([e('case_messages.party_id', 'is', null), e('case_messages.party_id', '!=', e.ref('case_parties.id'))]))
        .as('unread'),
    )
    .where('case_parties.user_id', '=', user.id)
    .where('case_parties.accepted_at', 'is not', null)
    .orderBy('reports.tracking_id')
    .execute();
  return rows.map((r) => ({
    id: r.report_id,
    tracking_id: r.tracking_id,
    project: { slug: r.slug, name: r.name },
    role: r.role,
    embargo_until: r.embargo_until?.toISOString() ?? null,
    unread: Number(r.unread ?? 0),
  }));
}
