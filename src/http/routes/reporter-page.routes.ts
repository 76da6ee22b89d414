import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { addReporterMessage, readAsReporter, type ReportDetail } from '../../services/reports/index.ts';
import { escapeHtml, page } from '../html.ts';
import { readMultipart } from '../multipart.ts';
import { HtmlPage, NoBody, Str, TokenParams } from '../../api/schemas.ts';

const when = (iso: string) => escapeHtml(iso.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC'));

function render(detail: ReportDetail, projectName: string, token: string): string {
  const deadlines = detail.deadlines
    .map((d) => `<tr><td>${escapeHtml(d.promise)}</td><td>${when(d.dueAt)}</td><td>${escapeHtml(d.status)}</td></tr>`)
    .join('');
  const thread = detail.messages
    .map((m) => `<article><h3>${m.author === 'reporter' ? 'You' : escapeHtml(m.authorName ?? 'Maintainer')} · ${when(m.createdAt.toISOString())}</h3><pre>${escapeHtml(m.body)}</pre></article>`)
    .join('');
  const files = detail.attachments
    .map((a) => `<li><a href="/api/v1/reporter/${escapeHtml(token)}/attachments/${a.id}" download>${escapeHtml(a.filename)}</a> (${a.size} bytes)</li>`)
    .join('');
  return page(
    `${detail.trackingId} · ${projectName}`,
    `<main><h1>${escapeHtml(detail.trackingId)}: ${escapeHtml(detail.title)}</h1>` +
      `<p>Project: ${escapeHtml(projectName)} · Status: <strong>${escapeHtml(detail.state)}</strong>${detail.severity ? ` · Severity: ${escapeHtml(detail.severity)}` : ''}</p>` +
      `<p>Keep this page's address private: it is the only key to your report.</p>` +
      `<h2>What we owe you</h2><table><thead><tr><th>Promise</th><th>Due</th><th>Status</th></tr></thead><tbody>${deadlines}</tbody></table>` +
      `<h2>Your report</h2><pre>${escapeHtml(detail.body.description)}</pre>` +
      (files ? `<h2>Files</h2><ul>${files}</ul>` : '') +
      `<h2>Conversation</h2>${thread || '<p>No messages yet.</p>'}` +
      `<form method="post" enctype="multipart/form-data" action="/reporter/${escapeHtml(token)}">` +
      `<label>Add a message<br><textarea name="body" rows="6" cols="60" required></textarea></label><br>` +
      `<label>Files <input type="file" name="attachments" multiple></label><br><button type="submit">Send</button></form></main>`,
  );
}

/** The reporter's private page: works without JavaScript; the web UI replaces it later. */
export const reporterPageRoutes = (ctx: ServiceContext, limits: { rateLimit: number; rateWindowMs: number }): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/reporter/:token', { config: { anonymous: true }, schema: { hide: true, params: TokenParams, response: { 200: HtmlPage("the reporter's private page") } } }, async (req, reply) => {
    const { project, detail } = await readAsReporter(ctx, req.params.token);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(render(detail, project.name, req.params.token));
  });

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
