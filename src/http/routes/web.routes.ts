import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { page } from '../html.ts';
import { DEFAULT_WEB_ROOT } from '../public-page.ts';
import { HtmlPage, SlugParams } from '../../api/schemas.ts';
import { IntakeLimitsSchema } from '../../api/schemas/projects.ts';

export { DEFAULT_WEB_ROOT };

export interface WebOptions {
  /** The built UI (index.html + assets/); defaults to dist/web of this checkout. */
  root?: string;
  maxAttachmentBytes: number;
  maxAttachments: number;
}

const NOT_BUILT = page(
  'Embargo: web UI not built',
  '<main><h1>The web UI has not been built</h1>' +
    '<p>This server has no UI bundle in <code>dist/web/</code>. Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it first) and reload.</p>' +
    '<p>The API works without it: see <a href="/api/docs">/api/docs</a>.</p></main>',
);

/**
 * Serves the single-page UI: the hashed files of `assets/` with a year-long immutable cache, and index.html
 * (never cached, so a new build is picked up at once) for every UI path. UI paths are `/`, `/p/:slug[/...]`
 * (public pages of a project) and `/app[/...]` (maintainers); nothing here shadows `/api/*`, `/reporter/*`,
 * `/projects/*` or `/.well-known/*`. Without a build, UI paths answer 503 with how to build it.
 */
export const webRoutes = (opts: WebOptions): FastifyPluginAsyncTypebox => async (app) => {
  const root = opts.root ?? DEFAULT_WEB_ROOT;
  const indexFile = join(root, 'index.html');
  // Read once when present; a missing build is looked for again on each request, so building later needs no restart.
  let indexHtml: string | null = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;

  // Assets are public and need no caller: skip the session lookup (a database read) for every file.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/assets/')) route.config = { ...(route.config ?? {}), anonymous: true };
  });
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    wildcard: true,
    index: false,
    decorateReply: false,
    serveDotFiles: false,
    // File names carry a content hash: a changed file gets a new name, so caching one name forever is safe.
    immutable: true,
    maxAge: 365 * 24 * 3600 * 1000,
    etag: true,
    lastModified: false,
    schemaHide: true,
  });

  const sendIndex = (reply: FastifyReply) => {
    if (indexHtml === null && existsSync(indexFile)) indexHtml = readFileSync(indexFile, 'utf8');
    if (indexHtml === null) return reply.status(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  };
  const Shell = { 200: HtmlPage('the web UI (index.html), which routes this path in the browser') };
  const ui = { config: { anonymous: true, project: false }, schema: { hide: true, response: Shell } } as const;

  app.get('/', ui, async (_req, reply) => sendIndex(reply));
  app.get('/app', ui, async (_req, reply) => sendIndex(reply));
  app.get('/app/*', ui, async (_req, reply) => sendIndex(reply));
  app.get('/p/:slug', { ...ui, schema: { hide: true, params: SlugParams, response: Shell } }, async (_req, reply) => sendIndex(reply));
  app.get('/p/:slug/*', { ...ui, schema: { hide: true, params: Type.Object({ slug: SlugParams.properties.slug, '*': Type.String() }), response: Shell } }, async (_req, reply) => sendIndex(reply));

  app.get(
    '/api/v1/intake/limits',
    {
      config: { anonymous: true },
      schema: {
        tags: ['intake'],
        summary: 'Attachment limits of report intake and reporter messages (for forms to check files before upload)',
        response: { 200: IntakeLimitsSchema },
      },
    },
    async () => ({ max_attachment_bytes: opts.maxAttachmentBytes, max_attachments: opts.maxAttachments }),
  );
};
