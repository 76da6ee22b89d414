import { DomainError } from '../../core/errors.ts';
import { authorize, isProjectRole, type Actor, type ProjectRole } from '../../core/access/permissions.ts';
import { dummyPasswordHash, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from '../../adapters/crypto/passwords.ts';
import { hashToken, newSecretToken } from '../../adapters/crypto/tokens.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { normalizeAddress } from '../mail/addresses.ts';
import type { Db, DbOrTx, ServiceContext, Tx } from '../context.ts';
import { getProject, type ProjectRecord } from '../projects/projects.ts';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  siteAdmin: boolean;
  /** Has a confirmed TOTP or a passkey; set where the user was read for a request (session, token, sign-in). */
  twoFactor?: boolean;
}

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;
export const isEmailAddress = (email: string): boolean => EMAIL.test(email);

export async function countUsers(db: DbOrTx): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function createUser(
  ctx: ServiceContext,
  input: { email: string; name: string; password: string; siteAdmin: boolean },
  actor: string,
  hooks: {
    /** Runs first inside the creating transaction; throwing there creates nobody (the setup token's single use). */
    claim?: (tx: Tx) => Promise<void>;
    /** Runs last inside it, with the new user (an invitation's membership); throwing there creates nobody. */
    then?: (tx: Tx, user: UserRecord) => Promise<void>;
  } = {},
): Promise<UserRecord> {
  const problems = [];
  const email = normalizeAddress(input.email);
  if (!isEmailAddress(email)) problems.push({ field: 'email', message: 'is not an email address' });
  if (!input.name.trim()) problems.push({ field: 'name', message: 'is required' });
  if (input.password.length < PASSWORD_MIN_LENGTH) problems.push({ field: 'password', message: `must be at least ${PASSWORD_MIN_LENGTH} characters` });
  if (problems.length) throw DomainError.validation(problems);
  const password_hash = await hashPassword(input.password);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    await hooks.claim?.(tx);
    const clash = await tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (clash) throw new DomainError('conflict', `A user with email ${email} already exists`);
    const row = await tx
      .insertInto('users')
      .values({ email, name: input.name.trim(), password_hash, site_admin: input.siteAdmin, created_at: now })
      .returning(['id', 'email', 'name', 'site_admin'])
      .executeTakeFirstOrThrow();
    await appendAudit(tx, { actor, action: 'user.created', data: { user: row.id, email, site_admin: input.siteAdmin } }, now);
    const user = { id: row.id, email: row.email, name: row.name, siteAdmin: row.site_admin };
    await hooks.then?.(tx, user);
    return user;
  });
}

/** True until the first user exists: the instance then still needs its first admin (GET /api/v1/setup). */
export async function setupNeeded(db: DbOrTx): Promise<boolean> {
  return (await countUsers(db)) === 0;
}

/** The first admin, created with the one-time setup token printed at first start. */
export async function completeSetup(
  ctx: ServiceContext,
  token: string,
  input: { email: string; name: string; password: string },
): Promise<UserRecord> {
  const refused = () => new DomainError('forbidden', 'The setup token is invalid or was already used');
  const stored = await ctx.db.selectFrom('settings').select('value').where('key', '=', 'setup_token_hash').executeTakeFirst();
  if (!stored || stored.value !== hashToken(token) || (await countUsers(ctx.db)) > 0) throw refused();
  // The token is used up by the transaction that creates the admin: of parallel requests, one deletes the row
  // (the others wait for its lock and then find nothing), so exactly one admin is created.
  return createUser(ctx, { ...input, siteAdmin: true }, 'setup-token', {
    claim: async (tx) => {
      const used = await tx.deleteFrom('settings').where('key', '=', 'setup_token_hash').where('value', '=', hashToken(token)).returning('key').executeTakeFirst();
      if (!used || (await countUsers(tx)) > 0) throw refused();
    },
  });
}

