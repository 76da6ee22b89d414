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
  try {
    return JSON.parse(s) as string;
  } catch {
    throw new BadQuote(s);
  }
};

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
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    if (!raw.trim() || raw.trimStart().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const content = raw.trim();
    if (indent === 0) {
      if (!content.endsWith(':')) throw lockfileError(file, lineNo, `expected an entry header ending in ':', found ${JSON.stringify(content)}`);
      current = { specifiers: readSpecifiers(content.slice(0, -1), file, lineNo), line: lineNo };
      entries.push(current);
      continue;
    }
    if (!current) throw lockfileError(file, lineNo, 'indented line before the first entry');
    if (indent !== 2) continue;
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
