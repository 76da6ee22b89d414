import type {} from '@fastify/swagger';
import type {} from '@fastify/secure-session';
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../core/access/permissions.ts';
import { DomainError } from '../core/errors.ts';
import type { ServiceContext } from '../services/context.ts';
import { getProject, type ProjectRecord } from '../services/projects/projects.ts';
import { sessionUser } from '../services/access/sessions.ts';
import { siteRequiresTwoFactorCached } from '../services/access/two-factor.ts';
import { roleOn, type UserRecord } from '../services/access/users.ts';
import { userForApiToken } from '../services/access/tokens.ts';
import type { TokenScope } from '../core/access/permissions.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route never acts as a signed-in user (public intake, reporter link, login): it ignores credentials,
     * so a stale token or a maintainer's session cookie in the same browser can neither fail it nor need CSRF.
     */
    anonymous?: boolean;
    /**
     * `false`: the route's `:slug` is not resolved by the project hook (the web UI's shell serves any path; public
     * pages and intake look their project up themselves, intake through its cache).
     */
    project?: false;
    /**
     * Open to a signed-in user who still has to enrol a second factor (the site or a project requires one): the
     * session itself, the account's second-factor routes, password and sessions. Every other route answers 403
     * `two-factor-required` to such a user.
     */
    beforeTwoFactor?: boolean;
  }
  interface FastifyRequest {
    user: UserRecord | null;
    authVia: 'session' | 'token' | null;
    /** The API token the request came with: its id and limits (null for sessions and anonymous callers). */
    token: { id: string; scopes: TokenScope[]; projectIds: string[] | null; ownerSiteAdmin: boolean } | null;
    /**
     * The project named by the route's `:slug`, resolved once by the project hook (404 when there is none).
     * Set on every route with a `:slug` parameter unless its config says `project: false`.
     */
    project: ProjectRecord;
    /** The caller on `req.project`: null when anonymous, else the user with their role there. */
    actor: Actor | null;
  }
}

declare module '@fastify/secure-session' {
  interface SessionData {
    uid: string;
    /** Id of the server-side session row; logout deletes the row, so a copied cookie stops working. */
    sid: string;
    issuedAt: number;
    csrfToken?: string;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Who is calling: an API token (Authorization: Bearer) or a session cookie. Cookie-authenticated requests that
 * change state must carry the CSRF token; token-authenticated ones cannot be forged by a browser.
 */
export function registerAuth(app: FastifyInstance, ctx: ServiceContext, sessionMaxAgeSeconds: number): void {
  app.decorateRequest('user', null);
  app.decorateRequest('authVia', null);
  app.decorateRequest('token', null);
  app.decorateRequest('project', null as unknown as ProjectRecord);
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config.anonymous) return;
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const found = await userForApiToken(ctx.db, header.slice(7).trim(), ctx.now());
      // A site admin's token acts as site admin only with the admin scope and no project limit.
      const siteAdmin = found.user.siteAdmin && found.scopes.includes('admin') && found.projectIds === null;
      req.user = { ...found.user, siteAdmin };
      req.authVia = 'token';
      req.token = { id: found.tokenId, scopes: found.scopes, projectIds: found.projectIds, ownerSiteAdmin: found.user.siteAdmin };
      return;
    }
    const uid = req.session?.get('uid');
    const sid = req.session?.get('sid');
    const issuedAt = req.session?.get('issuedAt');
    if (!uid || typeof issuedAt !== 'number') return;
    if (!sid || ctx.now().getTime() - issuedAt > sessionMaxAgeSeconds * 1000) {
      req.session.delete();
      return;
    }
    const user = await sessionUser(ctx.db, sid, uid, ctx.now());
    if (!user) {
      req.session.delete();
      return;
    }
    req.user = user;
    req.authVia = 'session';
  });
  // A site that requires a second factor lets a user without one reach only the routes that let them enrol.
  app.addHook('onRequest', async (req) => {
    if (!req.user || req.user.twoFactor || req.routeOptions.config.beforeTwoFactor || req.routeOptions.config.anonymous) return;
    if (await siteRequiresTwoFactorCached(ctx)) {
      throw new DomainError('two-factor-required', 'This site requires two-factor authentication: add an authenticator app or a passkey on your account page first');
    }
  });
  app.addHook('preHandler', (req, reply, done) => {
    if (req.authVia === 'session' && !SAFE_METHODS.has(req.method)) {
      app.csrfProtection(req, reply, done);
      return;
    }
    done();
  });
  // After validation and the CSRF check: the project and the caller's role on it, once per request.
  app.addHook('preHandler', async (req) => {
    const slug = (req.params as { slug?: unknown } | undefined)?.slug;
    if (typeof slug !== 'string' || req.routeOptions.config.project === false) return;
    req.project = await getProject(ctx.db, slug);
    if (req.user && !req.user.twoFactor && !req.routeOptions.config.anonymous && req.project.policy.access?.require_two_factor) {
      throw new DomainError('two-factor-required', `Project ${req.project.slug} requires two-factor authentication: add an authenticator app or a passkey on your account page first`);
    }
    req.actor = req.routeOptions.config.anonymous ? null : await actorOn(ctx, req.user, req.project, req.token);
  });
}

/** Only a signed-in session may do this: a bearer token cannot mint tokens or change the password. */
export function requireSession(req: FastifyRequest, what: string) {
  const user = requireUser(req);
  if (req.authVia !== 'session') throw new DomainError('forbidden', `API tokens cannot ${what}; sign in with your password`);
  return user;
}

export function requireUser(req: FastifyRequest): UserRecord {
  if (!req.user) throw new DomainError('unauthenticated', 'Sign in or send an API token');
  return req.user;
}

export async function actorOn(ctx: ServiceContext, user: UserRecord | null, project: ProjectRecord, token: FastifyRequest['token']): Promise<Actor | null> {
  if (!user) return null;
  // A token limited to other projects is no member here (404, like any non-member).
  if (token?.projectIds) {
    // Limited to some projects: elsewhere no member (404, like any non-member); there, what its owner is.
    if (!token.projectIds.includes(project.id)) return { userId: user.id, siteAdmin: false, role: null, scopes: token.scopes };
    return { userId: user.id, siteAdmin: token.ownerSiteAdmin, role: await roleOn(ctx.db, user.id, project.id), scopes: token.scopes };
  }
  return { userId: user.id, siteAdmin: user.siteAdmin, role: await roleOn(ctx.db, user.id, project.id), ...(token ? { scopes: token.scopes } : {}) };
}

export const actorLabel = (req: FastifyRequest): string =>
  req.user ? `user:${req.user.id}${req.authVia === 'token' ? ' (api token)' : ''}` : 'anonymous';

export function requireSiteAdmin(req: FastifyRequest): UserRecord {
  const user = requireUser(req);
  if (!user.siteAdmin) throw new DomainError('forbidden', 'Only site administrators may do this');
  return user;
}

export type Reply = FastifyReply;
