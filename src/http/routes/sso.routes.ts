import type {} from '@fastify/cookie';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors.ts';
import { SSO_ERRORS, type SsoErrorCode, type SsoSettings } from '../../core/access/sso.ts';
import { OidcRejected, OidcUnreachable, type OidcClient, type OidcFlow } from '../../adapters/oidc/client.ts';
import { invitationByToken } from '../../services/access/invitations.ts';
import { recordSsoFailure, signInWithSso, SsoRefused } from '../../services/access/sso.ts';
import type { ServiceContext } from '../../services/context.ts';
import { establishSession } from '../session-cookie.ts';
import { ErrorResponse, NoBody, Str } from '../../api/schemas.ts';
import { SsoStartedSchema, SsoStatusSchema } from '../../api/schemas/sso.ts';

/**
 * OpenID Connect sign-in (issue 15): GET /api/v1/sso says whether it is configured; /api/v1/sso/start sends the
 * browser to the identity provider; the provider sends it back to /api/v1/sso/callback, which signs in through
 * `establishSession` like every other way in and redirects to /app (a refusal to /app?sso=<code>, whose words the
 * sign-in page shows).
 *
 * The flow's state, nonce and PKCE verifier (and an invitation token carried through the round trip) are kept in
 * a cookie of their own, sealed with the session key: `embargo_sso`, SameSite=Lax, scoped to /api/v1/sso, ten
 * minutes. The session cookie is SameSite=Strict, which a browser does not send on the provider's redirect back
 * from another site, so the flow cannot live in it. The callback clears the flow cookie whatever happens: a
 * callback is used once, and a replayed one finds no flow (and the provider refuses a code used before).
 */

declare module '@fastify/secure-session' {
  interface SessionData {
    /** Only in the `embargo_sso` cookie: the flow between /api/v1/sso/start and the callback. */
    ssoFlow?: OidcFlow & { at: number; invitation: string | null };
  }
}

const FLOW_COOKIE = 'embargo_sso';
const FLOW_PATH = '/api/v1/sso';
const FLOW_SECONDS = 600;

export interface SsoRouteOptions {
  settings: SsoSettings | null;
  client: OidcClient | null;
  rateLimit: number;
  sessionMaxAgeSeconds: number;
  /** Whether cookies get the Secure flag (the public URL is https). */
  secureCookies: boolean;
}

