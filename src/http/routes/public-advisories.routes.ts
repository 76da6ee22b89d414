import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../core/errors.ts';
import { checkedExport, csafFileName, csafVexTrackingId, exportAdvisory, exportUrl, partyStatementsOf } from '../../services/advisories/exports.ts';
import { listPublicAdvisories, publicProject, readPublicAdvisory } from '../../services/advisories/publishing.ts';
import type { ServiceContext } from '../../services/context.ts';
import { ADVISORY_CSS, advisoryListPath, advisoryPath, renderAdvisoryList, renderAdvisoryPage, renderAtomFeed } from '../advisory-pages.ts';
import { Document, HtmlPage, JsonDocument, Slug } from '../../api/schemas.ts';
import { AdvisoryId } from './advisories.routes.ts';

const PageParams = Type.Object({ slug: Slug, id: AdvisoryId });

/** Public pages change when an advisory is amended or withdrawn: caches may keep them a few minutes only. */
const PUBLIC_CACHE = 'public, max-age=300';

/**
 * The public face of published advisories: list, page, Atom feed and the OSV/CVE JSON of each. Only
 * published, amended and withdrawn advisories exist here; anything else is 404, like an unknown id.
 */
export const publicAdvisoryRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/advisories.css', { config: { anonymous: true }, schema: { hide: true, response: { 200: Document('text/css', 'the style sheet of the public advisory pages') } } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', PUBLIC_CACHE).send(ADVISORY_CSS),
  );

  app.get('/projects/:slug/advisories', { config: { anonymous: true, project: false }, schema: { hide: true, params: Type.Object({ slug: Slug }), response: { 200: HtmlPage('the list of published advisories') } } }, async (req, reply) => {
    const project = await publicProject(ctx, req.params.slug);
    const advisories = await listPublicAdvisories(ctx, project);
    const html = renderAdvisoryList(project, advisories, `${advisoryListPath(project.slug)}.atom`);
    return reply.type('text/html; charset=utf-8').header('cache-control', PUBLIC_CACHE).send(html);
  });

  app.get(
    '/projects/:slug/advisories.atom',
    { config: { anonymous: true, project: false }, schema: { hide: true, params: Type.Object({ slug: Slug }), response: { 200: Document('application/atom+xml', 'Atom feed of the published advisories') } } },
    async (req, reply) => {
      const project = await publicProject(ctx, req.params.slug);
      const advisories = await listPublicAdvisories(ctx, project);
      const feed = renderAtomFeed(project, advisories, ctx.publicUrl, `${project.updatedAt.toISOString().slice(0, 19)}Z`);
      return reply.type('application/atom+xml; charset=utf-8').header('cache-control', PUBLIC_CACHE).send(feed);
    },
  );

  app.get('/projects/:slug/advisories/:id', { config: { anonymous: true, project: false }, schema: { hide: true, params: PageParams, response: { 200: HtmlPage('the advisory page') } } }, async (req, reply) => {
    const project = await publicProject(ctx, req.params.slug);
    const a = await readPublicAdvisory(ctx, project, req.params.id);
    const html = renderAdvisoryPage(project, a, {
      page: advisoryPath(project.slug, a.id),
      list: advisoryListPath(project.slug),
      feed: `${advisoryListPath(project.slug)}.atom`,
      osv: `${advisoryPath(project.slug, a.id)}/osv.json`,
      cve: ctx.cna ? `${advisoryPath(project.slug, a.id)}/cve.json` : null,
      csaf: new URL(exportUrl(ctx.publicUrl, project.slug, a, 'csaf')).pathname,
      openvex: `${advisoryPath(project.slug, a.id)}/openvex.json`,
      csafVex: `${advisoryPath(project.slug, a.id)}/${csafFileName(csafVexTrackingId(a))}`,
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', PUBLIC_CACHE).send(html);
  });

  for (const format of ['osv', 'cve', 'openvex'] as const) {
    const document = JsonDocument(format === 'osv' ? 'the OSV record' : format === 'cve' ? 'the CVE JSON 5 record' : 'the OpenVEX 0.2.0 document: the project’s and the parties’ statuses');
    app.get(`/projects/:slug/advisories/:id/${format}.json`, { config: { anonymous: true, project: false }, schema: { hide: true, params: PageParams, response: { 200: document } } }, async (req, reply) => {
      const project = await publicProject(ctx, req.params.slug);
      const a = await readPublicAdvisory(ctx, project, req.params.id);
      if (format === 'cve' && !ctx.cna) throw new DomainError('not_found', 'This server publishes no CVE records (EMBARGO_CVE_ORG_ID is not set)');
      const out = await checkedExport(ctx, project, a, format, {}, format === 'openvex' ? await partyStatementsOf(ctx, project, a) : []);
      return reply.type(out.contentType).header('cache-control', PUBLIC_CACHE).header('access-control-allow-origin', '*').send(JSON.stringify(out.document, null, 2));
    });
  }

  // The CSAF VEX document (issue 19), under the file name its tracking id gives it (CSAF 5.1, optional test 6.2.11).
  app.get(
    '/projects/:slug/advisories/:id/:file',
    { config: { anonymous: true, project: false }, schema: { hide: true, params: Type.Object({ slug: Slug, id: AdvisoryId, file: Type.String({ maxLength: 200 }) }), response: { 200: JsonDocument('the CSAF 2.0 VEX document') } } },
    async (req, reply) => {
      const project = await publicProject(ctx, req.params.slug);
      const a = await readPublicAdvisory(ctx, project, req.params.id);
      if (req.params.file !== csafFileName(csafVexTrackingId(a))) throw new DomainError('not_found', 'No such document');
      const out = exportAdvisory(ctx, project, a, 'csaf-vex', {}, await partyStatementsOf(ctx, project, a));
      return reply.type(out.contentType).header('cache-control', PUBLIC_CACHE).header('access-control-allow-origin', '*').send(JSON.stringify(out.document, null, 2));
    },
  );
};
