import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { acceptInvitation, invitationByToken } from '../../services/access/invitations.ts';
import { establishSession } from '../session-cookie.ts';
import type { ServiceContext } from '../../services/context.ts';
import { Str } from '../../api/schemas.ts';
import { InvitationAcceptedSchema, InvitationSchema } from '../../api/schemas/projects.ts';

/**
 * The invitee's side of an invitation (the admin's side is PUT …/members). The token travels in request bodies,
 * never in a URL, so it stays out of access logs; both routes are rate-limited like sign-in.
 */
export const invitationRoutes = (ctx: ServiceContext, rateLimit: number, sessionMaxAgeSeconds: number): FastifyPluginAsyncTypebox => async (app) => {
  const Token = Str(200, 10);

  app.post(
    '/api/v1/invitations/lookup',
    {
      schema: { tags: ['auth'], summary: 'What an invitation link offers (project, address, role), before accepting', body: Type.Object({ token: Token }, { additionalProperties: false }), response: { 200: InvitationSchema } },
      config: { anonymous: true, rateLimit: { max: rateLimit, timeWindow: 60_000 } },
    },
    async (req) => {
      const i = await invitationByToken(ctx.db, req.body.token, ctx.now());
      return { project: { slug: i.projectSlug, name: i.projectName }, email: i.email, role: i.role, expires_at: i.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      schema: {
        tags: ['auth'],
        summary: 'Accept an invitation: create the account (name, password) or, signed in as the invited address, join; signs in',
        body: Type.Object({ token: Token, name: Type.Optional(Str(200, 1)), password: Type.Optional(Str(1024, 1)) }, { additionalProperties: false }),
        response: { 200: InvitationAcceptedSchema },
      },
      config: { rateLimit: { max: rateLimit, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const signedIn = req.authVia === 'session' ? (req.user ?? null) : null;
      const { user, projectSlug } = await acceptInvitation(ctx, req.body.token, { signedIn, name: req.body.name, password: req.body.password });
      if (!signedIn) {
        await establishSession(ctx, req, user, sessionMaxAgeSeconds);
      }
      return { project_slug: projectSlug, user: { id: user.id, email: user.email, name: user.name, site_admin: user.siteAdmin }, csrf_token: reply.generateCsrf() };
    },
  );
};
