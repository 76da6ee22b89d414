import type {} from '@fastify/swagger';
import type {} from '@fastify/secure-session';
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../core/access/permissions.ts';
import { DomainError } from '../core/errors.ts';
import type { ServiceContext } from '../services/context.ts';
import type { ProjectRecord } from '../services/projects/projects.ts';
import { sessionUser } from '../services/access/sessions.ts';
import { roleOn, userForApiToken, type UserRecord } from '../services/access/users.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route never acts as a signed-in user (public intake, reporter link, login): it ignores credentials,
     * so a stale token or a maintainer's session cookie in the same browser can neither fail it nor need CSRF.
     */
    anonymous?: boolean;
  }
  interface FastifyRequest {
    user: UserRecord | null;
    authVia: 'session' | 'token' | null;
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
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config.anonymous) return;
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const user = await userForApiToken(ctx.db, header.slice(7).trim(), ctx.now());
      if (!user) throw new DomainError('unauthenticated', 'The API token is invalid, expired or revoked');
      req.user = user;
      req.authVia = 'token';
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
  app.addHook('preHandler', (req, reply, done) => {
    if (req.authVia === 'session' && !SAFE_METHODS.has(req.method)) {
      app.csrfProtection(req, reply, done);
      return;
    }
    done();
  });
}

export function requireUser(req: FastifyRequest): UserRecord {
  if (!req.user) throw new DomainError('unauthenticated', 'Sign in or send an API token');
  return req.user;
}

export async function actorFor(ctx: ServiceContext, req: FastifyRequest, project: ProjectRecord): Promise<Actor | null> {
  if (!req.user) return null;
  return { userId: req.user.id, siteAdmin: req.user.siteAdmin, role: await roleOn(ctx.db, req.user.id, project.id) };
}

export const actorLabel = (req: FastifyRequest): string =>
  req.user ? `user:${req.user.id}${req.authVia === 'token' ? ' (api token)' : ''}` : 'anonymous';

export function requireSiteAdmin(req: FastifyRequest): UserRecord {
  const user = requireUser(req);
  if (!user.siteAdmin) throw new DomainError('forbidden', 'Only site administrators may do this');
  return user;
}

export type Reply = FastifyReply;
