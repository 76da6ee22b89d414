import { lockfileError } from './lockfile-error.ts';
import { aliasTarget, npmSourceOf, splitNameAndRange } from './npm-source.ts';
import type { LockfileContents } from './types.ts';

interface Entry {
  specifiers: string[];
  line: number;
  version?: string;
  resolved?: string;
}

/** A `"quoted"` string's text; a quote whose escapes JSON cannot read (raw control characters) is a syntax error. */
class BadQuote extends Error {}
const unquote = (s: string): string => {
  if (!(s.startsWith('"') && s.endsWith('"') && s.length >= 2)) return s;
  // Without quotes, escapes or control characters inside, JSON reads it as the text between the quotes.
  const inner = s.slice(1, -1);
  if (!QUOTE_ESCAPE_OR_CONTROL.test(inner)) return inner;
  try {
    return JSON.parse(s) as string;
  } catch {
    throw new BadQuote(s);
  }
};
const QUOTE_ESCAPE_OR_CONTROL = /["\\\u0000-\u001f]/;

/** `"a@^1", a@^2:` → ['a@^1', 'a@^2']. */
function readSpecifiers(header: string, file: string, line: number): string[] {
  const specs = [...header.matchAll(/"((?:[^"\\]|\\.)*)"|([^,\s][^,]*)/g)].map((m) => (m[1] !== undefined ? unquote(`"${m[1]}"`) : (m[2] ?? '').trim()));
  if (!specs.length || specs.some((s) => !s)) throw lockfileError(file, line, `cannot read the entry header ${JSON.stringify(header)}`);
  return specs;
}

/** yarn.lock v1: its own indented format, one entry per resolved package, keyed by the ranges that chose it. */
export function parseYarnLockV1(text: string, file: string): LockfileContents {
  try {
    return readYarnLockV1(text, file);
  } catch (e) {
    if (e instanceof BadQuote) throw lockfileError(file, lineOfText(text, e.message), `invalid quoted string ${JSON.stringify(e.message.slice(0, 80))}`);
    throw e;
  }
}

const lineOfText = (text: string, fragment: string): number => {
  const at = text.indexOf(fragment.slice(1, -1));
  return at < 0 ? 1 : text.slice(0, at).split('\n').length;
};

function readYarnLockV1(text: string, file: string): LockfileContents {
  const entries: Entry[] = [];
  let current: Entry | null = null;
  // The lines of text.split(/\r?\n/), one at a time: only the entries outlive the loop.
  for (let from = 0, lineNo = 1; from <= text.length; lineNo++) {
    const newline = text.indexOf('\n', from);
    const end = newline === -1 ? text.length : newline;
    const raw = text.slice(from, newline > from && text.charCodeAt(newline - 1) === 13 ? end - 1 : end);
    from = end + 1;
    const trimmed = raw.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = raw.length - trimmed.length;
    if (indent === 0) {
      const content = trimmed.trimEnd();
      if (!content.endsWith(':')) throw lockfileError(file, lineNo, `expected an entry header ending in ':', found ${JSON.stringify(content)}`);
      current = { specifiers: readSpecifiers(content.slice(0, -1), file, lineNo), line: lineNo };
      entries.push(current);
      continue;
    }
    if (!current) throw lockfileError(file, lineNo, 'indented line before the first entry');
    if (indent !== 2) continue;
    const content = trimmed.trimEnd();
    const field = /^("(?:[^"\\]|\\.)*"|\S+)(?:\s+(.*))?$/.exec(content);
    const key = field ? unquote(field[1] ?? '') : '';
    const value = field?.[2] !== undefined ? unquote(field[2].trim()) : undefined;
    if (key === 'version') current.version = value;
    else if (key === 'resolved') current.resolved = value;
  }
  const out: LockfileContents = { packages: [], unchecked: [] };
  for (const entry of entries) {
    const [declared, range] = splitNameAndRange(entry.specifiers[0] ?? '');
    const alias = aliasTarget(range);
    const name = alias ? alias[0] : declared;
    const requested = alias ? alias[1] : range;
    const source = npmSourceOf(entry.resolved ?? requested);
    if (source === 'local') continue;
    if (entry.version === undefined) throw lockfileError(file, entry.line, `entry ${entry.specifiers.join(', ')} has no version`);
    if (source === 'registry') out.packages.push({ ecosystem: 'npm', name, version: entry.version, line: entry.line, file });
    else out.unchecked.push({ ecosystem: 'npm', name, spec: entry.resolved ?? requested, reason: 'non-registry', line: entry.line, file });
  }
  return out;
}
