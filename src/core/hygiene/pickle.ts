/**
 * Reads a Python pickle's opcode stream without running it: which globals it imports (GLOBAL, INST,
 * STACK_GLOBAL with the two strings it takes from a simulated stack, EXT codes), and whether the stream is
 * well formed. Nothing is ever unpickled. Bounded: the stack, the memo and the kept string lengths are capped,
 * each opcode consumes at least one byte, so the work is linear in the input.
 */
export interface PickleAnalysis {
  /** module.name of every import, in order of first appearance. */
  globals: string[];
  /** STACK_GLOBAL operands that were not plain strings (an import hidden behind memo tricks or computed). */
  unresolved: number;
  /** EXT1/2/4: an import through the copyreg extension registry, unknowable here. */
  extensions: number;
  /** Why the stream is not a well-formed pickle, if it is not (what was read before still counts). */
  error: string | null;
  /** Pickles read (a file may hold several in a row, as torch's legacy format does). */
  pickles: number;
}

const MAX_STACK = 100_000;
const MAX_MEMO = 100_000;
const MAX_KEPT_STRING = 512;
const MAX_LINE = 64 * 1024;

const MARK = Symbol('mark');
const OTHER = Symbol('other');
type Value = string | typeof MARK | typeof OTHER;

class Malformed extends Error {}

/** Opcodes with no argument and their stack effect: pop n, pop to mark, then push or not. */
const SIMPLE: Record<number, { pop?: number; toMark?: boolean; push?: boolean }> = {
  0x4e: { push: true }, // N NONE
  0x88: { push: true }, // NEWTRUE
  0x89: { push: true }, // NEWFALSE
  0x7d: { push: true }, // } EMPTY_DICT
  0x5d: { push: true }, // ] EMPTY_LIST
  0x29: { push: true }, // ) EMPTY_TUPLE
  0x8f: { push: true }, // EMPTY_SET
  0x97: { push: true }, // NEXT_BUFFER
  0x98: {}, // READONLY_BUFFER
  0x30: { pop: 1 }, // 0 POP
  0x31: { toMark: true }, // 1 POP_MARK
  0x51: { pop: 1, push: true }, // Q BINPERSID
  0x52: { pop: 2, push: true }, // R REDUCE
  0x62: { pop: 1 }, // b BUILD
  0x6f: { toMark: true, push: true }, // o OBJ
  0x81: { pop: 2, push: true }, // NEWOBJ
  0x92: { pop: 3, push: true }, // NEWOBJ_EX
  0x64: { toMark: true, push: true }, // d DICT
  0x6c: { toMark: true, push: true }, // l LIST
  0x74: { toMark: true, push: true }, // t TUPLE
  0x91: { toMark: true, push: true }, // FROZENSET
  0x85: { pop: 1, push: true }, // TUPLE1
  0x86: { pop: 2, push: true }, // TUPLE2
  0x87: { pop: 3, push: true }, // TUPLE3
  0x61: { pop: 1 }, // a APPEND
  0x65: { toMark: true }, // e APPENDS
  0x73: { pop: 2 }, // s SETITEM
  0x75: { toMark: true }, // u SETITEMS
  0x90: { toMark: true }, // ADDITEMS
};

/** Opcodes whose argument is a fixed number of bytes, pushing a non-string value. */
const FIXED_PUSH: Record<number, number> = { 0x4a: 4, 0x4b: 1, 0x4d: 2, 0x47: 8 }; // BININT BININT1 BININT2 BINFLOAT
/** Opcodes whose argument is a length (of n bytes, little-endian) then that many bytes; `text`: a string. */
const SIZED: Record<number, { n: number; text: boolean }> = {
  0x54: { n: 4, text: true }, // T BINSTRING
  0x55: { n: 1, text: true }, // U SHORT_BINSTRING
  0x58: { n: 4, text: true }, // X BINUNICODE
  0x8c: { n: 1, text: true }, // SHORT_BINUNICODE
  0x8d: { n: 8, text: true }, // BINUNICODE8
  0x42: { n: 4, text: false }, // B BINBYTES
  0x43: { n: 1, text: false }, // C SHORT_BINBYTES
  0x8e: { n: 8, text: false }, // BINBYTES8
  0x96: { n: 8, text: false }, // BYTEARRAY8
  0x8a: { n: 1, text: false }, // LONG1
  0x8b: { n: 4, text: false }, // LONG4
};

