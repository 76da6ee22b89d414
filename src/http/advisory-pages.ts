/**
 * Public advisory pages and the Atom feed, rendered on the server: no JavaScript, no inline styles (the strict
 * CSP applies unchanged; styles come from /advisories.css), every value escaped. The Markdown details go
 * through markdown-it with raw HTML off, links restricted to http(s), mailto, fragments and same-site paths, and
 * images rendered as plain links.
 */
import MarkdownIt from 'markdown-it';
import { cvssTexts, cweName, deriveBranchRanges, branchStatusText, type Advisory } from '../core/advisories/index.ts';
import type { ProjectRecord } from '../services/projects/projects.ts';
import { escapeHtml } from './html.ts';
import { publicPage } from './public-page.ts';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
// Remote images would be a tracking pixel (and the CSP blocks them anyway): none are rendered.
md.disable('image');
const SAFE_LINK = /^(https?:|mailto:|#|\/(?!\/))/i;
md.validateLink = (url: string): boolean => SAFE_LINK.test(url.trim());
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Markdown → safe HTML (no raw HTML, no script/data links, no images). */
export const renderMarkdown = (text: string): string => md.render(text);

export interface PageUrls {
  page: string;
  list: string;
  feed: string;
  osv: string;
  cve: string | null;
  csaf: string;
  /** The VEX exports (issue 19): public once the advisory is. */
  openvex: string;
  csafVex: string;
}

export const advisoryListPath = (slug: string): string => `/projects/${encodeURIComponent(slug)}/advisories`;
export const advisoryPath = (slug: string, id: string): string => `${advisoryListPath(slug)}/${encodeURIComponent(id)}`;

const date = (iso: string | null): string => (iso ? escapeHtml(iso.slice(0, 10)) : '');
const stateLabel: Record<string, string> = { published: 'Published', amended: 'Amended', withdrawn: 'Withdrawn' };

const feedLink = (feedUrl: string) => `<link rel="alternate" type="application/atom+xml" title="Advisories feed" href="${escapeHtml(feedUrl)}">`;

/** A table that scrolls inside its own region on a narrow screen (keyboard-reachable), never the page sideways. */
const scrollTable = (label: string, table: string, stack = false) =>
  `<div class="table-wrap${stack ? ' table-wrap--stack' : ''}" role="region" aria-label="${escapeHtml(label)}" tabindex="0">${table}</div>`;

export function renderAdvisoryList(project: ProjectRecord, advisories: Advisory[], feedUrl: string): string {
  const rows = advisories
    .map(
      (a) =>
        `<tr><td data-label="Advisory"><a href="${escapeHtml(advisoryPath(project.slug, a.id))}">${escapeHtml(a.id)}</a></td>` +
        `<td data-label="Title">${escapeHtml(a.title)}</td><td data-label="CVE">${escapeHtml(a.cve_id ?? '')}</td><td data-label="Severity">${escapeHtml(cvssTexts(a).join(', '))}</td>` +
        `<td data-label="Published"><time datetime="${escapeHtml(a.published_at ?? '')}">${date(a.published_at)}</time></td>` +
        `<td data-label="Status" class="state-${escapeHtml(a.state)}">${escapeHtml(stateLabel[a.state] ?? a.state)}</td></tr>`,
    )
    .join('');
  return publicPage({
    title: `Security advisories · ${project.name}`,
    project,
    current: advisoryListPath(project.slug),
    head: feedLink(feedUrl),
    body:
      `<h1>${escapeHtml(project.name)} security advisories</h1>` +
      `<p><a href="${escapeHtml(feedUrl)}">Atom feed</a> · <a href="${escapeHtml(`/projects/${project.slug}/mailing-list`)}">Get advisories by email</a>` +
      (project.policy.recognition.hall_of_fame ? ` · <a href="${escapeHtml(`/projects/${project.slug}/hall-of-fame`)}">Hall of Fame</a>` : '') +
      `</p>` +
      (rows
        ? scrollTable(
            'Published advisories',
            `<table><thead><tr><th>Advisory</th><th>Title</th><th>CVE</th><th>Severity</th><th>Published</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>`,
            true,
          )
        : '<p>No advisories have been published.</p>'),
  });
}

/** The page body shared by the HTML page and the feed's entry content. */
export function advisoryBody(project: ProjectRecord, a: Advisory): string {
  const withdrawn = a.state === 'withdrawn' ? `<p class="withdrawn"><strong>Withdrawn</strong> on ${date(a.withdrawn_at)}: ${escapeHtml(a.revisions[a.revisions.length - 1]?.summary ?? '')}</p>` : '';
  const facts = [
    ['Advisory', escapeHtml(a.id)],
    ...(a.cve_id ? [['CVE', escapeHtml(a.cve_id)]] : []),
    ['Published', date(a.published_at)],
    ['Updated', date(a.updated_at)],
    ['Status', escapeHtml(stateLabel[a.state] ?? a.state)],
    ...(a.cvss.v4 ? [['CVSS v4.0', `${escapeHtml(cvssTexts({ ...a, cvss: { v3: null, v4: a.cvss.v4 } }).join(''))} <code>${escapeHtml(a.cvss.v4)}</code>`]] : []),
    ...(a.cvss.v3 ? [['CVSS v3', `${escapeHtml(cvssTexts({ ...a, cvss: { v3: a.cvss.v3, v4: null } }).join(''))} <code>${escapeHtml(a.cvss.v3)}</code>`]] : []),
    ...(a.cwe_ids.length ? [['Weakness', a.cwe_ids.map((id) => `${escapeHtml(id)}: ${escapeHtml(cweName(id) ?? '')}`).join('<br>')]] : []),
  ];
  const products = a.affected
    .map((p) => {
      const rows = deriveBranchRanges(p, project.policy)
        .map(
          (r) =>
            `<tr><td>${escapeHtml(r.branch)}</td><td class="branch-${escapeHtml(r.status)}">${escapeHtml(branchStatusText(r))}</td>` +
            `<td>${r.status === 'not-affected' ? '' : escapeHtml(r.introduced === '0' ? 'first release' : r.introduced)}</td>` +
            `<td>${escapeHtml(r.fixed ?? '')}</td></tr>`,
        )
        .join('');
      return (
        `<h3>${escapeHtml(p.package)} <small>(${escapeHtml(p.ecosystem)})</small></h3>` +
        scrollTable(`Affected versions of ${p.package}`, `<table><thead><tr><th>Branch</th><th>Status</th><th>Affected from</th><th>Fixed in</th></tr></thead><tbody>${rows}</tbody></table>`)
      );
    })
    .join('');
  const references = a.references
    .map((r) => `<li><a href="${escapeHtml(r.url)}" rel="nofollow noopener noreferrer">${escapeHtml(r.name ?? r.url)}</a> (${escapeHtml(r.type)})</li>`)
    .join('');
  const credits = a.credits.map((c) => `<li>${c.name === null ? 'An anonymous reporter' : escapeHtml(c.name)} (${escapeHtml(c.type)})</li>`).join('');
  const revisions = a.revisions
    .map((r) => `<tr><td>${r.number}</td><td><time datetime="${escapeHtml(r.date)}">${date(r.date)}</time></td><td>${escapeHtml(r.summary)}</td></tr>`)
    .join('');
  return (
    withdrawn +
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>` +
    `<p class="summary">${escapeHtml(a.summary)}</p>` +
    `<h2>Details</h2><div class="details">${renderMarkdown(a.details)}</div>` +
    `<h2>Affected versions</h2>${products}` +
    (references ? `<h2>References</h2><ul>${references}</ul>` : '') +
    (credits ? `<h2>Credits</h2><ul>${credits}</ul>` : '') +
    `<h2>Revision history</h2>` +
    scrollTable('Revision history', `<table><thead><tr><th>Revision</th><th>Date</th><th>Change</th></tr></thead><tbody>${revisions}</tbody></table>`)
  );
}

export function renderAdvisoryPage(project: ProjectRecord, a: Advisory, urls: PageUrls): string {
  const formats = [
    `<li><a href="${escapeHtml(urls.osv)}" type="application/json">OSV</a></li>`,
    ...(urls.cve ? [`<li><a href="${escapeHtml(urls.cve)}" type="application/json">CVE JSON 5</a></li>`] : []),
    `<li><a href="${escapeHtml(urls.csaf)}" type="application/json">CSAF 2.0</a></li>`,
    `<li><a href="${escapeHtml(urls.openvex)}" type="application/json">OpenVEX</a> (the project’s and the coordinating parties’ statuses)</li>`,
    `<li><a href="${escapeHtml(urls.csafVex)}" type="application/json">CSAF VEX</a></li>`,
  ].join('');
  return publicPage({
    title: `${a.id}: ${a.title} · ${project.name}`,
    project,
    head: feedLink(urls.feed),
    body:
      `<p><a href="${escapeHtml(urls.list)}">${escapeHtml(project.name)} security advisories</a></p>` +
      `<h1>${escapeHtml(a.title)}</h1>` +
      advisoryBody(project, a) +
      `<h2>Machine-readable</h2><ul>${formats}</ul>`,
  });
}

/** XML 1.0 text: escaped, and without the control characters XML cannot carry at all. */
const xml = (s: string): string =>
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/**
 * Atom 1.0 (RFC 4287) feed of the project's public advisories: feed id/title/updated/author/links, one entry
 * per advisory with its page URL as id, `updated` = the advisory's last change, the summary and the page body
 * as escaped HTML content.
 */
export function renderAtomFeed(project: ProjectRecord, advisories: Advisory[], base: string, fallbackUpdated: string): string {
  const listUrl = `${base}${advisoryListPath(project.slug)}`;
  const updated = advisories.reduce((max, a) => (a.updated_at > max ? a.updated_at : max), advisories.length ? '' : fallbackUpdated);
  const entries = advisories
    .map((a) => {
      const url = `${base}${advisoryPath(project.slug, a.id)}`;
      return (
        `  <entry>\n` +
        `    <id>${xml(url)}</id>\n` +
        `    <title>${xml(`${a.id}: ${a.title}${a.state === 'withdrawn' ? ' (withdrawn)' : ''}`)}</title>\n` +
        `    <updated>${xml(a.updated_at)}</updated>\n` +
        (a.published_at ? `    <published>${xml(a.published_at)}</published>\n` : '') +
        `    <link rel="alternate" type="text/html" href="${xml(url)}"/>\n` +
        a.cwe_ids.map((id) => `    <category term="${xml(id)}"/>\n`).join('') +
        `    <summary>${xml(a.summary)}</summary>\n` +
        `    <content type="html">${xml(advisoryBody(project, a))}</content>\n` +
        `  </entry>\n`
      );
    })
    .join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<feed xmlns="http://www.w3.org/2005/Atom">\n` +
    `  <id>${xml(listUrl)}</id>\n` +
    `  <title>${xml(`${project.name} security advisories`)}</title>\n` +
    `  <updated>${xml(updated)}</updated>\n` +
    `  <link rel="self" type="application/atom+xml" href="${xml(`${listUrl}.atom`)}"/>\n` +
    `  <link rel="alternate" type="text/html" href="${xml(listUrl)}"/>\n` +
    `  <author><name>${xml(`${project.name} security team`)}</name></author>\n` +
    `  <generator>Embargo</generator>\n` +
    entries +
    `</feed>\n`
  );
}

/** The pages' stylesheet (served as a file: the CSP forbids inline styles). */
export const ADVISORY_CSS = `dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:0.25rem 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
code{font-size:0.9em;overflow-wrap:anywhere}.withdrawn{border:2px solid #b3261e;padding:0.5rem}.branch-fixed{color:#135e2b}
.branch-affected,.branch-wont-fix{color:#b3261e}.details pre{overflow-x:auto;background:#f4f6f8;padding:0.5rem}
form label{display:block;margin:0.5rem 0}form input[type=email]{font:inherit;padding:0.4rem;max-width:100%;width:20rem}
form button{font:inherit;padding:0.4rem 1rem;border:2px solid #1f3a5f;border-radius:6px;background:#1f3a5f;color:#fff;cursor:pointer}
ol.hall-of-fame>li{margin-bottom:1rem}
`;
