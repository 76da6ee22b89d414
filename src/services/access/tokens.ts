import { DomainError } from '../../core/errors.ts';
import { isTokenScope, TOKEN_SCOPES, type TokenScope } from '../../core/access/permissions.ts';
import { TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from '../../core/access/tokens.ts';
import { hashToken, newSecretToken } from '../../adapters/crypto/tokens.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Db, ServiceContext } from '../context.ts';
import type { UserRecord } from './users.ts';

/**
 * API tokens (issue 15): named, expiring (default 90 days, at most a year), optionally limited to projects and
 * scopes, listed without their secret, revocable. Only a signed-in session mints one (the route checks), so a
 * leaked token cannot mint its own successors.
 */

const DAY = 86_400_000;

export interface NewToken {
  name: string;
  /** When it stops working; default 90 days from now, at most a year ahead. */
  expiresAt?: Date | undefined;
  /** Slugs of the projects it is limited to; absent for all of its owner's projects. */
  projects?: readonly string[] | undefined;
  /** Absent for all four. */
  scopes?: readonly string[] | undefined;
}

export interface TokenInfo {
  id: string;
  userId: string;
  name: string;
  scopes: TokenScope[];
  /** Slugs, or null for every project. */
  projects: string[] | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
}

export async function createApiToken(ctx: ServiceContext, user: UserRecord, input: NewToken | string): Promise<{ id: string; token: string; info: TokenInfo }> {
  const spec: NewToken = typeof input === 'string' ? { name: input } : input;
  const now = ctx.now();
  const problems = [];
  const name = spec.name.trim();
  if (!name) problems.push({ field: 'name', message: 'is required' });
  const expiresAt = spec.expiresAt ?? new Date(now.getTime() + TOKEN_DEFAULT_DAYS * DAY);
  if (Number.isNaN(expiresAt.getTime()) || expiresAt <= now) problems.push({ field: 'expires_at', message: 'must be in the future' });
  else if (expiresAt.getTime() > now.getTime() + TOKEN_MAX_DAYS * DAY) problems.push({ field: 'expires_at', message: 'must be at most a year ahead' });
  const scopes = [...new Set(spec.scopes ?? TOKEN_SCOPES)];
  const unknown = scopes.filter((s) => !isTokenScope(s));
  if (unknown.length) problems.push({ field: 'scopes', message: `has unknown scopes ${unknown.join(', ')} (known: ${TOKEN_SCOPES.join(', ')})` });
  if (!scopes.length) problems.push({ field: 'scopes', message: 'must name at least one scope' });
  if (problems.length) throw DomainError.validation(problems);

  let projectIds: string[] | null = null;
  let slugs: string[] | null = null;
  if (spec.projects) {
    slugs = [...new Set(spec.projects)];
    const rows = slugs.length ? await ctx.db.selectFrom('projects').select(['id', 'slug']).where('slug', 'in', slugs).execute() : [];
    // Limited to projects its owner is a member of (site admins: any): naming any other is refused alike,
    // whether or not it exists.
    const member = user.siteAdmin
      ? rows
      : rows.length
        ? await ctx.db
            .selectFrom('memberships')
            .innerJoin('projects', 'projects.id', 'memberships.project_id')
            .select(['projects.id', 'projects.slug'])
            .where('memberships.user_id', '=', user.id)
            .where('projects.slug', 'in', slugs)
            .execute()
        : [];
    const missing = slugs.filter((s) => !member.some((r) => r.slug === s));
    if (missing.length || !slugs.length) {
      throw DomainError.validation([{ field: 'projects', message: missing.length ? `names projects you are not a member of: ${missing.join(', ')}` : 'must name at least one project (or be left out for all)' }]);
    }
    projectIds = slugs.map((s) => (member.find((r) => r.slug === s) as { id: string }).id);
  }

  const token = newSecretToken('emb_');
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('api_tokens')
      .values({
        user_id: user.id,
        name,
        token_hash: hashToken(token),
        created_at: now,
        last_used_at: null,
        expires_at: expiresAt,
        scopes: JSON.stringify(scopes),
        project_ids: projectIds ? JSON.stringify(projectIds) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(tx, { actor: `user:${user.id}`, action: 'token.created', data: { token: row.id, name, scopes, projects: slugs, expires_at: expiresAt.toISOString() } }, now);
    const info: TokenInfo = { id: row.id, userId: user.id, name, scopes: scopes as TokenScope[], projects: slugs, createdAt: now, lastUsedAt: null, expiresAt, revokedAt: null };
    return { id: row.id, token, info };
  });
}

/** Who a bearer token acts for, with its limits; refused (401) with a message saying why. */
export async function userForApiToken(db: Db, token: string, now: Date): Promise<{ user: UserRecord; tokenId: string; scopes: TokenScope[]; projectIds: string[] | null }> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.site_admin', 'users.disabled', 'users.two_factor', 'api_tokens.expires_at', 'api_tokens.id as token_id', 'api_tokens.revoked', 'api_tokens.scopes', 'api_tokens.project_ids'])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked || row.disabled) throw new DomainError('unauthenticated', 'The API token is invalid or was revoked');
  if (row.expires_at && row.expires_at <= now) throw new DomainError('unauthenticated', `The API token expired at ${row.expires_at.toISOString()}; create a new one`);
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
  return {
    user: { id: row.id, email: row.email, name: row.name, siteAdmin: row.site_admin, twoFactor: row.two_factor },
    tokenId: row.token_id,
    scopes: row.scopes.filter(isTokenScope),
    projectIds: row.project_ids,
  };
}

