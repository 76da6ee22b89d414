import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { FieldProblem } from '../errors.ts';

/** A value in the document with its dotted path and 1-based line, for precise problems. */
export interface Field {
  node: Node | null;
  path: string;
  line: number;
}

/** Shared state of one parse: the document, its line index and every problem found so far. */
export class ReadContext {
  readonly problems: FieldProblem[] = [];

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  lineOf(node: Node | null | undefined, fallback: number): number {
    const offset = node?.range?.[0];
    return offset === undefined ? fallback : this.lines.linePos(offset).line;
  }

  resolve(node: Node | null): Node | null {
    if (node && isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return node;
  }

  report(field: Pick<Field, 'path' | 'line'>, message: string): void {
    this.problems.push({ field: field.path, message, line: field.line });
  }
}

const isEmpty = (node: Node | null): boolean => node === null || (isScalar(node) && node.value === null);

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function suggestion(key: string, allowed: readonly string[]): string {
  const close = allowed.find((k) => editDistance(k, key) <= 2);
  return close ? ` (did you mean "${close}"?)` : ` (allowed: ${allowed.join(', ')})`;
}

const child = (parent: string, key: string | number): string => (parent === '' ? String(key) : `${parent}.${key}`);

/** A YAML mapping whose keys are checked against the keys the schema allows. */
export class MapReader {
  private readonly pairs = new Map<string, Pair>();

  constructor(
    readonly ctx: ReadContext,
    node: YAMLMap,
    readonly path: string,
    readonly line: number,
    allowed: readonly string[],
  ) {
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : null;
      const at = { path: path || '(root)', line: ctx.lineOf(keyNode, line) };
      if (key === null) ctx.report(at, 'keys must be plain text');
      else if (!allowed.includes(key)) ctx.report({ path: child(path, key), line: at.line }, `unknown key${suggestion(key, allowed)}`);
      else this.pairs.set(key, pair);
    }
  }

  /** The field under `key`, or undefined when absent or empty (`key:` with no value). */
  get(key: string): Field | undefined {
    const pair = this.pairs.get(key);
    if (!pair) return undefined;
    const keyLine = this.ctx.lineOf(pair.key as Node | null, this.line);
    const node = this.ctx.resolve((pair.value as Node | null) ?? null);
    if (isEmpty(node)) return undefined;
    // Block values start on the line after their key; the key line is where the author looks.
    return { node, path: child(this.path, key), line: isScalar(node) ? this.ctx.lineOf(node, keyLine) : keyLine };
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The line of the key when present, else of the mapping itself. */
  lineOfKey(key: string): number {
    const pair = this.pairs.get(key);
    return pair ? this.ctx.lineOf(pair.key as Node | null, this.line) : this.line;
  }

  require(key: string): Field | undefined {
    const field = this.get(key);
    if (!field) this.ctx.report({ path: child(this.path, key), line: this.lineOfKey(key) }, 'is required');
    return field;
  }
}

export function asMap(ctx: ReadContext, field: Field, allowed: readonly string[]): MapReader | undefined {
  if (!field.node || !isMap(field.node)) {
    ctx.report(field, 'must be a mapping of keys to values');
    return undefined;
  }
  return new MapReader(ctx, field.node, field.path, field.line, allowed);
}

export function asList(ctx: ReadContext, field: Field): Field[] | undefined {
  if (!field.node || !isSeq(field.node)) {
    ctx.report(field, 'must be a list');
    return undefined;
  }
  return field.node.items.map((item, i) => {
    const node = ctx.resolve((item as Node | null) ?? null);
    return { node, path: child(field.path, i), line: ctx.lineOf(item as Node | null, field.line) };
  });
}

export function asString(ctx: ReadContext, field: Field): string | undefined {
  const node = field.node;
  if (node && isScalar(node)) {
    if (typeof node.value === 'string') return node.value;
    // `label: 1.0` is a number to YAML but the author meant the text they wrote.
    if (typeof node.value === 'number' && node.source !== undefined) return node.source;
  }
  ctx.report(field, 'must be text');
  return undefined;
}

export function asBoolean(ctx: ReadContext, field: Field): boolean | undefined {
  if (field.node && isScalar(field.node) && typeof field.node.value === 'boolean') return field.node.value;
  ctx.report(field, 'must be true or false');
  return undefined;
}

export function asNumber(ctx: ReadContext, field: Field, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  const value = field.node && isScalar(field.node) ? field.node.value : undefined;
  const ok = typeof value === 'number' && Number.isFinite(value) && (!opts.integer || Number.isInteger(value));
  if (!ok) {
    ctx.report(field, opts.integer ? 'must be a whole number' : 'must be a number');
    return undefined;
  }
  if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
    ctx.report(field, `must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}`);
    return undefined;
  }
  return value;
}

/** A list of text items; invalid items are reported and skipped. */
export function asStringList(ctx: ReadContext, field: Field): string[] {
  return (asList(ctx, field) ?? []).flatMap((item) => {
    const s = asString(ctx, item);
    return s === undefined ? [] : [s];
  });
}

export function asEnum<T extends string>(ctx: ReadContext, field: Field, values: readonly T[]): T | undefined {
  const s = asString(ctx, field);
  if (s === undefined) return undefined;
  if ((values as readonly string[]).includes(s)) return s as T;
  ctx.report(field, `must be one of: ${values.join(', ')}`);
  return undefined;
}

/** A list of text items that must each pass `check`; each bad item is reported on its own line. */
export function asCheckedStringList(ctx: ReadContext, field: Field, check: (s: string) => boolean, hint: string): string[] {
  return (asList(ctx, field) ?? []).flatMap((item) => {
    const s = checkedString(ctx, item, check, hint);
    return s === undefined ? [] : [s];
  });
}

/** Reads optional text that must pass `check`; `hint` explains the expected form. */
export function checkedString(
  ctx: ReadContext,
  field: Field | undefined,
  check: (s: string) => boolean,
  hint: string,
): string | undefined {
  if (!field) return undefined;
  const s = asString(ctx, field);
  if (s === undefined) return undefined;
  if (check(s)) return s;
  ctx.report(field, hint);
  return undefined;
}
