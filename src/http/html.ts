/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A complete page with no scripts and no inline styles, so the strict CSP applies unchanged. */
export const page = (title: string, body: string, opts: { stylesheet?: string } = {}): string =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>` +
  (opts.stylesheet ? `<link rel="stylesheet" href="${escapeHtml(opts.stylesheet)}">` : '') +
  `</head><body>${body}</body></html>\n`;