const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
};

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function analysePickle(data: Uint8Array): PickleAnalysis {
  const result: PickleAnalysis = { globals: [], unresolved: 0, extensions: 0, error: null, pickles: 0 };
  const seen = new Set<string>();
  const addGlobal = (module: string, name: string): void => {
    const g = `${module.trim()}.${name.trim()}`;
    if (!seen.has(g)) {
      seen.add(g);
      result.globals.push(g);
    }
  };
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > data.length) throw new Malformed(`truncated at byte ${pos}`);
  };
  const uint = (n: number): number => {
    need(n);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + (data[pos + i] ?? 0);
    pos += n;
    return v;
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end === -1 || end - pos > MAX_LINE) throw new Malformed(`unterminated line at byte ${pos}`);
    const s = latin1(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  while (pos < data.length) {
    // One pickle: torch's legacy files and some tools write several in a row; garbage after the last is data.
    const first = result.pickles === 0;
    if (!first && data[pos] !== 0x80) break;
    const stack: Value[] = [];
    const memo = new Map<number, Value>();
    const push = (v: Value): void => {
      if (stack.length >= MAX_STACK) throw new Malformed('stack deeper than 100,000');
      stack.push(v);
    };
    const pop = (): Value => {
      if (!stack.length) throw new Malformed(`stack underflow at byte ${pos}`);
      return stack.pop() as Value;
    };
    const popToMark = (): void => {
      for (;;) if (pop() === MARK) return;
    };
    const put = (index: number): void => {
      if (!stack.length) throw new Malformed(`memo of an empty stack at byte ${pos}`);
      if (memo.size >= MAX_MEMO && !memo.has(index)) throw new Malformed('memo larger than 100,000');
      memo.set(index, stack[stack.length - 1] as Value);
    };
    const get = (index: number): void => {
      const v = memo.get(index);
      if (v === undefined) throw new Malformed(`memo ${index} read before it is set`);
      push(v);
    };
    try {
      let stopped = false;
      while (!stopped) {
        need(1);
        const op = data[pos++] as number;
        const simple = SIMPLE[op];
        if (simple) {
          if (simple.toMark) popToMark();
          for (let i = 0; i < (simple.pop ?? 0); i++) pop();
          if (simple.push) push(OTHER);
          continue;
        }
        const fixed = FIXED_PUSH[op];
        if (fixed !== undefined) {
          need(fixed);
          pos += fixed;
          push(OTHER);
          continue;
        }
        const sized = SIZED[op];
        if (sized) {
          const length = uint(sized.n);
          need(length);
          const bytes = data.subarray(pos, pos + length);
          pos += length;
          push(sized.text && length <= MAX_KEPT_STRING ? (op === 0x58 || op === 0x8c || op === 0x8d ? utf8.decode(bytes) : latin1(bytes)) : OTHER);
          continue;
        }
        switch (op) {
          case 0x80: // PROTO
            need(1);
            if ((data[pos] ?? 0) > 5) throw new Malformed(`unknown protocol ${data[pos]}`);
            pos += 1;
            break;
          case 0x95: // FRAME
            uint(8);
            break;
          case 0x2e: // . STOP
            pop();
            stopped = true;
            break;
          case 0x28: // ( MARK
            push(MARK);
            break;
          case 0x32: // 2 DUP
            push(stack.length ? (stack[stack.length - 1] as Value) : OTHER);
            break;
          case 0x46: // F FLOAT
          case 0x49: // I INT
          case 0x4c: // L LONG
          case 0x50: // P PERSID
            line();
            push(OTHER);
            break;
          case 0x53: { // S STRING
            const s = line();
            const quoted = /^(['"])(.*)\1$/s.exec(s);
            if (!quoted) throw new Malformed(`unquoted STRING at byte ${pos}`);
            push((quoted[2] ?? '').length <= MAX_KEPT_STRING ? (quoted[2] ?? '') : OTHER);
            break;
          }
          case 0x56: { // V UNICODE
            const s = line();
            push(s.length <= MAX_KEPT_STRING ? s : OTHER);
            break;
          }
          case 0x63: // c GLOBAL
            addGlobal(line(), line());
            push(OTHER);
            break;
          case 0x69: // i INST
            addGlobal(line(), line());
            popToMark();
            push(OTHER);
            break;
          case 0x93: { // STACK_GLOBAL
            const name = pop();
            const module = pop();
            if (typeof module === 'string' && typeof name === 'string') addGlobal(module, name);
            else result.unresolved++;
            push(OTHER);
            break;
          }
          case 0x82: // EXT1
          case 0x83: // EXT2
          case 0x84: // EXT4
            uint(op === 0x82 ? 1 : op === 0x83 ? 2 : 4);
            result.extensions++;
            push(OTHER);
            break;
          case 0x67: // g GET
            get(Number.parseInt(line(), 10));
            break;
          case 0x68: // h BINGET
            get(uint(1));
            break;
          case 0x6a: // j LONG_BINGET
            get(uint(4));
            break;
          case 0x70: // p PUT
            put(Number.parseInt(line(), 10));
            break;
          case 0x71: // q BINPUT
            put(uint(1));
            break;
          case 0x72: // r LONG_BINPUT
            put(uint(4));
            break;
          case 0x94: // MEMOIZE
            put(memo.size);
            break;
          default:
            throw new Malformed(`unknown opcode 0x${op.toString(16).padStart(2, '0')} at byte ${pos - 1}`);
        }
      }
      result.pickles++;
    } catch (e) {
      if (!(e instanceof Malformed)) throw e;
      // A later pickle that breaks off is the raw data of a legacy torch file, not a broken model.
      if (first) result.error = e.message;
      if (first) result.pickles++;
      break;
    }
  }
  if (!data.length) result.error = 'empty file';
  return result;
}

/** Does this look like a pickle at all (protocol 2+ header, or a protocol 0/1 stream's usual first opcodes)? */
export const looksLikePickle = (data: Uint8Array): boolean =>
  data.length > 1 && ((data[0] === 0x80 && (data[1] ?? 9) <= 5) || data[0] === 0x28 || data[0] === 0x63 || data[0] === 0x7d || data[0] === 0x5d);
