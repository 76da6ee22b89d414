import { lineAt, lockfileError } from './lockfile-error.ts';

/** JSON.parse with the failing line in the error, derived from V8's "at position N". */
export function parseJsonLockfile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position !== undefined ? lineAt(text, Number(position)) : /end of JSON/.test(message) ? lineAt(text, text.length) : 1;
    throw lockfileError(file, line, `invalid JSON: ${message}`);
  }
}

/** Line of each `"key": {` that opens an object in pretty-printed JSON (first occurrence wins), in one pass. */
export function jsonObjectKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let from = 0;
  for (const m of text.matchAll(/^[ \t]*"((?:[^"\\]|\\.)*)"\s*:\s*\{/gm)) {
    for (let i = text.indexOf('\n', from); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    from = m.index;
    const key = m[1] ?? '';
    if (!lines.has(key)) lines.set(key, line);
  }
  return lines;
}
