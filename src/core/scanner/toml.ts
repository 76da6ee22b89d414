import { setOwnKey } from './own-key.ts';
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
  return new TomlReader(text, file).document();
}

/**
 * The reader's state: one instance per document, its methods shared by every document (closures made per call
 * would be compiled again for each lockfile). Reads never go past the end of the text.
 */
class TomlReader {
  private pos = 0;
  private line = 1;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  private fail(message: string): never {
    throw lockfileError(this.file, this.line, `invalid TOML: ${message}`);
  }

  /** The character `n` ahead, '' past the end. */
  private peek(n = 0): string {
    const at = this.pos + n;
    return at < this.text.length ? (this.text[at] as string) : '';
  }

  private advance(n = 1): void {
    const text = this.text;
    let pos = this.pos;
    for (const end = pos + n; pos < end; pos++) if (text.charCodeAt(pos) === 10) this.line++;
    this.pos = pos;
  }

  /** Moves to the end of what `pattern` (sticky, matching no newline, so no line is passed) matches here. */
  private skipRun(pattern: RegExp): void {
    pattern.lastIndex = this.pos;
    if (pattern.test(this.text)) this.pos = pattern.lastIndex;
  }

  private skipSpaces(): void {
    this.skipRun(SPACES);
  }

  private skipComment(): void {
    if (this.peek() !== '#') return;
    const end = this.text.indexOf('\n', this.pos);
    this.pos = end === -1 ? Math.max(this.pos, this.text.length) : end;
  }

  /** Spaces, comments and newlines, as allowed inside arrays. */
  private skipBlank(): void {
    for (;;) {
      this.skipSpaces();
      this.skipComment();
      if (this.peek() === '\n' || (this.peek() === '\r' && this.peek(1) === '\n')) this.advance(this.peek() === '\r' ? 2 : 1);
      else return;
    }
  }

  private endOfLine(): void {
    this.skipSpaces();
    this.skipComment();
    if (this.peek() === '\r') this.advance();
    if (this.pos < this.text.length && this.peek() !== '\n') this.fail(`unexpected ${JSON.stringify(this.peek())} after value`);
  }

  private basicString(): string {
    const text = this.text;
    const multi = text.startsWith('"""', this.pos);
    this.advance(multi ? 3 : 1);
    if (multi && this.peek() === '\n') this.advance();
    else if (multi && this.peek() === '\r' && this.peek(1) === '\n') this.advance(2);
    let out = '';
    for (;;) {
      // Runs of plain characters are copied whole: lockfiles are mostly hashes, URLs and file names.
      const run = multi ? MULTI_LINE_RUN : ONE_LINE_RUN;
      run.lastIndex = this.pos;
      if (run.test(text)) {
        const end = run.lastIndex;
        out += text.slice(this.pos, end);
        if (multi) this.advance(end - this.pos);
        else this.pos = end;
      }
      if (this.pos >= text.length) this.fail('unterminated string');
      const ch = this.peek();
      if (multi ? text.startsWith('"""', this.pos) && this.peek(3) !== '"' : ch === '"') {
        this.advance(multi ? 3 : 1);
        return out;
      }
      if (!multi && ch === '\n') this.fail('newline in a one-line string');
      if (ch !== '\\') {
        out += ch;
        this.advance();
        continue;
      }
      const next = this.peek(1);
      if (multi && /[ \t\r\n]/.test(next)) {
        // A line-ending backslash swallows the newline and the whitespace after it.
        this.advance();
        while (/[ \t\r\n]/.test(this.peek())) this.advance();
      } else if (next === 'u' || next === 'U') {
        const hex = text.slice(this.pos + 2, this.pos + (next === 'u' ? 6 : 10));
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== (next === 'u' ? 4 : 8)) this.fail('bad unicode escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        this.advance(2 + hex.length);
      } else {
        const escaped = ESCAPES[next];
        if (escaped === undefined) this.fail(`bad escape \\${next}`);
        out += escaped;
        this.advance(2);
      }
    }
  }

