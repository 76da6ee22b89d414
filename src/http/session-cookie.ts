import type { FastifyRequest } from 'fastify';
import { startSession } from '../services/access/sessions.ts';
import type { ServiceContext } from '../services/context.ts';
import type { UserRecord } from '../services/access/users.ts';

/**
 * Signs `user` in on this request: a fresh cookie (no fixation), a server-side session row, the issue time. The one
 * place every way in (password, second factor, passkey, SSO, an accepted invitation) ends up.
 */
export async function establishSession(ctx: ServiceContext, req: FastifyRequest, user: UserRecord, maxAgeSeconds: number): Promise<void> {
  req.session.regenerate();
  req.session.set('uid', user.id);
  req.session.set('sid', await startSession(ctx.db, user.id, ctx.now(), maxAgeSeconds));
  req.session.set('issuedAt', ctx.now().getTime());
}