export const ssoRoutes = (ctx: ServiceContext, opts: SsoRouteOptions): FastifyPluginAsyncTypebox => async (app) => {
  const { settings, client } = opts;
  const cookieOptions = { path: FLOW_PATH, httpOnly: true, sameSite: 'lax' as const, secure: opts.secureCookies };
  const limited = { anonymous: true, rateLimit: { max: opts.rateLimit, timeWindow: 60_000 } };

  /** The refusal's words are the sign-in page's: only the code travels. */
  const refused = (reply: FastifyReply, code: SsoErrorCode) => reply.redirect(`/app?sso=${code}`, 303);

  async function begin(reply: FastifyReply, c: OidcClient, invitation: string | null): Promise<string> {
    const { url, flow } = await c.start();
    const sealed = app.encodeSecureSession(app.createSecureSession({ ssoFlow: { ...flow, at: ctx.now().getTime(), invitation } }));
    reply.setCookie(FLOW_COOKIE, sealed, { ...cookieOptions, maxAge: FLOW_SECONDS });
    return url;
  }

  async function unreachable(req: FastifyRequest, c: OidcClient, e: OidcUnreachable): Promise<void> {
    req.log.warn({ issuer: c.issuer, err: e.message }, 'SSO: identity provider unreachable');
    await recordSsoFailure(ctx, { issuer: c.issuer, reason: 'idp-unreachable', ip: req.ip, detail: e.message });
  }

  app.get(
    '/api/v1/sso',
    { config: { anonymous: true }, schema: { tags: ['auth'], summary: 'Whether single sign-on is configured, and the label of its button', response: { 200: SsoStatusSchema } } },
    async () => ({ enabled: settings !== null, label: settings?.label ?? null }),
  );

  app.get(
    '/api/v1/sso/start',
    {
      config: limited,
      schema: { tags: ['auth'], summary: 'Start an OpenID Connect sign-in: redirects to the identity provider (or back to /app?sso=<code>)', response: { 302: NoBody('to the identity provider (Location)'), 303: NoBody('back to the sign-in page with the reason (Location)') } },
    },
    async (req, reply) => {
      if (!client) return refused(reply, 'not-configured');
      try {
        return reply.redirect(await begin(reply, client, null), 302);
      } catch (e) {
        if (!(e instanceof OidcUnreachable)) throw e;
        await unreachable(req, client, e);
        return refused(reply, 'idp-unreachable');
      }
    },
  );

  app.post(
    '/api/v1/sso/start',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Start an OpenID Connect sign-in that also accepts an invitation: answers the URL to send the browser to',
        body: Type.Object({ invitation_token: Type.Optional(Str(200, 10)) }, { additionalProperties: false }),
        response: { 200: SsoStartedSchema, 503: ErrorResponse },
      },
    },
    async (req, reply) => {
      if (!client) throw new DomainError('not_found', SSO_ERRORS['not-configured']);
      const invitation = req.body.invitation_token ?? null;
      // A used or expired invitation is said now, before the round trip.
      if (invitation) await invitationByToken(ctx.db, invitation, ctx.now());
      try {
        return { authorization_url: await begin(reply, client, invitation) };
      } catch (e) {
        if (!(e instanceof OidcUnreachable)) throw e;
        await unreachable(req, client, e);
        return reply.status(503).send({ error: 'idp_unreachable', message: SSO_ERRORS['idp-unreachable'] });
      }
    },
  );

  app.get(
    '/api/v1/sso/callback',
    {
      config: limited,
      schema: { tags: ['auth'], summary: "The identity provider's redirect back: signs in and redirects to /app (or to /app?sso=<code> when refused)", response: { 303: NoBody('to the dashboard, or back to the sign-in page with the reason (Location)') } },
    },
    async (req, reply) => {
      const raw = req.cookies[FLOW_COOKIE];
      // Used once, whatever happens next.
      if (raw !== undefined) reply.clearCookie(FLOW_COOKIE, cookieOptions);
      if (!client || !settings) return refused(reply, 'not-configured');
      const flow = raw ? app.decodeSecureSession(raw, req.log)?.get('ssoFlow') : undefined;
      if (!flow || ctx.now().getTime() - flow.at > FLOW_SECONDS * 1000 || ctx.now().getTime() < flow.at - 60_000) {
        await recordSsoFailure(ctx, { issuer: client.issuer, reason: 'flow-expired', ip: req.ip, detail: raw ? 'the flow cookie is unreadable or too old' : 'no flow cookie' });
        return refused(reply, 'flow-expired');
      }
      const q = req.url.indexOf('?');
      let identity;
      try {
        identity = await client.complete(q < 0 ? '' : req.url.slice(q + 1), flow);
      } catch (e) {
        if (e instanceof OidcUnreachable) {
          await unreachable(req, client, e);
          return refused(reply, 'idp-unreachable');
        }
        if (!(e instanceof OidcRejected)) throw e;
        req.log.info({ issuer: client.issuer, reason: e.reason, err: e.message }, 'SSO: callback refused');
        await recordSsoFailure(ctx, { issuer: client.issuer, reason: e.reason, ip: req.ip, detail: e.message });
        return refused(reply, e.reason);
      }
      let result;
      try {
        result = await signInWithSso(ctx, settings, identity, { ip: req.ip, invitationToken: flow.invitation });
      } catch (e) {
        if (!(e instanceof SsoRefused)) throw e;
        req.log.info({ issuer: client.issuer, reason: e.code }, 'SSO: sign-in refused');
        return refused(reply, e.code);
      }
      await establishSession(ctx, req, result.user, opts.sessionMaxAgeSeconds);
      // The queue, as after accepting an invitation with a password: it lists the project joined.
      return reply.redirect('/app', 303);
    },
  );
};