  private literalString(): string {
    const text = this.text;
    const multi = text.startsWith("'''", this.pos);
    this.advance(multi ? 3 : 1);
    if (multi && this.peek() === '\n') this.advance();
    const close = multi ? "'''" : "'";
    let end = text.indexOf(close, this.pos);
    while (multi && end !== -1 && text[end + 3] === "'") end++;
    if (end === -1) this.fail('unterminated string');
    const out = text.slice(this.pos, end);
    if (!multi && out.includes('\n')) this.fail('newline in a one-line string');
    this.advance(end - this.pos + close.length);
    return out;
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.peek() === '"') parts.push(this.basicString());
      else if (this.peek() === "'") parts.push(this.literalString());
      else {
        const start = this.pos;
        this.skipRun(BARE_KEY);
        if (this.pos === start) this.fail(`expected a key, found ${JSON.stringify(this.peek() || 'end of file')}`);
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.peek() !== '.') return parts;
      this.advance();
    }
  }

  private scalar(): unknown {
    const start = this.pos;
    this.skipRun(SCALAR_RUN);
    // A date-time may hold one space between date and time.
    if (/^\d{4}-\d{2}-\d{2}$/.test(this.text.slice(start, this.pos)) && this.peek() === ' ' && /\d/.test(this.peek(1))) {
      this.advance();
      this.skipRun(SCALAR_RUN);
    }
    const token = this.text.slice(start, this.pos);
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (/^[+-]?(?:0|[1-9](?:_?\d)*)$/.test(token)) return Number(token.replace(/_/g, ''));
    if (/^0x[0-9A-Fa-f_]+$|^0o[0-7_]+$|^0b[01_]+$/.test(token)) return Number(token.replace(/_/g, ''));
    if (/^[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?$/.test(token)) return Number(token.replace(/_/g, ''));
    if (/^[+-]?(?:inf|nan)$/.test(token)) return token.endsWith('inf') ? (token.startsWith('-') ? -Infinity : Infinity) : NaN;
    if (/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?$|^\d{2}:\d{2}:\d{2}(?:\.\d+)?$/i.test(token)) return token;
    return this.fail(token ? `unknown value ${JSON.stringify(token)}` : `expected a value, found ${JSON.stringify(this.peek() || 'end of file')}`);
  }

  private value(): unknown {
    const ch = this.peek();
    if (ch === '"') return this.basicString();
    if (ch === "'") return this.literalString();
    if (ch !== '[' && ch !== '{') return this.scalar();
    if (++this.depth > MAX_TOML_DEPTH) this.fail(`values nest deeper than ${MAX_TOML_DEPTH} levels`);
    try {
      return ch === '[' ? this.arrayValue() : this.inlineTable();
    } finally {
      this.depth--;
    }
  }

  private arrayValue(): unknown[] {
    this.advance();
    const items: unknown[] = [];
    for (;;) {
      this.skipBlank();
      if (this.peek() === ']') break;
      items.push(this.value());
      this.skipBlank();
      if (this.peek() === ',') this.advance();
      else if (this.peek() !== ']') this.fail(`expected ',' or ']' in array, found ${JSON.stringify(this.peek() || 'end of file')}`);
    }
    this.advance();
    return items;
  }

  private inlineTable(): TomlTable {
    this.advance();
    const table: TomlTable = {};
    this.skipSpaces();
    if (this.peek() === '}') {
      this.advance();
      return table;
    }
    for (;;) {
      this.assign(table, this.key());
      this.skipSpaces();
      if (this.peek() === '}') break;
      if (this.peek() !== ',') this.fail(`expected ',' or '}' in inline table, found ${JSON.stringify(this.peek() || 'end of file')}`);
      this.advance();
    }
    this.advance();
    return table;
  }

  private assign(table: TomlTable, path: string[]): void {
    if (this.peek() !== '=') this.fail(`expected '=' after key ${path.join('.')}`);
    this.advance();
    this.skipSpaces();
    const target = this.descend(table, path, path.length - 1);
    const last = path[path.length - 1] ?? '';
    if (Object.hasOwn(target, last)) this.fail(`duplicate key ${path.join('.')}`);
    setOwnKey(target, last, this.value());
  }

  /** The table the first `count` parts of `path` name below `from`, made as needed. */
  private descend(from: TomlTable, path: string[], count: number): TomlTable {
    let table = from;
    for (let i = 0; i < count; i++) {
      const part = path[i] as string;
      let next = own(table, part);
      if (next === undefined) setOwnKey(table, part, (next = {}));
      if (Array.isArray(next)) next = next[next.length - 1];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) this.fail(`key ${part} is not a table`);
      table = next as TomlTable;
    }
    return table;
  }

  document(): TomlTable {
    const text = this.text;
    const root: TomlTable = {};
    let current = root;
    for (;;) {
      this.skipBlank();
      if (this.pos >= text.length) return root;
      const headerLine = this.line;
      if (text.startsWith('[[', this.pos)) {
        this.advance(2);
        const path = this.key();
        if (!text.startsWith(']]', this.pos)) this.fail("expected ']]' after table name");
        this.advance(2);
        const parent = this.descend(root, path, path.length - 1);
        const last = path[path.length - 1] ?? '';
        let list = own(parent, last);
        if (list === undefined) setOwnKey(parent, last, (list = []));
        if (!Array.isArray(list)) this.fail(`${path.join('.')} is not an array of tables`);
        current = {};
        (list as unknown[]).push(current);
      } else if (this.peek() === '[') {
        this.advance();
        const path = this.key();
        if (this.peek() !== ']') this.fail("expected ']' after table name");
        this.advance();
        current = this.descend(root, path, path.length);
      } else {
        this.assign(current, this.key());
        this.endOfLine();
        continue;
      }
      headerLines.set(current, headerLine);
      this.endOfLine();
    }
  }
}

/** A table's own value for a key: `constructor`, `toString`, `__proto__` are keys like any other, never inherited. */
const own = (table: TomlTable, key: string): unknown => (Object.hasOwn(table, key) ? table[key] : undefined);


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
