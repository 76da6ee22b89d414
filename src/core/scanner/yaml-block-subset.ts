import { setOwnKey } from './own-key.ts';

/**
 * A fast reader for the block YAML that lockfile generators write (pnpm, yarn berry): block mappings and
 * sequences, plain and quoted scalars, one-line flow mappings and sequences; every scalar is a string, as in
 * YAML's failsafe schema. It returns undefined at the first construct outside that subset (anchors, tags,
 * block scalars, multi-line flow, tabs), so the caller can hand the text to a full YAML parser instead:
 * the `yaml` package needs about a second for a 600 kB pnpm-lock.yaml, this a few tens of milliseconds.
 *
 * A scan runs this once per lockfile, mostly before V8 has optimised it, so each line is looked at once:
 * its indentation and whether it is blank (only whitespace, or a comment) are worked out in one pass.
 *
 * With `keep`, the top-level entries not named in it are read as carefully (a construct outside the subset
 * still returns undefined) but left out of the result: a pnpm lockfile's `snapshots` and `importers`, more than
 * half its lines, are never used.
 */
export function readBlockYaml(text: string, keep?: ReadonlySet<string>): unknown {
  return new BlockReader(text, keep).document();
}

/** What a block that is only checked (see `keep`) reads as. */
const SKIPPED: unique symbol = Symbol('skipped');

/**
 * The reader's state: one instance per document, its methods shared by every document (closures made per call
 * would be compiled again for each lockfile). Reads never go past the end of an array or string, and the key
 * and rest of a line come back in fields instead of a new object per line.
 */
class BlockReader {
  private readonly lines: string[];
  /** Each line without its indentation, and the indentation's length (-1: a blank or comment line). */
  private readonly contents: string[];
  private readonly indents: Int32Array;
  private readonly count: number;
  private readonly tabs: boolean;
  private i = 0;
  /** What `entry` read from the line. */
  private key = '';
  private rest = '';

  constructor(
    text: string,
    private readonly keep?: ReadonlySet<string>,
  ) {
    const lines = text.split(/\r?\n/);
    const count = lines.length;
    const contents = new Array<string>(count);
    const indents = new Int32Array(count);
    for (let j = 0; j < count; j++) {
      const line = lines[j] as string;
      const content = line.trimStart();
      contents[j] = content;
      // The lines /^\s*(?:#.*)?$/ matches: trimStart removes exactly what \s matches, and `.` no line terminator.
      const blank = content === '' || (content.charCodeAt(0) === 35 && !/[\r\u2028\u2029]/.test(content));
      indents[j] = blank ? -1 : line.length - content.length;
    }
    this.lines = lines;
    this.contents = contents;
    this.indents = indents;
    this.count = count;
    this.tabs = text.includes('\t');
  }

  document(): unknown {
    const doc = this.block(0, true, true);
    this.skipBlank();
    return this.i < this.count ? undefined : doc;
  }

  private skipBlank(): void {
    let i = this.i;
    while (i < this.count && (this.indents[i] as number) < 0) i++;
    this.i = i;
  }

  /** Whether line `i` (not blank) holds a tab, which the subset refuses anywhere on a line it reads. */
  private tabbed(i: number): boolean {
    return this.tabs && (this.lines[i] as string).includes('\t');
  }

  /**
   * The block at `indent`: a mapping or a sequence; undefined outside the subset. Unless `build`, it is only
   * checked, and comes back as `SKIPPED`.
   */
  private block(indent: number, build: boolean, top = false): unknown {
    this.skipBlank();
    const i = this.i;
    let sequence: boolean;
    if (i < this.count && this.indents[i] === indent) {
      // The line from `indent` on is its content: no slice or trim of the whole line needed.
      const content = this.contents[i] as string;
      sequence = content.startsWith('- ') || (content.charCodeAt(0) === 45 && content.trimEnd() === '-');
    } else {
      const line = i < this.count ? (this.lines[i] as string) : '';
      sequence = line.slice(indent).startsWith('- ') || line.trim() === '-';
    }
    return sequence ? this.sequence(indent, build) : this.mapping(indent, build, top);
  }

