import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isDomainError } from '../../core/errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { addReporterMessage, reporterPageOf } from '../../services/reports/index.ts';
import { page } from '../html.ts';
import { readMultipart } from '../multipart.ts';
import { HtmlPage, NoBody, Str, TokenParams } from '../../api/schemas.ts';

/** What a link that opens no report shows: words, not an error code, styled like the public pages. */
const noReport = (): string =>
  page(
    'No report matches this link',
    `<main><h1>No report matches this link</h1>` +
      `<p>Check that you copied the whole link from the mail you received when you sent your report: it ends with a long code.</p>` +
      `<p>If it still does not open, write to the project's security contact and give your tracking ID.</p>` +
      `<p><a href="/">Embargo home</a></p></main>`,
    { stylesheet: '/advisories.css' },
  );

/**
 * The private link of mails sent before the styled page (`/reporter/{token}`) redirects to it
 * (`/p/{slug}/status#{token}`); the reply form of the old page still posts here (works without JavaScript).
 */
export const reporterPageRoutes = (ctx: ServiceContext, limits: { rateLimit: number; rateWindowMs: number }): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/reporter/:token',
    {
      config: { anonymous: true },
      // Any text is accepted here: a mangled link gets the words below, not a validation error.
      schema: { hide: true, params: Type.Object({ token: Type.String({ maxLength: 200 }) }), response: { 302: NoBody('to the reporter page (Location)'), 404: HtmlPage('no report matches this link') } },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        if (!/^[A-Za-z0-9_-]{20,100}$/.test(req.params.token)) throw new Error('not a token');
        return reply.redirect(await reporterPageOf(ctx, req.params.token), 302);
      } catch (e) {
        if (isDomainError(e) && e.code !== 'not_found') throw e;
        return reply.status(404).type('text/html; charset=utf-8').send(noReport());
      }
    },
  );

  app.post(
    '/reporter/:token',
    {
      schema: { hide: true, params: TokenParams, body: Type.Object({ body: Str(100_000, 1) }), response: { 303: NoBody('back to the page (Location)') } },
      config: { anonymous: true, rateLimit: { max: limits.rateLimit * 3, timeWindow: limits.rateWindowMs } },
      preValidation: async (req) => {
        req.uploadedFiles = [];
        if (req.isMultipart()) await readMultipart(req, 'attachments');
      },
    },
    async (req, reply) => {
      await addReporterMessage(ctx, req.params.token, req.body.body, req.uploadedFiles);
      return reply.redirect(`/reporter/${req.params.token}`, 303);
    },
  );
};
