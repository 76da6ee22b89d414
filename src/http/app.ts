import Fastify, { type FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import helmet from '@fastify/helmet';
import secureSession from '@fastify/secure-session';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ServiceContext } from '../services/context.ts';
import { registerAuth } from './auth.ts';
import { registerErrorMapping } from './error-map.ts';
import { registerInputGuards } from './input-guards.ts';
import { lazySchemaCompilers } from './lazy-schemas.ts';
import { redactUrl } from './redact.ts';
import { registerUploadDecorator } from './multipart.ts';
import { oversightRoutes } from './routes/oversight.routes.ts';
import { operationsRoutes } from './routes/operations.routes.ts';
import { projectRoutes } from './routes/projects.routes.ts';
import { reporterRoutes } from './routes/reporter.routes.ts';
import { reporterPageRoutes } from './routes/reporter-page.routes.ts';
import { reportRoutes } from './routes/reports.routes.ts';
import { reviewRoutes } from './routes/review.routes.ts';
import { sessionRoutes } from './routes/session.routes.ts';
import { invitationRoutes } from './routes/invitations.routes.ts';
import { accessRoutes } from './routes/access.routes.ts';
import { twoFactorRoutes } from './routes/two-factor.routes.ts';
import { cvssRoutes } from './routes/cvss.routes.ts';
import { scanRoutes } from './routes/scans.routes.ts';
import { keyRoutes } from './routes/keys.routes.ts';
import { quarantineRoutes } from './routes/quarantine.routes.ts';
import { outboxRoutes } from './routes/outbox.routes.ts';
import { webhookRoutes } from './routes/webhooks.routes.ts';
import { cveRoutes } from './routes/cve.routes.ts';
import { craRoutes } from './routes/cra.routes.ts';
import { ghsaRoutes } from './routes/ghsa.routes.ts';
import { notificationRoutes } from './routes/notifications.routes.ts';
import { advisoryRoutes } from './routes/advisories.routes.ts';
import { publicAdvisoryRoutes } from './routes/public-advisories.routes.ts';
import { csafRoutes } from './routes/csaf.routes.ts';
import { webRoutes } from './routes/web.routes.ts';
import { bountyRoutes } from './routes/bounty.routes.ts';
import { hallOfFameRoutes } from './routes/hall-of-fame.routes.ts';
import { mailingListRoutes } from './routes/mailing-list.routes.ts';
import { dashboardRoutes } from './routes/dashboard.routes.ts';
import { ssoRoutes } from './routes/sso.routes.ts';
import { coordinationRoutes } from './routes/coordination.routes.ts';
import { retentionRoutes } from './routes/retention.routes.ts';
import { healthRoutes, type JobsStateProbe } from './routes/health.routes.ts';
import { registerMetricsRoute, registerRequestMetrics, type Metrics } from './metrics-routes.ts';
import { randomUUID } from 'node:crypto';
import { createOidcClient } from '../adapters/oidc/client.ts';
import type { SsoSettings } from '../core/access/sso.ts';

export interface HttpOptions {
  sessionSecret: Buffer;
  sessionMaxAgeSeconds: number;
  maxAttachmentBytes: number;
  maxAttachments: number;
  intakeRateLimit: number;
  intakeRateWindowMs: number;
  loginRateLimit: number;
  trustProxy: false | number | string;
  logLevel: string;
  /** `false` silences request logs (tests, benchmarks). */
  logger?: boolean;
  /** Advisory mailing-list subscription attempts per client per hour (EMBARGO_SUBSCRIBE_RATE_LIMIT). */
  subscribeRateLimit?: number;
  /** OpenID Connect sign-in (EMBARGO_OIDC_*); null or absent: no SSO. */
  oidc?: SsoSettings | null;
  /** Prometheus counters of this process (http/metrics.ts); absent: none kept. */
  metrics?: Metrics;
  /** EMBARGO_METRICS_TOKEN: serves /metrics on this app behind `Authorization: Bearer <token>`; null: not here. */
  metricsToken?: string | null;
  /** The jobs' state for /readyz (jobs/runner.ts); absent: reported as off. */
  jobsState?: JobsStateProbe;
}

