import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SUBSCRIBER_STATES, type SubscriberState } from '../../core/recognition/mailing-list.ts';
import { DomainError, isDomainError } from '../../core/errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { confirmLinkState, confirmSubscription, listSubscribers, subscribe, unsubscribe, unsubscribeLinkValid } from '../../services/recognition/mailing-list.ts';
import { findProject, type ProjectRecord } from '../../services/projects/projects.ts';
import { actorLabel } from '../auth.ts';
import { advisoryListPath } from '../advisory-pages.ts';
import { escapeHtml } from '../html.ts';
import { publicPage } from '../public-page.ts';
import { HtmlPage, Slug, SlugParams, Str } from '../../api/schemas.ts';
import { SubscriberListSchema, SubscriptionPendingSchema } from '../../api/schemas/recognition.ts';
import { presentSubscriber } from '../../api/present-recognition.ts';

const TokenLinkParams = Type.Object({ slug: Slug, token: Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) });

/** Said for every well-formed address, subscribed or not: the answer never tells who is on the list. */
const PENDING_MESSAGE = 'If this address can receive mail, a confirmation link is on its way. Nothing is sent to it until the link is used.';

const listPath = (slug: string) => `/projects/${encodeURIComponent(slug)}/mailing-list`;
const subscribePath = (slug: string) => `/projects/${encodeURIComponent(slug)}/advisories/subscribe`;

const form = (project: ProjectRecord, error: string | null) =>
  `<form method="post" action="${escapeHtml(subscribePath(project.slug))}">` +
  (error ? `<p role="alert">${escapeHtml(error)}</p>` : '') +
  `<label>E-mail address <input type="email" name="email" required maxlength="254" autocomplete="email"></label> ` +
  `<button type="submit">Subscribe</button></form>`;

const html = (reply: FastifyReply, status: number, title: string, project: ProjectRecord, body: string) =>
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      publicPage({
        title: `${title} · ${project.name}`,
        project,
        current: listPath(project.slug),
        body: `<h1>${escapeHtml(title)}</h1>\n${body}\n<p><a href="${escapeHtml(advisoryListPath(project.slug))}">${escapeHtml(project.name)} security advisories</a></p>`,
      }),
    );

/** Every page of the list answers with this (200; 4xx pages with the same layout say what went wrong). */
const Page = { 200: HtmlPage('an HTML page') } as const;

