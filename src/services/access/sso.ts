import { randomBytes } from 'node:crypto';
import { DomainError } from '../../core/errors.ts';
import { isProjectRole, type ProjectRole } from '../../core/access/permissions.ts';
import type { SsoGranted } from '../../adapters/db/schema-sso.ts';
import { domainAllowed, emailVerified, groupsOf, mapRoles, type SsoErrorCode, type SsoSettings } from '../../core/access/sso.ts';
import type { OidcIdentity } from '../../adapters/oidc/client.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { normalizeAddress } from '../mail/addresses.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { acceptInvitation, invitationByToken } from './invitations.ts';
import { createUser, isEmailAddress, type UserRecord } from './users.ts';

/**
 * Who an OpenID Connect identity is in Embargo (issue 15). The protocol checks (state, nonce, PKCE, the ID token's
 * signature and audience) are done by then (src/adapters/oidc/client.ts); here:
 *
 * 1. The provider must give an email address, say it is verified (`email_verified` true), and its domain must be
 *    in EMBARGO_OIDC_ALLOWED_DOMAINS.
 * 2. The account: the one already linked to this (issuer, subject); else the one with that email, which is then
 *    linked (unless it is linked to another subject of this issuer: refused); else a new one, made just in time,
 *    with a random password hash that no password matches (a password reset gives it one).
 * 3. Disabled accounts are refused.
 * 4. The group → role map (EMBARGO_OIDC_ROLE_MAP) adds roles, and takes back only those it added; see `applyRoleMap`.
 * 5. With an invitation carried through the round trip, the verified email must be the invited address; the
 *    membership is then added as by the invitation page.
 *
 * Every refusal is audited (`session.sign-in-failed`, method `oidc`) and thrown as an `SsoRefused` whose code the
 * sign-in page turns into words. Tokens are never written anywhere.
 */

