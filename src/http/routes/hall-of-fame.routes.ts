import { presentHallOfFame } from '../../api/present-recognition.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HallOfFame } from '../../core/recognition/hall-of-fame.ts';
import type { ServiceContext } from '../../services/context.ts';
import { readHallOfFame } from '../../services/recognition/hall-of-fame.ts';
import type { ProjectRecord } from '../../services/projects/projects.ts';
import { advisoryListPath, advisoryPath } from '../advisory-pages.ts';
import { escapeHtml } from '../html.ts';
import { publicPage } from '../public-page.ts';
import { HtmlPage, SlugParams } from '../../api/schemas.ts';
import { HallOfFameSchema } from '../../api/schemas/recognition.ts';

/** Changes only when an advisory is published, amended or withdrawn. */
const PUBLIC_CACHE = 'public, max-age=300';

const day = (iso: string) => iso.slice(0, 10);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function renderHallOfFame(project: ProjectRecord, hof: HallOfFame): string {
  const name = escapeHtml(project.name);
  const entries = hof.entries
    .map((e) => {
      const advisories = e.advisories
        .map((a) => `<li><a href="${escapeHtml(advisoryPath(project.slug, a.publicId))}">${escapeHtml(a.publicId)}</a>: ${escapeHtml(a.title)} <time datetime="${escapeHtml(a.publishedAt)}">${day(a.publishedAt)}</time></li>\n`)
        .join('');
      return (
        `<li><h2>${escapeHtml(e.name)}</h2>` +
        `<p>${plural(e.advisories.length, 'advisory', 'advisories')}, first credited <time datetime="${escapeHtml(e.firstCreditedAt)}">${day(e.firstCreditedAt)}</time></p>` +
        `<ul>\n${advisories}</ul></li>\n`
      );
    })
    .join('');
  const policyText = project.policy.recognition.text ? `<p>${escapeHtml(project.policy.recognition.text)}</p>\n` : '';
  const anonymous = hof.anonymousCredits
    ? `<p>With thanks also to ${plural(hof.anonymousCredits, 'reporter', 'reporters')} who chose not to be named.</p>\n`
    : '';
  return publicPage({
    title: `Hall of Fame · ${project.name}`,
    project,
    current: `/projects/${encodeURIComponent(project.slug)}/hall-of-fame`,
    body:
      `<h1>${name} Hall of Fame</h1>\n${policyText}` +
      `<p>Security researchers credited in <a href="${escapeHtml(advisoryListPath(project.slug))}">${name}'s published security advisories</a>, most advisories first.</p>\n` +
      (entries ? `<ol class="hall-of-fame">\n${entries}</ol>\n` : '<p>No published advisory credits a reporter yet.</p>\n') +
      anonymous,
  });
}

/** The public Hall of Fame: an HTML page that needs no JavaScript, and the same data as JSON. */
export const hallOfFameRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/projects/:slug/hall-of-fame', { config: { anonymous: true, project: false }, schema: { hide: true, params: SlugParams, response: { 200: HtmlPage('the Hall of Fame page') } } }, async (req, reply) => {
    const { project, hallOfFame } = await readHallOfFame(ctx, req.params.slug);
    return reply.type('text/html; charset=utf-8').header('cache-control', PUBLIC_CACHE).send(renderHallOfFame(project, hallOfFame));
  });

  app.get(
    '/api/v1/projects/:slug/hall-of-fame',
    {
      config: { anonymous: true, project: false },
      schema: {
        tags: ['recognition'],
        summary: "Credited reporters and their published advisories (public; 404 when the policy keeps no Hall of Fame)",
        params: SlugParams,
        response: { 200: HallOfFameSchema },
      },
    },
    async (req, reply) => {
      const { project, hallOfFame } = await readHallOfFame(ctx, req.params.slug);
      return reply.header('cache-control', PUBLIC_CACHE).send(presentHallOfFame(ctx.publicUrl, project, hallOfFame));
    },
  );
};