const wantsJson = (req: FastifyRequest) => (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');

/**
 * The advisory mailing list: a form page, subscription (HTML form or JSON, rate-limited per client), the
 * confirmation and unsubscribe links (a GET page with a button, and the POST that acts: one-click per RFC 8058,
 * no login, no CSRF token — the token in the path is the credential) and the admins' subscriber list.
 */
export const mailingListRoutes = (ctx: ServiceContext, opts: { subscribeRateLimit: number }): FastifyPluginAsyncTypebox => async (app) => {
  // HTML forms post application/x-www-form-urlencoded; only the routes of this plugin parse it.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
  }

  app.get('/projects/:slug/mailing-list', { config: { anonymous: true }, schema: { hide: true, params: SlugParams, response: Page } }, async (req, reply) => {
    const project = req.project;
    return html(reply, 200, 'Security advisories by mail', project, `<p>Get each ${escapeHtml(project.name)} security advisory by e-mail when it is published. We send a confirmation link first; every mail has a one-click unsubscribe link.</p>\n${form(project, null)}`);
  });

  app.post(
    '/projects/:slug/advisories/subscribe',
    {
      config: { anonymous: true, rateLimit: { max: opts.subscribeRateLimit, timeWindow: 3600_000 } },
      schema: {
        tags: ['mailing-list'],
        summary: 'Subscribe an address to the advisories (public; JSON → 202, HTML form → page). A confirmation mail is sent; the answer is the same whether or not the address is already on the list',
        params: SlugParams,
        body: Type.Object({ email: Str(1000) }),
        response: { 200: HtmlPage('HTML form: the page saying a confirmation mail is on its way'), 202: SubscriptionPendingSchema },
      },
    },
    async (req, reply) => {
      if (wantsJson(req)) {
        await subscribe(ctx, req.params.slug, req.body.email);
        return reply.status(202).send({ status: 'confirmation-sent' as const, message: PENDING_MESSAGE });
      }
      const project = req.project;
      try {
        await subscribe(ctx, req.params.slug, req.body.email);
      } catch (e) {
        if (isDomainError(e) && e.code === 'validation') return html(reply, 400, 'Security advisories by mail', project, form(project, 'That is not an e-mail address.'));
        throw e;
      }
      return html(reply, 200, 'Check your inbox', project, `<p>${escapeHtml(PENDING_MESSAGE)}</p>`);
    },
  );

  app.get('/projects/:slug/mailing-list/confirm/:token', { config: { anonymous: true, project: false }, schema: { hide: true, params: TokenLinkParams, response: Page } }, async (req, reply) => {
    const { project, outcome } = await confirmLinkState(ctx, req.params.slug, req.params.token);
    if (outcome === 'invalid') return html(reply, 404, 'Link not valid', project, '<p>This confirmation link is not valid or was already used.</p>');
    if (outcome === 'expired') return html(reply, 410, 'Link expired', project, `<p>This confirmation link has expired. <a href="${escapeHtml(listPath(project.slug))}">Subscribe again</a>.</p>`);
    // A button, not an automatic confirmation: link scanners in mail systems open every link they see.
    return html(
      reply,
      200,
      'Confirm your subscription',
      project,
      `<form method="post" action="${escapeHtml(`${listPath(project.slug)}/confirm/${req.params.token}`)}"><button type="submit">Confirm: send me ${escapeHtml(project.name)} security advisories</button></form>`,
    );
  });

  app.post('/projects/:slug/mailing-list/confirm/:token', { config: { anonymous: true, project: false }, schema: { hide: true, params: TokenLinkParams, response: Page } }, async (req, reply) => {
    const { project, outcome } = await confirmSubscription(ctx, req.params.slug, req.params.token);
    if (outcome === 'invalid') return html(reply, 404, 'Link not valid', project, '<p>This confirmation link is not valid or was already used.</p>');
    if (outcome === 'expired') return html(reply, 410, 'Link expired', project, `<p>This confirmation link has expired. <a href="${escapeHtml(listPath(project.slug))}">Subscribe again</a>.</p>`);
    return html(reply, 200, 'Subscribed', project, `<p>You will receive each ${escapeHtml(project.name)} security advisory when it is published. Every mail has a link to unsubscribe.</p>`);
  });

  app.get('/projects/:slug/mailing-list/unsubscribe/:token', { config: { anonymous: true, project: false }, schema: { hide: true, params: TokenLinkParams, response: Page } }, async (req, reply) => {
    const project = await findProject(ctx.db, req.params.slug);
    if (!project) throw new DomainError('not_found', `No project "${req.params.slug}"`);
    try {
      await unsubscribeLinkValid(ctx, req.params.slug, req.params.token);
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return html(reply, 404, 'Link not valid', project, '<p>This unsubscribe link is not valid.</p>');
      throw e;
    }
    return html(
      reply,
      200,
      'Unsubscribe',
      project,
      `<form method="post" action="${escapeHtml(`${listPath(project.slug)}/unsubscribe/${req.params.token}`)}"><button type="submit">Stop sending me ${escapeHtml(project.name)} security advisories</button></form>`,
    );
  });

  // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` here, without cookies; the body is not needed.
  app.post('/projects/:slug/mailing-list/unsubscribe/:token', { config: { anonymous: true, project: false }, schema: { hide: true, params: TokenLinkParams, response: Page } }, async (req, reply) => {
    const { project, outcome } = await unsubscribe(ctx, req.params.slug, req.params.token);
    if (outcome !== 'done') return html(reply, 404, 'Link not valid', project, '<p>This unsubscribe link is not valid.</p>');
    return html(reply, 200, 'Unsubscribed', project, `<p>You will receive no more ${escapeHtml(project.name)} security advisories. <a href="${escapeHtml(listPath(project.slug))}">Subscribe again</a> any time.</p>`);
  });

  app.get(
    '/api/v1/projects/:slug/subscribers',
    {
      schema: {
        tags: ['mailing-list'],
        summary: 'The advisory mailing list: addresses and their state (admins; each read is audited)',
        params: SlugParams,
        querystring: Type.Object({ state: Type.Optional(Type.String({ description: `comma-separated: ${SUBSCRIBER_STATES.join(', ')}` })) }),
        response: { 200: SubscriberListSchema },
      },
    },
    async (req) => {
      const p = req.project;
      const actor = req.actor;
      const states = req.query.state?.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = states?.filter((s) => !(SUBSCRIBER_STATES as readonly string[]).includes(s));
      if (bad?.length) throw DomainError.validation([{ field: 'state', message: `unknown state(s) ${bad.join(', ')}; one of ${SUBSCRIBER_STATES.join(', ')}` }]);
      const list = await listSubscribers(ctx, p, actor, actorLabel(req), states ? { state: states as SubscriberState[] } : {});
      const counts = { pending: 0, confirmed: 0, unsubscribed: 0 };
      for (const s of list) counts[s.state] += 1;
      return {
        subscribers: list.map(presentSubscriber),
        counts,
      };
    },
  );
};