  private mapping(indent: number, build: boolean, top = false): Record<string, unknown> | typeof SKIPPED | undefined {
    const out: Record<string, unknown> = {};
    // Keys seen and not kept (or every key, when the mapping is only checked): a duplicate is outside the subset.
    const seen = build ? null : new Set<string>();
    const left = top && this.keep ? new Set<string>() : null;
    for (this.skipBlank(); this.i < this.count; this.skipBlank()) {
      const n = this.indents[this.i] as number;
      if (n < indent) break;
      if (n > indent || this.tabbed(this.i)) return undefined;
      if (!this.entry(this.contents[this.i] as string)) return undefined;
      const key = this.key;
      if (seen ? seen.has(key) : Object.hasOwn(out, key) || (left !== null && left.has(key))) return undefined;
      const keepValue = build && (left === null || (this.keep as ReadonlySet<string>).has(key));
      if (seen) seen.add(key);
      else if (!keepValue) left?.add(key);
      this.i++;
      if (this.rest !== '') {
        const v = scalarOrFlow(this.rest);
        if (v === undefined) return undefined;
        if (keepValue) setOwnKey(out, key, v);
        continue;
      }
      this.skipBlank();
      if (this.i >= this.count) {
        // Past the end, as for an empty line: no value.
        if (keepValue) setOwnKey(out, key, '');
        continue;
      }
      const nextIndent = this.indents[this.i] as number;
      if (nextIndent > indent || (nextIndent === indent && (this.contents[this.i] as string).startsWith('-'))) {
        const v = this.block(nextIndent, keepValue);
        if (v === undefined) return undefined;
        if (keepValue) setOwnKey(out, key, v);
      } else if (keepValue) setOwnKey(out, key, '');
    }
    return build ? out : SKIPPED;
  }

  private sequence(indent: number, build: boolean): unknown[] | typeof SKIPPED | undefined {
    const out: unknown[] = [];
    for (this.skipBlank(); this.i < this.count; this.skipBlank()) {
      const n = this.indents[this.i] as number;
      const content = this.contents[this.i] as string;
      if (n < indent || !content.startsWith('-')) break;
      if (n > indent || this.tabbed(this.i)) return undefined;
      const rest = content.slice(1).trim();
      // `- key: value` items (mappings inside sequences) are left to the full parser.
      if (rest === '' || this.entry(rest)) return undefined;
      const v = scalarOrFlow(rest);
      if (v === undefined) return undefined;
      if (build) out.push(v);
      this.i++;
    }
    return build ? out : SKIPPED;
  }

  /** `key: rest` with a plain, single- or double-quoted key into `key` and `rest`; false when not a mapping entry. */
  private entry(text: string): boolean {
    if (!keyAndRest(text)) return false;
    this.key = ENTRY.key;
    this.rest = ENTRY.rest;
    return true;
  }
}

/** Where `keyAndRest` leaves what it read: one object for every line instead of a new one per line. */
const ENTRY = { key: '', rest: '' };

/** First characters a plain key may start with (ASCII; others go through the pattern). */
const PLAIN_FIRST = new Uint8Array(128);
for (let c = 33; c < 127; c++) PLAIN_FIRST[c] = '#&*!|>\'"%@`{[]},?:-'.includes(String.fromCharCode(c)) ? 0 : 1;

/**
 * `key: rest` with a plain, single- or double-quoted key into `ENTRY`; false when the text is not a mapping
 * entry. Read `ENTRY` before the next call. A plain key ending at the text's first colon, followed by a space or
 * the end, with no `#` before it, is what the pattern would find there; anything else goes through the pattern.
 */
