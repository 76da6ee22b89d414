/**
 * A fast reader for the block YAML that lockfile generators write (pnpm, yarn berry): block mappings and
 * sequences, plain and quoted scalars, one-line flow mappings and sequences; every scalar is a string, as in
 * YAML's failsafe schema. It returns undefined at the first construct outside that subset (anchors, tags,
 * block scalars, multi-line flow, tabs), so the caller can hand the text to a full YAML parser instead:
 * the `yaml` package needs about a second for a 600 kB pnpm-lock.yaml, this a few tens of milliseconds.
 *
 * A scan runs this once per lockfile, mostly before V8 has optimised it, so each line is looked at once:
 * its indentation and whether it is blank (only whitespace, or a comment) are worked out in one pass.
 */
export function readBlockYaml(text: string): unknown {
  const lines = text.split(/\r?\n/);
  const count = lines.length;
  /** Each line without its indentation, and the indentation's length (-1: a blank or comment line). */
  const contents: string[] = new Array<string>(count);
  const indents = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    const line = lines[j] as string;
    const content = line.trimStart();
    contents[j] = content;
    // The lines /^\s*(?:#.*)?$/ matches: trimStart removes exactly what \s matches, and `.` no line terminator.
    const blank = content === '' || (content.charCodeAt(0) === 35 && !/[\r\u2028\u2029]/.test(content));
    indents[j] = blank ? -1 : line.length - content.length;
  }
  let i = 0;

  const skipBlank = (): void => {
    while (i < count && (indents[i] as number) < 0) i++;
  };

  const block = (indent: number): unknown => {
    skipBlank();
    const line = lines[i] ?? '';
    return line.slice(indent).startsWith('- ') || line.trim() === '-' ? sequence(indent) : mapping(indent);
  };

  const mapping = (indent: number): Record<string, unknown> | undefined => {
    const out: Record<string, unknown> = {};
    for (skipBlank(); i < count; skipBlank()) {
      const n = indents[i] as number;
      if (n < indent) break;
      if (n > indent || (lines[i] as string).includes('\t')) return undefined;
      const entry = keyAndRest(contents[i] as string);
      if (!entry || Object.hasOwn(out, entry.key)) return undefined;
      i++;
      if (entry.rest !== '') {
        const v = scalarOrFlow(entry.rest);
        if (v === undefined) return undefined;
        put(out, entry.key, v);
        continue;
      }
      skipBlank();
      // Past the end, as for an empty line: indentation 0, no sequence.
      const nextIndent = i < count ? (indents[i] as number) : 0;
      const sameIndentSequence = nextIndent === indent && i < count && (contents[i] as string).startsWith('-');
      if (i < count && (nextIndent > indent || sameIndentSequence)) {
        const v = block(nextIndent);
        if (v === undefined) return undefined;
        put(out, entry.key, v);
      } else put(out, entry.key, '');
    }
    return out;
  };

  const sequence = (indent: number): unknown[] | undefined => {
    const out: unknown[] = [];
    for (skipBlank(); i < count; skipBlank()) {
      const n = indents[i] as number;
      const content = contents[i] as string;
      if (n < indent || !content.startsWith('-')) break;
      if (n > indent || (lines[i] as string).includes('\t')) return undefined;
      const rest = content.slice(1).trim();
      // `- key: value` items (mappings inside sequences) are left to the full parser.
      if (rest === '' || keyAndRest(rest)) return undefined;
      const v = scalarOrFlow(rest);
      if (v === undefined) return undefined;
      out.push(v);
      i++;
    }
    return out;
  };

  const doc = block(0);
  skipBlank();
  return i < count ? undefined : doc;
}

/** Sets a mapping's own key, as the yaml package does: `out.__proto__ = v` would replace its prototype instead. */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  else out[key] = value;
}

/** `key: rest` with a plain, single- or double-quoted key; null when the line is not a mapping entry. */
function keyAndRest(text: string): { key: string; rest: string } | null {
  let key: string | undefined;
  let after: number;
  if (text.startsWith("'") || text.startsWith('"')) {
    const end = closingQuote(text, 0);
    if (end === -1) return null;
    key = quoted(text.slice(0, end + 1));
    after = end + 1;
  } else {
    const m = /^([^\s#&*!|>'"%@`{[\]},?:-][^#]*?|-[^\s#][^#]*?):(?=\s|$)/.exec(text);
    if (!m) return null;
    key = m[1];
    after = (m[1] ?? '').length;
  }
  if (key === undefined || text[after] !== ':' || !(after + 1 === text.length || text[after + 1] === ' ')) return null;
  return { key, rest: stripComment(text.slice(after + 1)).trim() };
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
    return /[{}[\]]/.test(inner) ? undefined : inner.split(',').map((s) => s.trim());
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
  if (text.startsWith('{') || text.startsWith('[')) return flow(text);
  if (text.startsWith("'") || text.startsWith('"')) {
    const end = closingQuote(text, 0);
    return end === text.length - 1 ? quoted(text) : undefined;
  }
  return /^[&*!|>%@`]/.test(text) ? undefined : text;
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
    const entry = keyAndRest(item);
    const value = entry && scalarOrFlow(entry.rest);
    if (!entry || value === undefined || Object.hasOwn(out, entry.key)) return undefined;
    put(out, entry.key, value);
  }
  return out;
}
