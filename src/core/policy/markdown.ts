/** Small Markdown builders; only table cells need escaping because policy text is the maintainers' own Markdown. */

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
