import { isAlias, parseDocument, visit } from 'yaml';
import { lineAt, lockfileError } from './lockfile-error.ts';
import { readBlockYaml } from './yaml-block-subset.ts';

/** Lockfile writers use no aliases; a few hand edits might. More is an expansion attack, refused before expanding. */
export const MAX_LOCKFILE_ALIASES = 1000;

/**
 * A machine-written YAML lockfile as plain data (every scalar a string): the fast block-subset reader first,
 * the full `yaml` parser for anything outside it, whose first error is reported with its line. With `keep`,
 * the fast reader leaves out the top-level entries not named in it (still checking them); the full parser's
 * result has every entry.
 */
export function readYamlLockfile(text: string, file: string, keep?: ReadonlySet<string>): unknown {
  const fast = readBlockYaml(text, keep);
  if (fast !== undefined) return fast;
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    // Errors found at the end of the text (an unclosed quote) point at the last line with content.
    const line = Math.min(lineAt(text, error.pos[0]), lineAt(text, text.trimEnd().length));
    throw lockfileError(file, line, `invalid YAML: ${error.message.split('\n')[0] ?? ''}`);
  }
  let aliases = 0;
  let limitAt: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (++aliases > MAX_LOCKFILE_ALIASES && limitAt === undefined) limitAt = node.range?.[0] ?? 0;
    },
  });
  if (limitAt !== undefined) throw lockfileError(file, lineAt(text, limitAt), `the document uses more than ${MAX_LOCKFILE_ALIASES} YAML aliases (*name), the limit for a lockfile`);
  // Few aliases can still nest into an exponential expansion ("billion laughs"): yaml's own guard stops that.
  try {
    return doc.toJS({ maxAliasCount: MAX_LOCKFILE_ALIASES });
  } catch (e) {
    if (e instanceof ReferenceError) throw lockfileError(file, 1, `the YAML aliases expand beyond ${MAX_LOCKFILE_ALIASES} nodes (nested aliases), the limit for a lockfile`);
    throw e;
  }
}
/** Line of each mapping key written at exactly `indent` spaces (`key:` or `'key':`), first occurrence wins. */
export function yamlKeyLines(text: string, indent: number): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let from = 0;
  const pattern = new RegExp(`^ {${indent}}(?! )("(?:[^"\\\\]|\\\\.)*"|'(?:[^']|'')*'|[^'"#\\s][^#]*?):(?:\\s|$)`, 'gm');
  for (const m of text.matchAll(pattern)) {
    for (let i = text.indexOf('\n', from); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    from = m.index;
    const raw = m[1] ?? '';
    const key = raw.startsWith('"') ? jsonString(raw) : raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
    if (!lines.has(key)) lines.set(key, line);
  }
  return lines;
}

/** A double-quoted key's text; one JSON cannot read keeps its raw form (only its line is looked up by it). */
function jsonString(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw;
  }
}
