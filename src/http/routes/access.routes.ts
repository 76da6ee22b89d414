import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TOKEN_SCOPES } from '../../core/access/permissions.ts';
import { createApiToken, listTokens, revokeToken } from '../../services/access/tokens.ts';
import { listUsers, setUserDisabled } from '../../services/access/users.ts';
import { changePassword, completePasswordReset, listSessions, requestPasswordReset, revokeSessions } from '../../services/access/account.ts';
import type { ServiceContext } from '../../services/context.ts';
import { actorLabel, requireSession, requireSiteAdmin, requireUser } from '../auth.ts';
import { NoBody, Str } from '../../api/schemas.ts';
import { AcceptedSchema, SessionListSchema, TokenCreatedSchema, TokenListSchema, UserListItemSchema, UserListSchema } from '../../api/schemas/access.ts';
import { presentSession, presentToken, presentUser } from '../../api/present-access.ts';

const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Scope = Type.Union(TOKEN_SCOPES.map((s) => Type.Literal(s)));

/**
 * Access that can be given and taken back (issue 15): API tokens, users, the account's password and sessions.
 * Sign-in itself and first setup are in session.routes.ts; invitations in invitations.routes.ts.
 */
export const accessRoutes = (ctx: ServiceContext, rateLimit: number): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an API token (signed-in session only; the secret is shown once)',
        body: Type.Object(
          {
            name: Str(100, 1),
            expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'default 90 days ahead, at most a year' })),
            projects: Type.Optional(Type.Array(Str(100, 1), { maxItems: 100, description: 'slugs; default every project of yours' })),
            scopes: Type.Optional(Type.Array(Scope, { maxItems: 4, description: 'default all four; never more than your role allows' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: TokenCreatedSchema },
      },
    },
    async (req, reply) => {
      const user = requireSession(req, 'create tokens');
      const created = await createApiToken(ctx, user, {
        name: req.body.name,
        expiresAt: req.body.expires_at ? new Date(req.body.expires_at) : undefined,
        projects: req.body.projects,
        scopes: req.body.scopes,
      });
      return reply.status(201).send({ id: created.id, token: created.token, expires_at: created.info.expiresAt.toISOString() });
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: "Your API tokens (site admins: anyone's with ?user=ID or ?all=true); never their secrets",
        querystring: Type.Object({ user: Type.Optional(Type.String({ format: 'uuid' })), all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: TokenListSchema },
      },
    },
    async (req) => {
      const user = requireSession(req, 'list tokens');
      return { tokens: (await listTokens(ctx, user, { userId: req.query.user, all: req.query.all })).map(presentToken) };
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    { schema: { tags: ['auth'], summary: 'Revoke an API token of yours (site admins: anyone’s); its next use answers 401', params: Id, response: { 204: NoBody('revoked') } } },
    async (req, reply) => {
      // A token may end itself (a job cleaning up after it); any other token is managed from a session only, so a
      // leaked token, even a read-only one, cannot revoke its owner's other tokens.
      const user = req.authVia === 'token' && req.token?.id === req.params.id ? requireUser(req) : requireSession(req, 'revoke other tokens');
      await revokeToken(ctx, user, req.params.id, actorLabel(req));
      return reply.status(204).send();
    },
  );

  app.get('/api/v1/users', { schema: { tags: ['admin'], summary: 'Every account (site admins)', response: { 200: UserListSchema } } }, async (req) => {
    requireSiteAdmin(req);
    return { users: (await listUsers(ctx.db)).map(presentUser) };
  });

  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Disable or re-enable a user (site admins); disabling ends their sessions and revokes their tokens at once',
        params: Id,
        body: Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: UserListItemSchema },
      },
    },
    async (req) => presentUser(await setUserDisabled(ctx, requireSiteAdmin(req), req.params.id, req.body.disabled)),
  );

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password (the current one is required); your other sessions end',
        body: Type.Object({ current_password: Str(1024, 1), new_password: Str(1024, 1) }, { additionalProperties: false }),
        response: { 204: NoBody('changed') },
      },
      config: { beforeTwoFactor: true, rateLimit: { max: rateLimit, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const user = requireSession(req, 'change the password');
      await changePassword(ctx, user, { current: req.body.current_password, next: req.body.new_password, keepSessionId: req.session.get('sid') ?? null });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/password-reset',
    {
      schema: {
        tags: ['auth'],
        summary: 'Mail a single-use reset link (1 hour) to the address, if it has an account; the answer is the same either way',
        body: Type.Object({ email: Str(254, 1) }, { additionalProperties: false }),
        response: { 202: AcceptedSchema },
      },
      config: { anonymous: true, rateLimit: { max: rateLimit, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      // The answer leaves before the work is done: an account's work (the link, its mail, the audit entry) took
      // tens of ms more than none (medians of 30 over HTTP on PGlite: 87 against 40 ms), which told whether the address has an account.
      const work = requestPasswordReset(ctx, req.body.email).catch((err: unknown) => req.log.error({ err }, 'password reset request failed'));
      await reply.status(202).send({ message: 'If the address has an account, a link to reset its password is on its way. It works once, for one hour.' });
      await work;
      return reply;
    },
  );

  app.post(
    '/api/v1/password-reset/complete',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the token of a reset link; every session of the account ends',
        body: Type.Object({ token: Str(200, 10), password: Str(1024, 1) }, { additionalProperties: false }),
        response: { 204: NoBody('password set') },
      },
      config: { anonymous: true, rateLimit: { max: rateLimit, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      await completePasswordReset(ctx, req.body.token, req.body.password);
      return reply.status(204).send();
    },
  );

  app.get('/api/v1/me/sessions', { config: { beforeTwoFactor: true }, schema: { tags: ['auth'], summary: 'Your live sessions; `current` is this one', response: { 200: SessionListSchema } } }, async (req) => {
    const user = requireSession(req, 'list sessions');
    return { sessions: (await listSessions(ctx, user, req.authVia === 'session' ? (req.session.get('sid') ?? null) : null)).map(presentSession) };
  });

  app.delete('/api/v1/me/sessions', { config: { beforeTwoFactor: true }, schema: { tags: ['auth'], summary: 'End every session of yours but this one', response: { 204: NoBody('ended') } } }, async (req, reply) => {
    const user = requireSession(req, 'end sessions');
    await revokeSessions(ctx, user, null, req.authVia === 'session' ? (req.session.get('sid') ?? null) : null);
    return reply.status(204).send();
  });

  app.delete('/api/v1/me/sessions/:id', { config: { beforeTwoFactor: true }, schema: { tags: ['auth'], summary: 'End one of your sessions', params: Id, response: { 204: NoBody('ended') } } }, async (req, reply) => {
    const user = requireSession(req, 'end sessions');
    await revokeSessions(ctx, user, req.params.id, null);
    return reply.status(204).send();
  });
};