/** Issues a fresh setup token while no user exists; returns null once the instance has users. */
export async function issueSetupToken(db: Db): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null;
  const token = newSecretToken('setup_');
  await db
    .insertInto('settings')
    .values({ key: 'setup_token_hash', value: hashToken(token) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: hashToken(token) }))
    .execute();
  return token;
}

export async function authenticate(db: DbOrTx, email: string, password: string): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', normalizeAddress(email)).executeTakeFirst();
  if (!row || row.disabled) {
    await verifyPassword(await dummyPasswordHash(), password);
    return null;
  }
  if (!(await verifyPassword(row.password_hash, password))) return null;
  return { id: row.id, email: row.email, name: row.name, siteAdmin: row.site_admin, twoFactor: row.two_factor };
}

export async function roleOn(db: DbOrTx, userId: string, projectId: string): Promise<ProjectRole | null> {
  const row = await db.selectFrom('memberships').select('role').where('user_id', '=', userId).where('project_id', '=', projectId).executeTakeFirst();
  return row && isProjectRole(row.role) ? row.role : null;
}

export async function setMembership(ctx: ServiceContext, slug: string, email: string, role: ProjectRole | null, actor: string) {
  const project = await getProject(ctx.db, slug);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select(['id', 'email']).where('email', '=', normalizeAddress(email)).executeTakeFirst();
    if (!user) throw new DomainError('not_found', `No user with email ${email}`);
    await tx.deleteFrom('memberships').where('project_id', '=', project.id).where('user_id', '=', user.id).execute();
    if (role) await tx.insertInto('memberships').values({ project_id: project.id, user_id: user.id, role, created_at: now }).execute();
    await appendAudit(tx, { actor, action: role ? 'member.set' : 'member.removed', projectId: project.id, data: { user: user.id, role } }, now);
    return { email: user.email, role };
  });
}

/** The project's members and their roles (anyone who may read the project). */
export async function listMembers(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null) {
  authorize(actor, 'project:read');
  return ctx.db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
    .where('memberships.project_id', '=', project.id)
    .orderBy('users.email')
    .execute();
}

export interface UserListItem {
  id: string;
  email: string;
  name: string;
  siteAdmin: boolean;
  disabled: boolean;
  createdAt: Date;
  twoFactor: boolean;
}

/** Every account, for site admins. */
export async function listUsers(db: DbOrTx): Promise<UserListItem[]> {
  const rows = await db.selectFrom('users').select(['id', 'email', 'name', 'site_admin', 'disabled', 'created_at', 'two_factor']).orderBy('email').limit(10_000).execute();
  return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, siteAdmin: r.site_admin, disabled: r.disabled, createdAt: r.created_at, twoFactor: r.two_factor }));
}

/**
 * A site admin disables or re-enables a user. Disabling ends their sessions and revokes their API tokens at once
 * (re-enabling gives neither back: they sign in again and make new tokens). Nobody disables themselves.
 */
export async function setUserDisabled(ctx: ServiceContext, admin: UserRecord, userId: string, disabled: boolean): Promise<UserListItem> {
  if (userId === admin.id && disabled) throw new DomainError('conflict', 'You cannot disable your own account; ask another site admin');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('users')
      .set({ disabled })
      .where('id', '=', userId)
      .returning(['id', 'email', 'name', 'site_admin', 'disabled', 'created_at', 'two_factor'])
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', 'No such user');
    let sessions = 0;
    let tokens = 0;
    if (disabled) {
      sessions = (await tx.deleteFrom('sessions').where('user_id', '=', userId).returning('id').execute()).length;
      tokens = (await tx.updateTable('api_tokens').set({ revoked: true, revoked_at: now }).where('user_id', '=', userId).where('revoked', '=', false).returning('id').execute()).length;
    }
    await appendAudit(tx, { actor: `user:${admin.id}`, action: disabled ? 'user.disabled' : 'user.enabled', data: { user: userId, sessions_ended: sessions, tokens_revoked: tokens } }, now);
    return { id: row.id, email: row.email, name: row.name, siteAdmin: row.site_admin, disabled: row.disabled, createdAt: row.created_at, twoFactor: row.two_factor };
  });
}
