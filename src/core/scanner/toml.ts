import { isRecord, lockfileError } from './lockfile-error.ts';

export type TomlTable = { [key: string]: unknown };

/** The line of each table header (`[a]`, `[[a]]`) in the document it came from, for error messages. */
const headerLines = new WeakMap<object, number>();
export const tableLine = (table: object): number | undefined => headerLines.get(table);

// Sticky patterns, each matching no newline, so skipping what they match leaves the line count as it is.
const BARE_KEY = /[A-Za-z0-9_-]+/y;
const SPACES = /[ \t]+/y;
/** A scalar token runs to a separator, whitespace or a comment. */
const SCALAR_RUN = /[^,\]}\s#]+/y;
/** Characters a basic string copies as they are: not its quote, not an escape, and in a one-line string no newline. */
const ONE_LINE_RUN = /[^"\\\n]+/y;
const MULTI_LINE_RUN = /[^"\\]+/y;
/** Arrays and inline tables nest at most this deep: lockfiles use a few levels; untrusted input could overflow the stack. */
export const MAX_TOML_DEPTH = 64;
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

/**
 * TOML 1.0 as lockfiles write it: tables, arrays of tables, dotted and quoted keys, the four string forms,
 * arrays, inline tables, integers, floats, booleans; dates are kept as text. Errors carry file and line.
 */
export function parseToml(text: string, file: string): TomlTable {
  let pos = 0;
  let line = 1;
  const fail = (message: string): never => {
    throw lockfileError(file, line, `invalid TOML: ${message}`);
  };
  const peek = (n = 0): string => text[pos + n] ?? '';
  const advance = (n = 1): void => {
    for (const end = pos + n; pos < end; pos++) if (text.charCodeAt(pos) === 10) line++;
  };
  /** Moves to `end` over text known to hold no newline (what a sticky pattern without \n matched). */
  const skipTo = (end: number): void => {
    pos = end;
  };
  /** The end of what `pattern` (sticky, matching no newline) matches at `pos`; `pos` itself when nothing. */
  const runEnd = (pattern: RegExp): number => {
    pattern.lastIndex = pos;
    return pattern.test(text) ? pattern.lastIndex : pos;
  };
  const skipSpaces = (): void => skipTo(runEnd(SPACES));
  const skipComment = (): void => {
    if (peek() !== '#') return;
    const end = text.indexOf('\n', pos);
    skipTo(end === -1 ? Math.max(pos, text.length) : end);
  };
  /** Spaces, comments and newlines, as allowed inside arrays. */
  const skipBlank = (): void => {
    for (;;) {
      skipSpaces();
      skipComment();
      if (peek() === '\n' || (peek() === '\r' && peek(1) === '\n')) advance(peek() === '\r' ? 2 : 1);
      else return;
    }
  };
  const endOfLine = (): void => {
    skipSpaces();
    skipComment();
    if (peek() === '\r') advance();
    if (pos < text.length && peek() !== '\n') fail(`unexpected ${JSON.stringify(peek())} after value`);
  };

  const basicString = (): string => {
    const multi = text.startsWith('"""', pos);
    advance(multi ? 3 : 1);
    if (multi && peek() === '\n') advance();
    else if (multi && peek() === '\r' && peek(1) === '\n') advance(2);
    let out = '';
    for (;;) {
      // Runs of plain characters are copied whole: lockfiles are mostly hashes, URLs and file names.
      const run = multi ? MULTI_LINE_RUN : ONE_LINE_RUN;
      run.lastIndex = pos;
      if (run.test(text)) {
        const end = run.lastIndex;
        out += text.slice(pos, end);
        if (multi) advance(end - pos);
        else skipTo(end);
      }
      if (pos >= text.length) fail('unterminated string');
      const ch = peek();
      if (multi ? text.startsWith('"""', pos) && peek(3) !== '"' : ch === '"') {
        advance(multi ? 3 : 1);
        return out;
      }
      if (!multi && ch === '\n') fail('newline in a one-line string');
      if (ch !== '\\') {
        out += ch;
        advance();
        continue;
      }
      const next = peek(1);
      if (multi && /[ \t\r\n]/.test(next)) {
        // A line-ending backslash swallows the newline and the whitespace after it.
        advance();
        while (/[ \t\r\n]/.test(peek())) advance();
      } else if (next === 'u' || next === 'U') {
        const hex = text.slice(pos + 2, pos + (next === 'u' ? 6 : 10));
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== (next === 'u' ? 4 : 8)) fail('bad unicode escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        advance(2 + hex.length);
      } else {
        const escaped = ESCAPES[next];
        if (escaped === undefined) fail(`bad escape \\${next}`);
        out += escaped;
        advance(2);
      }
    }
  };

  const literalString = (): string => {
    const multi = text.startsWith("'''", pos);
    advance(multi ? 3 : 1);
    if (multi && peek() === '\n') advance();
    const close = multi ? "'''" : "'";
    let end = text.indexOf(close, pos);
    while (multi && end !== -1 && text[end + 3] === "'") end++;
    if (end === -1) fail('unterminated string');
    const out = text.slice(pos, end);
    if (!multi && out.includes('\n')) fail('newline in a one-line string');
    advance(end - pos + close.length);
    return out;
  };

  const key = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipSpaces();
      if (peek() === '"') parts.push(basicString());
      else if (peek() === "'") parts.push(literalString());
      else {
        const start = pos;
        skipTo(runEnd(BARE_KEY));
        if (pos === start) fail(`expected a key, found ${JSON.stringify(peek() || 'end of file')}`);
        parts.push(text.slice(start, pos));
      }
      skipSpaces();
      if (peek() !== '.') return parts;
      advance();
    }
  };

  const scalar = (): unknown => {
    const start = pos;
    skipTo(runEnd(SCALAR_RUN));
    // A date-time may hold one space between date and time.
    if (/^\d{4}-\d{2}-\d{2}$/.test(text.slice(start, pos)) && peek() === ' ' && /\d/.test(peek(1))) {
      advance();
      skipTo(runEnd(SCALAR_RUN));
    }
    const token = text.slice(start, pos);
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (/^[+-]?(?:0|[1-9](?:_?\d)*)$/.test(token)) return Number(token.replace(/_/g, ''));
    if (/^0x[0-9A-Fa-f_]+$|^0o[0-7_]+$|^0b[01_]+$/.test(token)) return Number(token.replace(/_/g, ''));
    if (/^[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?$/.test(token)) return Number(token.replace(/_/g, ''));
    if (/^[+-]?(?:inf|nan)$/.test(token)) return token.endsWith('inf') ? (token.startsWith('-') ? -Infinity : Infinity) : NaN;
    if (/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?$|^\d{2}:\d{2}:\d{2}(?:\.\d+)?$/i.test(token)) return token;
    return fail(token ? `unknown value ${JSON.stringify(token)}` : `expected a value, found ${JSON.stringify(peek() || 'end of file')}`);
  };

  let depth = 0;
  const nested = <T>(read: () => T): T => {
    if (++depth > MAX_TOML_DEPTH) fail(`values nest deeper than ${MAX_TOML_DEPTH} levels`);
    try {
      return read();
    } finally {
      depth--;
    }
  };

  const value = (): unknown => {
    const ch = peek();
    if (ch === '"') return basicString();
    if (ch === "'") return literalString();
    if (ch === '[') return nested(arrayValue);
    if (ch === '{') return nested(inlineTable);
    return scalar();
  };

  const arrayValue = (): unknown[] => {
    advance();
    const items: unknown[] = [];
    for (;;) {
      skipBlank();
      if (peek() === ']') break;
      items.push(value());
      skipBlank();
      if (peek() === ',') advance();
      else if (peek() !== ']') fail(`expected ',' or ']' in array, found ${JSON.stringify(peek() || 'end of file')}`);
    }
    advance();
    return items;
  };

  const inlineTable = (): TomlTable => {
    advance();
    const table: TomlTable = {};
    skipSpaces();
    if (peek() === '}') {
      advance();
      return table;
    }
    for (;;) {
      assign(table, key());
      skipSpaces();
      if (peek() === '}') break;
      if (peek() !== ',') fail(`expected ',' or '}' in inline table, found ${JSON.stringify(peek() || 'end of file')}`);
      advance();
    }
    advance();
    return table;
  };

  const assign = (table: TomlTable, path: string[]): void => {
    if (peek() !== '=') fail(`expected '=' after key ${path.join('.')}`);
    advance();
    skipSpaces();
    const target = descend(table, path.slice(0, -1));
    const last = path[path.length - 1] ?? '';
    if (Object.hasOwn(target, last)) fail(`duplicate key ${path.join('.')}`);
    put(target, last, value());
  };

  const descend = (from: TomlTable, path: string[]): TomlTable => {
    let table = from;
    for (const part of path) {
      let next = own(table, part);
      if (next === undefined) put(table, part, (next = {}));
      if (Array.isArray(next)) next = next[next.length - 1];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) fail(`key ${part} is not a table`);
      table = next as TomlTable;
    }
    return table;
  };

  const root: TomlTable = {};
  let current = root;
  for (;;) {
    skipBlank();
    if (pos >= text.length) return root;
    const headerLine = line;
    if (text.startsWith('[[', pos)) {
      advance(2);
      const path = key();
      if (!text.startsWith(']]', pos)) fail("expected ']]' after table name");
      advance(2);
      const parent = descend(root, path.slice(0, -1));
      const last = path[path.length - 1] ?? '';
      let list = own(parent, last);
      if (list === undefined) put(parent, last, (list = []));
      if (!Array.isArray(list)) fail(`${path.join('.')} is not an array of tables`);
      current = {};
      (list as unknown[]).push(current);
    } else if (peek() === '[') {
      advance();
      const path = key();
      if (peek() !== ']') fail("expected ']' after table name");
      advance();
      current = descend(root, path);
    } else {
      assign(current, key());
      endOfLine();
      continue;
    }
    headerLines.set(current, headerLine);
    endOfLine();
  }
}