/** A proxy's X-Request-Id is kept when it looks like an id (no log injection); otherwise a new UUID. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export { redactUrl } from './redact.ts';

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export async function buildApp(ctx: ServiceContext, opts: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // A hop count trusts that many proxies nearest to us whatever their address (Fastify itself reads a number as
    // trusting none), the proxies' addresses trust only those; never every hop (see parseTrustProxy).
    trustProxy: typeof opts.trustProxy === 'number' ? trustHops(opts.trustProxy) : opts.trustProxy,
    // Every log line of a request carries its id (reqId), answered in X-Request-Id so a report of trouble can name it.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 2 * 1024 * 1024,
    logger:
      opts.logger === false
        ? false
        : {
            level: opts.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            serializers: {
              req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
            },
          },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
    // Each route's validator and serializer compile on its first request, not at start-up (lazy-schemas.ts).
    schemaController: { compilersFactory: lazySchemaCompilers() },
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorMapping(app);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  if (opts.metrics) registerRequestMetrics(app, opts.metrics);
  registerUploadDecorator(app);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(secureSession, {
    key: opts.sessionSecret.subarray(0, 32),
    cookieName: 'embargo_session',
    cookie: { path: '/', httpOnly: true, sameSite: 'strict', secure: ctx.publicUrl.startsWith('https:'), maxAge: opts.sessionMaxAgeSeconds },
  });
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session', getToken: (req) => req.headers['x-csrf-token'] as string | undefined });
  await app.register(rateLimit, { global: false });
  await app.register(multipart, {
    limits: { fileSize: opts.maxAttachmentBytes, files: opts.maxAttachments, fields: 40, fieldSize: 200_000, parts: opts.maxAttachments + 40 },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Embargo API', version: '1', description: 'Coordinated vulnerability disclosure: intake, triage, SLA clocks, audit.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token from POST /api/v1/tokens' },
          session: { type: 'apiKey', in: 'cookie', name: 'embargo_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  // The docs UI gets the same no-third-party rule as everything else: no validator badge, no remote fonts or styles.
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { validatorUrl: null },
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/ validator\.swagger\.io/g, '').replace(/ https:/g, '').replace(/ upgrade-insecure-requests;/, ''),
  });
  app.get(
    '/api/openapi.json',
    { schema: { hide: true, response: { 200: Type.Object({}, { additionalProperties: true, description: 'this OpenAPI document' }) } } },
    async () => app.swagger(),
  );

  registerInputGuards(app);
  registerAuth(app, ctx, opts.sessionMaxAgeSeconds);
  const limits = { rateLimit: opts.intakeRateLimit, rateWindowMs: opts.intakeRateWindowMs };
  await app.register(sessionRoutes(ctx, opts.loginRateLimit, opts.sessionMaxAgeSeconds));
  await app.register(invitationRoutes(ctx, opts.loginRateLimit, opts.sessionMaxAgeSeconds));
  await app.register(
    ssoRoutes(ctx, {
      settings: opts.oidc ?? null,
      // The redirect URI to register at the identity provider: the public URL's /api/v1/sso/callback.
      client: opts.oidc ? createOidcClient(opts.oidc, `${ctx.publicUrl}/api/v1/sso/callback`) : null,
      rateLimit: opts.loginRateLimit,
      sessionMaxAgeSeconds: opts.sessionMaxAgeSeconds,
      secureCookies: ctx.publicUrl.startsWith('https:'),
    }),
  );
  await app.register(accessRoutes(ctx, opts.loginRateLimit));
  await app.register(twoFactorRoutes(ctx, opts.loginRateLimit));
  await app.register(projectRoutes(ctx));
  await app.register(reportRoutes(ctx, limits));
  await app.register(reviewRoutes(ctx));
  await app.register(coordinationRoutes(ctx, opts.loginRateLimit, opts.sessionMaxAgeSeconds));
  await app.register(reporterRoutes(ctx, limits));
  await app.register(reporterPageRoutes(ctx, limits));
  await app.register(oversightRoutes(ctx));
  await app.register(operationsRoutes(ctx));
  await app.register(cvssRoutes);
  await app.register(scanRoutes(ctx));
  await app.register(keyRoutes(ctx));
  await app.register(quarantineRoutes(ctx, { maxAttachments: opts.maxAttachments, maxAttachmentBytes: opts.maxAttachmentBytes }));
  await app.register(outboxRoutes(ctx));
  await app.register(webhookRoutes(ctx));
  await app.register(cveRoutes(ctx));
  await app.register(craRoutes(ctx));
  await app.register(ghsaRoutes(ctx));
  await app.register(notificationRoutes(ctx));
  await app.register(advisoryRoutes(ctx));
  await app.register(publicAdvisoryRoutes(ctx));
  await app.register(csafRoutes(ctx));
  await app.register(webRoutes({ maxAttachmentBytes: opts.maxAttachmentBytes, maxAttachments: opts.maxAttachments }));
  await app.register(bountyRoutes(ctx));
  await app.register(hallOfFameRoutes(ctx));
  await app.register(mailingListRoutes(ctx, { subscribeRateLimit: opts.subscribeRateLimit ?? 10 }));
  await app.register(dashboardRoutes(ctx));
  await app.register(retentionRoutes(ctx));
  await app.register(healthRoutes(ctx, opts.jobsState ?? (() => ({ state: 'off', stalled: [] }))));
  if (opts.metrics && opts.metricsToken) registerMetricsRoute(app, opts.metrics, opts.metricsToken);
  return app;
}
