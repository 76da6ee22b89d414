import MarkdownIt from 'markdown-it';

/**
 * Policy text is Markdown written by project admins. Raw HTML is off (html: false escapes it), and markdown-it's
 * link validation drops javascript:, vbscript:, file: and data: URLs, so the output is safe to insert.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

export function Markdown({ source }: { source: string }) {
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: md.render(source) }} />;
}
