import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../core/errors.ts';
import { authenticate, completeSetup, countUsers, createUser, setupNeeded } from '../../services/access/users.ts';
import { LoginThrottle, recordSecondFactorFailure, recordSignIn } from '../../services/access/sign-in.ts';
import { enrolmentRequired, secondFactorMethods, verifySecondFactor } from '../../services/access/two-factor.ts';
import { endSession } from '../../services/access/sessions.ts';
import { establishSession } from '../session-cookie.ts';
import { passkeySignInOptions, signInWithPasskey } from '../../services/access/passkeys.ts';
import type { AuthenticationResponseJSON } from '../../adapters/crypto/webauthn.ts';
import type { ServiceContext } from '../../services/context.ts';
import { requireSiteAdmin, requireUser } from '../auth.ts';
import { NoBody, Str } from '../../api/schemas.ts';
import { CurrentSessionSchema, HealthSchema, SessionSchema, SessionUserSchema, SetupStatusSchema, WebAuthnOptionsSchema, CredentialJson, type SessionUser } from '../../api/schemas/access.ts';

const Credentials = Type.Object(
  {
    email: Str(254, 3),
    password: Str(1024, 1),
    totp_code: Type.Optional(Type.String({ maxLength: 12, description: 'the 6-digit code of your authenticator app, when two-factor is on' })),
    recovery_code: Type.Optional(Type.String({ maxLength: 40, description: 'one of your single-use recovery codes, instead of totp_code' })),
  },
  { additionalProperties: false },
);
// site_admin lives in the same closed object: an Intersect with a closed NewUser rejected it as unknown (400).
const NewUser = Type.Object(
  { email: Str(254, 3), name: Str(200, 1), password: Str(1024, 1), site_admin: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const recoveryCodeUsed = (b: { totp_code?: string; recovery_code?: string }) => !b.totp_code && Boolean(b.recovery_code);
const me = (u: { id: string; email: string; name: string; siteAdmin: boolean }): SessionUser => ({ id: u.id, email: u.email, name: u.name, site_admin: u.siteAdmin });

export const sessionRoutes = (ctx: ServiceContext, loginRateLimit: number, sessionMaxAgeSeconds: number): FastifyPluginAsyncTypebox => async (app) => {
  // Failed sign-ins per account and per client, counted in the database so that they hold across instances (the
  // route's own rate limit is per process): guessing one account's password from many addresses, or many accounts
  // from one address, is throttled. Counted for every address tried, account or not, so the answer tells nothing.
  const throttle = new LoginThrottle(ctx, loginRateLimit);
  app.get('/healthz', { config: { anonymous: true }, schema: { tags: ['system'], summary: 'Liveness and database check', response: { 200: HealthSchema } } }, async () => {
    await countUsers(ctx.db);
    return { ok: true };
  });

  app.get(
    '/api/v1/setup',
    { config: { anonymous: true }, schema: { tags: ['system'], summary: 'Whether the instance still needs its first site admin (the browser offers /app/setup then)', response: { 200: SetupStatusSchema } } },
    async () => ({ needed: await setupNeeded(ctx.db) }),
  );

  app.post(
    '/api/v1/setup',
    {
      schema: {
        tags: ['system'],
        summary: 'Create the first site admin with the one-time setup token printed at first start',
        body: Type.Object({ token: Str(200, 10), email: Str(254, 3), name: Str(200, 1), password: Str(1024, 1) }, { additionalProperties: false }),
        response: { 201: SessionUserSchema },
      },
      config: { anonymous: true, rateLimit: { max: loginRateLimit, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const { token, ...input } = req.body;
      const user = await completeSetup(ctx, token, input);
      return reply.status(201).send(me(user));
    },
  );

  app.post(
    '/api/v1/session',
    {
      schema: { tags: ['auth'], summary: 'Sign in with email and password (sets the session cookie)', body: Credentials, response: { 200: SessionSchema } },
      config: { anonymous: true, rateLimit: { max: loginRateLimit, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      await throttle.check(req.body.email, req.ip);
      const user = await authenticate(ctx.db, req.body.email, req.body.password);
      if (!user) {
        await recordSignIn(ctx, req.body.email, null, req.ip);
        await throttle.failed(req.body.email, req.ip);
        throw new DomainError('unauthenticated', 'Wrong email or password');
      }
      // The password was right; a user with a second factor must also give it (a wrong one counts as a failure).
      if (user.twoFactor) {
        const { totp_code: totpCode, recovery_code: recoveryCode } = req.body;
        if (!totpCode && !recoveryCode) {
          const methods = await secondFactorMethods(ctx.db, user.id);
          const how = methods.includes('totp') ? 'send totp_code (or recovery_code)' + (methods.includes('passkey') ? ', or sign in with your passkey' : '') : 'sign in with your passkey';
          throw new DomainError('totp-required', `Two-factor authentication is on: ${how}`, { methods });
        }
        if (!(await verifySecondFactor(ctx, user, { totpCode, recoveryCode }, req.ip))) {
          await recordSecondFactorFailure(ctx, user, req.ip);
          await throttle.failed(req.body.email, req.ip);
          throw new DomainError('totp-required', 'That code is not valid (wrong, already used or expired); try the current one', { methods: await secondFactorMethods(ctx.db, user.id) });
        }
      }
      await recordSignIn(ctx, req.body.email, user, req.ip, recoveryCodeUsed(req.body) ? 'password+recovery-code' : user.twoFactor ? 'password+totp' : 'password');
      await throttle.succeeded(req.body.email, req.ip);
      await establishSession(ctx, req, user, sessionMaxAgeSeconds);
      const csrfToken = reply.generateCsrf();
      return { user: me(user), csrf_token: csrfToken, two_factor_enrolment_required: await enrolmentRequired(ctx, user) };
    },
  );

  app.post(
    '/api/v1/session/passkey/options',
    {
      schema: { tags: ['auth'], summary: 'Options to sign in with a passkey (a one-time challenge, five minutes)', response: { 200: WebAuthnOptionsSchema } },
      config: { anonymous: true, rateLimit: { max: loginRateLimit, timeWindow: 60_000 } },
    },
    async () => passkeySignInOptions(ctx),
  );

  app.post(
    '/api/v1/session/passkey',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a passkey: no password needed (the passkey verifies its user, so it counts as two factors)',
        body: Type.Object({ response: CredentialJson }, { additionalProperties: false }),
        response: { 200: SessionSchema },
      },
      config: { anonymous: true, rateLimit: { max: loginRateLimit, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      // A passkey names no address until it is verified: a failure counts against the client only.
      await throttle.check(null, req.ip);
      const user = await signInWithPasskey(ctx, req.body.response as unknown as AuthenticationResponseJSON, req.ip);
      if (!user) await throttle.failed(null, req.ip);
      if (!user) throw new DomainError('unauthenticated', 'That passkey did not sign you in: it is not registered here, the request expired, or the account is disabled');
      await establishSession(ctx, req, user, sessionMaxAgeSeconds);
      return { user: me(user), csrf_token: reply.generateCsrf(), two_factor_enrolment_required: await enrolmentRequired(ctx, user) };
    },
  );

  app.get('/api/v1/session', { config: { beforeTwoFactor: true }, schema: { tags: ['auth'], summary: 'The signed-in user and a CSRF token for this session', response: { 200: CurrentSessionSchema } } }, async (req, reply) => {
    const user = requireUser(req);
    return { user: me(user), csrf_token: req.authVia === 'session' ? reply.generateCsrf() : null, two_factor_enrolment_required: await enrolmentRequired(ctx, user) };
  });

  app.delete('/api/v1/session', { config: { beforeTwoFactor: true }, schema: { tags: ['auth'], summary: 'Sign out', response: { 204: NoBody('signed out') } } }, async (req, reply) => {
    requireUser(req);
    const sid = req.session.get('sid');
    if (sid) await endSession(ctx.db, sid);
    req.session.delete();
    return reply.status(204).send();
  });

  app.post(
    '/api/v1/users',
    { schema: { tags: ['admin'], summary: 'Create a maintainer account (site admins only)', body: NewUser, response: { 201: SessionUserSchema } } },
    async (req, reply) => {
      const admin = requireSiteAdmin(req);
      const user = await createUser(ctx, { email: req.body.email, name: req.body.name, password: req.body.password, siteAdmin: req.body.site_admin ?? false }, `user:${admin.id}`);
      return reply.status(201).send(me(user));
    },
  );
};