/** A table's own value for a key: `constructor`, `toString`, `__proto__` are keys like any other, never inherited. */
const own = (table: TomlTable, key: string): unknown => (Object.hasOwn(table, key) ? table[key] : undefined);

/** Sets a table's own key; `table.__proto__ = v` would replace the table's prototype (or Object.prototype's keys) instead. */
function put(table: TomlTable, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(table, key, { value, writable: true, enumerable: true, configurable: true });
  else table[key] = value;
}

export interface PackageTable {
  entry: Record<string, unknown> & { name: string; version: string };
  line: number;
}

/** The `[[package]]` tables of a TOML lockfile (Cargo.lock, poetry.lock), each checked for a name and a version. */
export function packageTables(text: string, file: string): PackageTable[] {
  const packages = parseToml(text, file).package ?? [];
  if (!Array.isArray(packages)) throw lockfileError(file, 1, 'package must be an array of tables');
  return (packages as unknown[]).map((entry) => {
    const line = isRecord(entry) ? (tableLine(entry) ?? 1) : 1;
    if (!isRecord(entry) || typeof entry.name !== 'string' || typeof entry.version !== 'string') {
      throw lockfileError(file, line, '[[package]] needs a name and a version');
    }
    return { entry: entry as PackageTable['entry'], line };
  });
}
