import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  confirmTotp,
  disableTotp,
  regenerateRecoveryCodes,
  resetTwoFactor,
  setSiteRequiresTwoFactor,
  siteRequiresTwoFactor,
  startTotpEnrolment,
  twoFactorStatus,
} from '../../services/access/two-factor.ts';
import { addPasskey, listPasskeys, passkeyRegistrationOptions, removePasskey } from '../../services/access/passkeys.ts';
import type { RegistrationResponseJSON } from '../../adapters/crypto/webauthn.ts';
import type { ServiceContext } from '../../services/context.ts';
import { actorLabel, requireSession, requireSiteAdmin, requireUser } from '../auth.ts';
import { NoBody, Str } from '../../api/schemas.ts';
import { CredentialJson, PasskeyListSchema, PasskeySchema, RecoveryCodesSchema, SiteSettingsSchema, TotpEnrolmentSchema, TwoFactorStatusSchema, WebAuthnOptionsSchema } from '../../api/schemas/access.ts';
import { presentPasskey, presentTwoFactorStatus } from '../../api/present-access.ts';

const Password = Type.Object({ password: Str(1024, 1) }, { additionalProperties: false });
/** Open to a user who still has to enrol (see `beforeTwoFactor`), rate-limited like sign-in (codes and passwords are guessed here). */
const enrolment = (rateLimit: number) => ({ beforeTwoFactor: true, rateLimit: { max: rateLimit, timeWindow: 60_000 } });

/** Two-factor authentication: authenticator app (TOTP), recovery codes, passkeys; the site's "require it" switch. */
export const twoFactorRoutes = (ctx: ServiceContext, rateLimit: number): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/me/two-factor',
    { config: { beforeTwoFactor: true }, schema: { tags: ['auth'], summary: 'Your second factors, and whether the site or a project requires one', response: { 200: TwoFactorStatusSchema } } },
    async (req) => presentTwoFactorStatus(await twoFactorStatus(ctx, requireUser(req))),
  );

  app.post(
    '/api/v1/me/totp',
    {
      config: enrolment(rateLimit),
      schema: { tags: ['auth'], summary: 'Start enrolling an authenticator app: a new secret and its otpauth URI (nothing changes until confirmed)', response: { 200: TotpEnrolmentSchema } },
    },
    async (req) => {
      const { secret, uri } = await startTotpEnrolment(ctx, requireSession(req, 'enrol a second factor'));
      return { secret, otpauth_uri: uri };
    },
  );

  app.post(
    '/api/v1/me/totp/confirm',
    {
      config: enrolment(rateLimit),
      schema: {
        tags: ['auth'],
        summary: 'Confirm the app with its current code; turns two-factor on and answers 10 single-use recovery codes (shown once)',
        body: Type.Object({ code: Str(12, 6) }, { additionalProperties: false }),
        response: { 200: RecoveryCodesSchema },
      },
    },
    async (req) => ({ recovery_codes: await confirmTotp(ctx, requireSession(req, 'enrol a second factor'), req.body.code) }),
  );

  app.post(
    '/api/v1/me/totp/disable',
    { config: enrolment(rateLimit), schema: { tags: ['auth'], summary: 'Turn the authenticator app off (password required); the recovery codes go with it', body: Password, response: { 204: NoBody('off') } } },
    async (req, reply) => {
      const user = requireSession(req, 'turn a second factor off');
      await disableTotp(ctx, user, req.body.password, actorLabel(req));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/me/recovery-codes',
    { config: enrolment(rateLimit), schema: { tags: ['auth'], summary: 'New recovery codes (password required); the old ones stop working', body: Password, response: { 200: RecoveryCodesSchema } } },
    async (req) => ({ recovery_codes: await regenerateRecoveryCodes(ctx, requireSession(req, 'make recovery codes'), req.body.password) }),
  );

  app.get(
    '/api/v1/me/passkeys',
    { config: { beforeTwoFactor: true }, schema: { tags: ['auth'], summary: 'Your passkeys', response: { 200: PasskeyListSchema } } },
    async (req) => ({ passkeys: (await listPasskeys(ctx, requireUser(req))).map(presentPasskey) }),
  );

  app.post(
    '/api/v1/me/passkeys/options',
    { config: enrolment(rateLimit), schema: { tags: ['auth'], summary: 'Options to create a passkey in the browser (a one-time challenge, five minutes)', response: { 200: WebAuthnOptionsSchema } } },
    async (req) => passkeyRegistrationOptions(ctx, requireSession(req, 'add passkeys')),
  );

  app.post(
    '/api/v1/me/passkeys',
    {
      config: enrolment(rateLimit),
      schema: {
        tags: ['auth'],
        summary: "Add the passkey the browser created (its answer to the options' challenge)",
        body: Type.Object({ name: Str(100, 1), response: CredentialJson }, { additionalProperties: false }),
        response: { 201: PasskeySchema },
      },
    },
    async (req, reply) => {
      const user = requireSession(req, 'add passkeys');
      const added = await addPasskey(ctx, user, { name: req.body.name, response: req.body.response as unknown as RegistrationResponseJSON });
      return reply.status(201).send(presentPasskey(added));
    },
  );

  app.delete(
    '/api/v1/me/passkeys/:id',
    {
      config: enrolment(rateLimit),
      schema: { tags: ['auth'], summary: 'Remove one of your passkeys (password required)', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: Password, response: { 204: NoBody('removed') } },
    },
    async (req, reply) => {
      await removePasskey(ctx, requireSession(req, 'remove passkeys'), req.params.id, req.body.password);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/v1/users/:id/two-factor',
    {
      schema: {
        tags: ['admin'],
        summary: "Remove a user's second factors (lost device and codes; site admins); they sign in with the password and enrol again",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: NoBody('removed') },
      },
    },
    async (req, reply) => {
      await resetTwoFactor(ctx, requireSiteAdmin(req), req.params.id);
      return reply.status(204).send();
    },
  );

  app.get('/api/v1/site-settings', { schema: { tags: ['admin'], summary: 'Site-wide settings (site admins)', response: { 200: SiteSettingsSchema } } }, async (req) => {
    requireSiteAdmin(req);
    return { require_two_factor: await siteRequiresTwoFactor(ctx.db) };
  });

  app.put(
    '/api/v1/site-settings',
    {
      schema: {
        tags: ['admin'],
        summary: 'Change site-wide settings (site admins): require_two_factor asks every user for a second factor',
        body: Type.Object({ require_two_factor: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: SiteSettingsSchema },
      },
    },
    async (req) => {
      await setSiteRequiresTwoFactor(ctx, requireSiteAdmin(req), req.body.require_two_factor);
      return { require_two_factor: await siteRequiresTwoFactor(ctx.db) };
    },
  );
};