/** Tokens of one user (or, for a site admin asking for all, everyone's), newest first; never the secret. */
export async function listTokens(ctx: ServiceContext, viewer: UserRecord, filter: { userId?: string | undefined; all?: boolean | undefined } = {}): Promise<TokenInfo[]> {
  const forOthers = filter.all || (filter.userId !== undefined && filter.userId !== viewer.id);
  if (forOthers && !viewer.siteAdmin) throw new DomainError('forbidden', "Only site admins list other users' tokens");
  let q = ctx.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (!filter.all) q = q.where('user_id', '=', filter.userId ?? viewer.id);
  const rows = await q.limit(1000).execute();
  const ids = [...new Set(rows.flatMap((r) => r.project_ids ?? []))];
  const slugOf = new Map((ids.length ? await ctx.db.selectFrom('projects').select(['id', 'slug']).where('id', 'in', ids).execute() : []).map((p) => [p.id, p.slug]));
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    name: r.name,
    scopes: r.scopes.filter(isTokenScope),
    projects: r.project_ids ? r.project_ids.map((id) => slugOf.get(id) ?? id) : null,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    // Tokens from before expiries existed got one on upgrade (migration 0012); a missing one is a bug, shown as now.
    expiresAt: r.expires_at ?? ctx.now(),
    revokedAt: r.revoked ? (r.revoked_at ?? r.created_at) : null,
  }));
}

/** Revokes a token of the caller (or anyone's, for a site admin): the next request with it answers 401. */
export async function revokeToken(ctx: ServiceContext, viewer: UserRecord, tokenId: string, actorLabel: string): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('api_tokens').select(['id', 'user_id', 'revoked']).where('id', '=', tokenId).executeTakeFirst();
    // Someone else's token is "not found" to a non-admin: its existence is not theirs to learn.
    if (!row || (row.user_id !== viewer.id && !viewer.siteAdmin)) throw new DomainError('not_found', 'No such token');
    if (row.revoked) return;
    await tx.updateTable('api_tokens').set({ revoked: true, revoked_at: now }).where('id', '=', tokenId).execute();
    await appendAudit(tx, { actor: actorLabel, action: 'token.revoked', data: { token: tokenId, owner: row.user_id } }, now);
  });
}
