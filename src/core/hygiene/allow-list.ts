import type { HygieneFinding } from './types.ts';

/**
 * The allow-list file (`.embargo-allow` at the root of a scanned tree): one entry a line, `#` comments.
 * `path:GLOB` skips matching files (`**` any folders, `*` within a name), `rule:ID` a rule everywhere,
 * `rule:ID path:GLOB` a rule in those files, and a bare hex string (6+ digits) the finding whose fingerprint or
 * secret hash (`sha256:…` as printed) starts with it.
 */
export interface AllowList {
  entries: { rule?: string; path?: RegExp; hash?: string }[];
  problems: string[];
}

export const ALLOW_FILE = '.embargo-allow';
const MAX_ENTRIES = 10_000;

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`);
}

export function parseAllowList(text: string): AllowList {
  const list: AllowList = { entries: [], problems: [] };
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    if (list.entries.length >= MAX_ENTRIES) {
      list.problems.push(`more than ${MAX_ENTRIES} entries: the rest are ignored`);
      break;
    }
    const entry: AllowList['entries'][number] = {};
    for (const part of line.split(/\s+/)) {
      if (part.startsWith('rule:') && part.length > 5) entry.rule = part.slice(5);
      else if (part.startsWith('path:') && part.length > 5 && part.length < 500) entry.path = globToRegExp(part.slice(5).replace(/^\.\//, ''));
      else if (/^(?:sha256:)?[0-9a-f]{6,64}$/i.test(part)) entry.hash = part.replace(/^sha256:/i, '').toLowerCase();
      else list.problems.push(`line ${i + 1}: cannot read ${JSON.stringify(part.slice(0, 60))}`);
    }
    if (entry.rule || entry.path || entry.hash) list.entries.push(entry);
  }
  return list;
}

export const isPathAllowed = (list: AllowList, file: string): boolean => list.entries.some((e) => e.path && !e.rule && !e.hash && e.path.test(file));

export function isAllowed(list: AllowList, f: HygieneFinding): boolean {
  return list.entries.some(
    (e) =>
      (!e.rule || e.rule === f.rule) &&
      (!e.path || e.path.test(f.file)) &&
      (!e.hash || f.fingerprint.startsWith(e.hash) || f.message.includes(`sha256:${e.hash}`)),
  );
}