export class SsoRefused extends Error {
  override name = 'SsoRefused';
  constructor(
    readonly code: SsoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SsoSignIn {
  user: UserRecord;
  /** The account was made by this sign-in. */
  created: boolean;
  /** The identity was linked to the account by this sign-in (true for a new account too). */
  linked: boolean;
  /** The project an invitation carried through the round trip added the user to. */
  joinedProject: string | null;
}

const auditText = (s: string, max = 300) => (s.length > max ? `${s.slice(0, max)}…` : s);

/** A refused SSO sign-in in the audit log: the reason code, the issuer, what the provider said, never a token. */
export async function recordSsoFailure(
  ctx: ServiceContext,
  input: { issuer: string; reason: SsoErrorCode; ip: string; email?: string | null; subject?: string | null; detail?: string },
): Promise<void> {
  await ctx.db.transaction().execute((tx) =>
    appendAudit(
      tx,
      {
        actor: 'anonymous',
        action: 'session.sign-in-failed',
        data: {
          method: 'oidc',
          issuer: input.issuer,
          reason: input.reason,
          ip: input.ip,
          ...(input.email ? { email: auditText(input.email, 254) } : {}),
          ...(input.subject ? { subject: auditText(input.subject, 255) } : {}),
          ...(input.detail ? { detail: auditText(input.detail) } : {}),
        },
      },
      ctx.now(),
    ),
  );
}

/** The name a new account gets: the provider's `name`, else given + family name, else the address's local part. */
function displayName(claims: Record<string, unknown>, email: string): string {
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const name = str(claims.name) || [str(claims.given_name), str(claims.family_name)].filter(Boolean).join(' ') || str(claims.preferred_username) || email.split('@')[0] || email;
  return name.slice(0, 200);
}

interface RoleChanges {
  siteAdmin?: { from: boolean; to: boolean; kept?: string };
  memberships: Array<{ project: string; from: ProjectRole | null; to: ProjectRole | null }>;
}

const RANK: Record<ProjectRole, number> = { viewer: 1, triager: 2, admin: 3 };
const NOTHING_GRANTED: SsoGranted = { site_admin: false, projects: {} };

/**
 * Applies the role map to `user` inside `tx`, given what it `granted` at the last sign-in; returns what it grants
 * now. The map adds, and takes back only what it added:
 * - site_admin: set when the user is in a group mapped to site_admin; cleared when they no longer are, if the map
 *   had set it (a site admin made in Embargo stays one), except for the last enabled site admin, who keeps it.
 * - each project the map names: a user in a mapped group gets the highest role their groups give there; a
 *   membership given in Embargo is raised to it, never lowered. When no group gives the project any more, what the
 *   map gave is taken back: the membership it added is removed, a role it raised goes back to what it was (unless
 *   an admin has changed the role since: then it is theirs to keep).
 * - nothing else (memberships of other projects, invitations, roles set by admins) is touched.
 * A project named in the map that does not exist is skipped.
 */
async function applyRoleMap(
  tx: Tx,
  settings: SsoSettings,
  user: UserRecord,
  claims: Record<string, unknown>,
  granted: SsoGranted,
  now: Date,
): Promise<{ user: UserRecord; granted: SsoGranted }> {
  if (!settings.roleMap.length && !granted.site_admin && !Object.keys(granted.projects).length) return { user, granted };
  const mapped = mapRoles(groupsOf(claims[settings.groupsClaim]), settings.roleMap);
  const changes: RoleChanges = { memberships: [] };
  const next: SsoGranted = { site_admin: false, projects: {} };
  let siteAdmin = user.siteAdmin;

  if (mapped.siteAdmin === true) {
    if (!user.siteAdmin) {
      await tx.updateTable('users').set({ site_admin: true }).where('id', '=', user.id).execute();
      changes.siteAdmin = { from: false, to: true };
      siteAdmin = true;
    }
    next.site_admin = !user.siteAdmin || granted.site_admin;
  } else if (granted.site_admin && user.siteAdmin) {
    const others = await tx.selectFrom('users').select('id').where('site_admin', '=', true).where('disabled', '=', false).where('id', '!=', user.id).limit(1).execute();
    if (others.length) {
      await tx.updateTable('users').set({ site_admin: false }).where('id', '=', user.id).execute();
      changes.siteAdmin = { from: true, to: false };
      siteAdmin = false;
    } else {
      changes.siteAdmin = { from: true, to: true, kept: 'the last enabled site admin keeps site_admin' };
      next.site_admin = true;
    }
  }

  const slugs = [...new Set([...mapped.projects.keys(), ...Object.keys(granted.projects)])];
  const projects = slugs.length ? await tx.selectFrom('projects').select(['id', 'slug']).where('slug', 'in', slugs).orderBy('slug').execute() : [];
  for (const project of projects) {
    const want = mapped.projects.get(project.slug) ?? null;
    const given = granted.projects[project.slug];
    const gave = given && isProjectRole(given.role) ? given.role : null;
    const was = given && isProjectRole(given.was) ? given.was : null;
    const row = await tx.selectFrom('memberships').select('role').where('project_id', '=', project.id).where('user_id', '=', user.id).executeTakeFirst();
    const have = isProjectRole(row?.role) ? row.role : null;
    const managed = gave !== null && gave === have;
    let to: ProjectRole | null = have;
    if (want) {
      // Add or raise; lower only what the map itself gave. Remember what a raise replaced.
      if (have === null || RANK[want] > RANK[have] || managed) to = want;
      if (to === want && (have !== want || managed)) next.projects[project.slug] = { role: want, was: managed ? was : have };
    } else if (managed) {
      // Taken back: to what it replaced (nothing, when the map added it).
      to = was;
    }
    if (to === have) continue;
    if (to === null) await tx.deleteFrom('memberships').where('project_id', '=', project.id).where('user_id', '=', user.id).execute();
    else {
      const role = to;
      await tx
        .insertInto('memberships')
        .values({ project_id: project.id, user_id: user.id, role, created_at: now })
        .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
        .execute();
    }
    changes.memberships.push({ project: project.slug, from: have, to });
  }
  if (changes.siteAdmin || changes.memberships.length) {
    await appendAudit(tx, { actor: `oidc:${settings.issuer}`, action: 'sso.roles-applied', data: { user: user.id, ...changes } }, now);
  }
  return { user: { ...user, siteAdmin }, granted: next };
}

/** Links the identity, applies the role map, and writes the sign-in to the audit log, inside `tx`. */
async function completeSignIn(
  tx: Tx,
  ctx: ServiceContext,
  settings: SsoSettings,
  identity: OidcIdentity,
  user: UserRecord,
  input: { email: string; ip: string; link: boolean; created: boolean },
): Promise<UserRecord> {
  const now = ctx.now();
  let granted = NOTHING_GRANTED;
  if (input.link) {
    await tx.insertInto('sso_identities').values({ issuer: identity.issuer, subject: identity.subject, user_id: user.id, email: input.email, created_at: now, last_sign_in_at: now }).execute();
    await appendAudit(
      tx,
      { actor: `oidc:${identity.issuer}`, action: 'sso.identity-linked', data: { user: user.id, issuer: identity.issuer, subject: identity.subject, email: input.email, created: input.created } },
      now,
    );
  } else {
    const row = await tx.selectFrom('sso_identities').select('granted').where('issuer', '=', identity.issuer).where('subject', '=', identity.subject).executeTakeFirst();
    granted = row?.granted ?? NOTHING_GRANTED;
  }
  const mapped = await applyRoleMap(tx, settings, user, identity.claims, granted, now);
  await tx
    .updateTable('sso_identities')
    .set({ last_sign_in_at: now, granted: JSON.stringify(mapped.granted) })
    .where('issuer', '=', identity.issuer)
    .where('subject', '=', identity.subject)
    .execute();
  await appendAudit(tx, { actor: `user:${user.id}`, action: 'session.signed-in', data: { user: user.id, ip: input.ip, method: 'oidc', issuer: identity.issuer } }, now);
  return mapped.user;
}

const lostRace = (e: unknown): boolean =>
  (e instanceof DomainError && e.code === 'conflict') || (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505');

export async function signInWithSso(ctx: ServiceContext, settings: SsoSettings, identity: OidcIdentity, input: { ip: string; invitationToken: string | null }): Promise<SsoSignIn> {
  const { claims } = identity;
  const rawEmail = typeof claims.email === 'string' ? normalizeAddress(claims.email) : '';
  const refuse = async (code: SsoErrorCode, detail: string): Promise<never> => {
    await recordSsoFailure(ctx, { issuer: identity.issuer, reason: code, ip: input.ip, email: rawEmail || null, subject: identity.subject, detail });
    throw new SsoRefused(code, detail);
  };
  if (!rawEmail || !isEmailAddress(rawEmail)) return refuse('no-email', 'the provider gave no usable email claim');
  const email = rawEmail;
  if (!emailVerified(claims.email_verified)) return refuse('email-unverified', `email_verified is ${JSON.stringify(claims.email_verified ?? null)}`);
  if (!domainAllowed(email, settings.allowedDomains)) return refuse('domain-not-allowed', `the domain of ${email} is not in EMBARGO_OIDC_ALLOWED_DOMAINS`);

  if (input.invitationToken) {
    let invited: string;
    try {
      invited = (await invitationByToken(ctx.db, input.invitationToken, ctx.now())).email;
    } catch (e) {
      if (e instanceof DomainError && e.code === 'not_found') return refuse('invitation-unusable', 'the invitation was used, expired or withdrawn');
      throw e;
    }
    if (invited !== email) return refuse('invitation-mismatch', `the invitation is for ${invited}`);
  }

  const userColumns = ['id', 'email', 'name', 'site_admin', 'disabled'] as const;
  const toRecord = (r: { id: string; email: string; name: string; site_admin: boolean }): UserRecord => ({ id: r.id, email: r.email, name: r.name, siteAdmin: r.site_admin });
  /** Finds the account by its link or its address, or creates it; links the identity and signs in. */
  const resolve = async (): Promise<SsoSignIn> => {
    const found = await ctx.db
      .selectFrom('sso_identities')
      .innerJoin('users', 'users.id', 'sso_identities.user_id')
      .select(userColumns.map((c) => `users.${c}` as const))
      .where('sso_identities.issuer', '=', identity.issuer)
      .where('sso_identities.subject', '=', identity.subject)
      .executeTakeFirst();
    if (found) {
      if (found.disabled) return refuse('account-disabled', `account ${found.id} is disabled`);
      const user = await ctx.db.transaction().execute((tx) => completeSignIn(tx, ctx, settings, identity, toRecord(found), { email, ip: input.ip, link: false, created: false }));
      return { user, created: false, linked: false, joinedProject: null };
    } else {
      const byEmail = await ctx.db.selectFrom('users').select([...userColumns]).where('email', '=', email).executeTakeFirst();
      if (byEmail) {
        if (byEmail.disabled) return refuse('account-disabled', `account ${byEmail.id} is disabled`);
        const other = await ctx.db.selectFrom('sso_identities').select('subject').where('issuer', '=', identity.issuer).where('user_id', '=', byEmail.id).executeTakeFirst();
        if (other) return refuse('identity-conflict', `account ${byEmail.id} is linked to another subject of this issuer`);
        const user = await ctx.db.transaction().execute((tx) => completeSignIn(tx, ctx, settings, identity, toRecord(byEmail), { email, ip: input.ip, link: true, created: false }));
        return { user, created: false, linked: true, joinedProject: null };
      } else {
        let signedIn: UserRecord | null = null;
        // No usable password: a random one nobody is told (its hash is stored as for any password).
        await createUser(ctx, { email, name: displayName(claims, email), password: randomBytes(32).toString('base64url'), siteAdmin: false }, `oidc:${identity.issuer}`, {
          then: async (tx, created) => {
            signedIn = await completeSignIn(tx, ctx, settings, identity, created, { email, ip: input.ip, link: true, created: true });
          },
        });
        return { user: signedIn as unknown as UserRecord, created: true, linked: true, joinedProject: null };
      }
    }
  };
  let result: SsoSignIn;
  try {
    result = await resolve();
  } catch (e) {
    // Two first sign-ins of one identity at once (two tabs): the one that lost the race to create or link the
    // account finds it on a second look, linked by the other.
    if (!lostRace(e)) throw e;
    result = await resolve();
  }

  if (input.invitationToken) {
    try {
      result.joinedProject = (await acceptInvitation(ctx, input.invitationToken, { signedIn: result.user })).projectSlug;
    } catch (e) {
      if (e instanceof DomainError && e.code === 'not_found') return refuse('invitation-unusable', 'the invitation was used, expired or withdrawn');
      if (e instanceof DomainError && e.code === 'forbidden') return refuse('invitation-mismatch', e.message);
      throw e;
    }
  }
  return result;
}

/**
 * Forgets every SSO identity linked to the account with `email` (the operator's `embargo sso unlink`): its next
 * SSO sign-in links it afresh by verified email. The way out of `identity-conflict`, when the account's identity
 * at the provider was replaced (a new subject for the same person). Returns what was unlinked.
 */
export async function unlinkSsoIdentities(ctx: ServiceContext, email: string, actor: string): Promise<Array<{ issuer: string; subject: string }>> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('email', '=', normalizeAddress(email)).executeTakeFirst();
    if (!user) throw new DomainError('not_found', `No user with email ${email}`);
    const removed = await tx.deleteFrom('sso_identities').where('user_id', '=', user.id).returning(['issuer', 'subject']).execute();
    for (const r of removed) await appendAudit(tx, { actor, action: 'sso.identity-unlinked', data: { user: user.id, issuer: r.issuer, subject: r.subject } }, now);
    return removed;
  });
}