function keyAndRest(text: string): boolean {
  let key: string | undefined;
  let after: number;
  const first = text.charCodeAt(0);
  if (first === 39 || first === 34) {
    const end = closingQuote(text, 0);
    if (end === -1) return false;
    key = quoted(text.slice(0, end + 1));
    after = end + 1;
  } else {
    const colon = text.indexOf(':');
    if (first < 128 && PLAIN_FIRST[first] === 1 && colon > 0 && (colon + 1 === text.length || text.charCodeAt(colon + 1) === 32) && text.lastIndexOf('#', colon) === -1) {
      key = text.slice(0, colon);
      after = colon;
    } else {
      const m = /^([^\s#&*!|>'"%@`{[\]},?:-][^#]*?|-[^\s#][^#]*?):(?=\s|$)/.exec(text);
      if (!m) return false;
      key = m[1];
      after = (m[1] ?? '').length;
    }
  }
  if (key === undefined || after >= text.length || text.charCodeAt(after) !== 58 || !(after + 1 === text.length || text.charCodeAt(after + 1) === 32)) return false;
  ENTRY.key = key;
  ENTRY.rest = after + 1 === text.length ? '' : stripComment(text.slice(after + 1)).trim();
  return true;
}

function stripComment(text: string): string {
  if (!text.includes('#')) return text;
  const m = /(?:^|\s)#/.exec(text);
  if (!m) return text;
  // A # inside quotes is not a comment: only strip when the quotes before it are balanced.
  const before = text.slice(0, m.index);
  return (before.split("'").length - 1) % 2 === 0 && (before.split('"').length - 1) % 2 === 0 ? before : text;
}

/** Index of the quote closing the one at `start`, -1 if none on this line. */
function closingQuote(text: string, start: number): number {
  const q = text[start];
  for (let j = start + 1; j < text.length; j++) {
    if (q === '"' && text[j] === '\\') j++;
    else if (text[j] === q) {
      if (q === "'" && text[j + 1] === "'") j++;
      else return j;
    }
  }
  return -1;
}

function quoted(token: string): string | undefined {
  if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
  try {
    return JSON.parse(token) as string;
  } catch {
    return undefined;
  }
}

/** The items of a flow collection's inside, split at the commas outside quotes; undefined for nesting or an open quote. */
function flowItems(inner: string): string[] | undefined {
  if (!inner.includes("'") && !inner.includes('"')) {
    // Without quotes every comma separates items and any bracket is nesting.
    if (/[{}[\]]/.test(inner)) return undefined;
    const items = inner.split(',');
    for (let j = 0; j < items.length; j++) items[j] = (items[j] as string).trim();
    return items;
  }
  const items: string[] = [];
  let start = 0;
  for (let j = 0; j <= inner.length; j++) {
    const ch = inner[j];
    if (ch === "'" || ch === '"') {
      j = closingQuote(inner, j);
      if (j === -1) return undefined;
    } else if (ch === '{' || ch === '[' || ch === '}' || ch === ']') return undefined;
    else if (ch === ',' || ch === undefined) {
      items.push(inner.slice(start, j).trim());
      start = j + 1;
    }
  }
  return items;
}

function scalarOrFlow(text: string): unknown {
  switch (text.charCodeAt(0)) {
    case 123: // {
    case 91: // [
      return flow(text);
    case 39: // '
    case 34: {
      // "
      const end = closingQuote(text, 0);
      return end === text.length - 1 ? quoted(text) : undefined;
    }
    // Anchors, aliases, tags, block scalars and reserved indicators: outside the subset.
    case 38: // &
    case 42: // *
    case 33: // !
    case 124: // |
    case 62: // >
    case 37: // %
    case 64: // @
    case 96: // `
      return undefined;
    default:
      return plainScalar(text);
  }
}

/**
 * A plain scalar, or undefined for text YAML reads as more than one: `b: c` and `b:` are a nested mapping
 * (an error after a key, a pair inside a flow sequence), `- b` and `? b` a block item or key.
 */
function plainScalar(text: string): string | undefined {
  const first = text.charCodeAt(0);
  if ((first === 45 || first === 63) && (text.length === 1 || text.charCodeAt(1) === 32)) return undefined;
  return text.includes(': ') || text.endsWith(':') ? undefined : text;
}

/** One-line `{a: b, c: 'd'}` or `[a, 'b']`, without nesting. */
function flow(text: string): unknown {
  const isMap = text.startsWith('{');
  if (!text.endsWith(isMap ? '}' : ']')) return undefined;
  const inner = text.slice(1, -1).trim();
  const items = flowItems(inner);
  if (items === undefined) return undefined;
  if (inner === '') return isMap ? {} : [];
  if (items.some((s) => s === '')) return undefined;
  if (!isMap) {
    const values = items.map((s) => scalarOrFlow(s));
    return values.some((v) => v === undefined) ? undefined : values;
  }
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (!keyAndRest(item)) return undefined;
    const key = ENTRY.key;
    const value = scalarOrFlow(ENTRY.rest);
    if (value === undefined || Object.hasOwn(out, key)) return undefined;
    setOwnKey(out, key, value);
  }
  return out;
}
