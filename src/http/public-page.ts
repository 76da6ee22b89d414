import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPublicNav } from '../core/ui-paths.ts';
import type { ProjectRecord } from '../services/projects/record.ts';
import { escapeHtml } from './html.ts';

/**
 * Where `npm run build:web` (vite.config.ts) writes the UI bundle: dist/web of this checkout or package. Run from
 * source (tsx) this module is src/http/; in the build (scripts/build.ts) it is part of a file in dist/app/.
 */
export const DEFAULT_WEB_ROOT = import.meta.filename.endsWith('.ts') ? join(import.meta.dirname, '..', '..', 'dist', 'web') : join(import.meta.dirname, '..', 'web');

let bundleLinks: string | null = null;

/**
 * The UI bundle's style sheets and icon (hashed names read from its index.html), so the pages the server renders
 * look exactly like the UI's: one design for every public page. Without a build there are none (the page still reads).
 */
function bundleHead(root = DEFAULT_WEB_ROOT): string {
  if (bundleLinks !== null) return bundleLinks;
  const index = join(root, 'index.html');
  if (!existsSync(index)) return '';
  const html = readFileSync(index, 'utf8');
  const href = (rel: string, ext: string) =>
    [...html.matchAll(new RegExp(`<link\\b[^>]*\\brel="${rel}"[^>]*\\bhref="(/assets/[^"]+\\.${ext})"`, 'g'))].map((m) => m[1] ?? '').filter(Boolean);
  bundleLinks =
    href('icon', 'svg').map((h) => `<link rel="icon" type="image/svg+xml" href="${escapeHtml(h)}">`).join('') +
    href('stylesheet', 'css').map((h) => `<link rel="stylesheet" href="${escapeHtml(h)}">`).join('');
  return bundleLinks;
}

export interface PublicPageOptions {
  title: string;
  /** The content of <main> (its h1 first). */
  body: string;
  /** The project whose navigation the page shows; none for a page of no project. */
  project?: ProjectRecord | null;
  /** The path of this page, marked as current in the navigation. */
  current?: string;
  /** Extra <head> content (e.g. the advisories feed's <link rel="alternate">). */
  head?: string;
}

/**
 * A public page rendered by the server (advisories, Hall of Fame, mailing list, a reporter link that opens
 * nothing): the UI's frame (skip link, header with the project's navigation, one <main>, footer) and its style
 * sheet, plus /advisories.css for what only these pages have. No scripts, no inline styles: the strict CSP holds.
 */
export function publicPage(opts: PublicPageOptions): string {
  const sheets = `${bundleHead()}<link rel="stylesheet" href="/advisories.css">`;
  const nav = opts.project
    ? projectPublicNav(opts.project.slug, { hallOfFame: opts.project.policy.recognition.hall_of_fame })
        .map((item) => `<li><a href="${escapeHtml(item.to)}"${item.to === opts.current ? ' aria-current="page"' : ''}>${escapeHtml(item.label)}</a></li>`)
        .join('')
    : '<li><a href="/">Projects</a></li>';
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${escapeHtml(opts.title)}</title>${sheets}${opts.head ?? ''}</head><body>` +
    `<a class="skip-link" href="#main">Skip to content</a>` +
    `<header class="site-header"><div class="site-header__inner"><a href="/" class="site-header__brand">Embargo</a>` +
    `<nav aria-label="Main" class="site-nav"><ul>${nav}</ul></nav></div></header>` +
    `<main id="main" tabindex="-1" class="site-main">${opts.body}</main>` +
    `<footer class="site-footer"><p>Coordinated vulnerability disclosure with <a href="/api/docs">Embargo</a>. ` +
    `Reports are encrypted at rest and seen only by the project's security team.</p></footer>` +
    `</body></html>\n`
  );
}
