/**
 * Small Markdown builders. Policy text is the maintainers' own Markdown, but never raw HTML: `withoutHtml` turns
 * each `<` that could open a tag, comment or declaration into `&lt;`, so a tag shows as text wherever SECURITY.md
 * is displayed, while `< 1.0` stays as written.
 */

export const escapeCell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s*\r?\n\s*/g, ' ');

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

export const bullets = (items: readonly string[]): string => items.map((i) => `- ${i.trim()}`).join('\n');

export const numbered = (items: readonly string[]): string => items.map((i, n) => `${n + 1}. ${i.trim()}`).join('\n');

export const mailLink = (email: string): string => `[${email}](mailto:${email})`;

export const link = (url: string, label = url): string => `[${label.replace(/[[\]]/g, '\\$&')}](${url})`;

/** Joins blocks with one blank line, dropping empty ones. */
export const blocks = (...parts: (string | null | undefined | false)[]): string =>
  parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').join('\n\n');

export const sentence = (text: string): string => (/[.!?)]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** The same value with every tag-opening `<` (CommonMark raw HTML: `<` + letter, `/`, `!` or `?`) written as `&lt;`. */
export function withoutHtml<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/<(?=[A-Za-z/!?])/g, '&lt;') as T;
  if (Array.isArray(value)) return value.map(withoutHtml) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutHtml(v)])) as T;
  }
  return value;
}
