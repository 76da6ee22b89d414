import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDomainError } from '../../../src/core/errors.ts';
import { parseLockfile } from '../../../src/core/scanner/parse-lockfile.ts';
import { parseToml, tableLine } from '../../../src/core/scanner/toml.ts';

describe('TOML reader', () => {
  test('tables, arrays of tables, dotted and quoted keys, and every value form lockfiles use', () => {
    const doc = parseToml(
      [
        '# comment',
        'title = "lock" # trailing comment',
        'int = 1_000',
        'neg = -5',
        'float = 1.5e3',
        'yes = true',
        'when = 1979-05-27T07:32:00Z',
        'day = 1979-05-27',
        "literal = 'C:\\path'",
        'escaped = "tab\\tquote\\" \\u00e9"',
        'multi = """',
        'line one \\',
        '  still one"""',
        "raw = '''a",
        "b'''",
        'site."google.com" = true',
        'list = [',
        '  "a", # first',
        '  { file = "x.whl", hash = "sha256:0" },',
        ']',
        '',
        '[[package]]',
        'name = "a"',
        '',
        '[package.extras]',
        'dev = ["b"]',
        '',
        '[[package]]',
        'name = "c"',
        'inline = {}',
      ].join('\n'),
      'x.toml',
    );
    assert.deepEqual(doc, {
      title: 'lock',
      int: 1000,
      neg: -5,
      float: 1500,
      yes: true,
      when: '1979-05-27T07:32:00Z',
      day: '1979-05-27',
      literal: 'C:\\path',
      escaped: 'tab\tquote" é',
      multi: 'line one still one',
      raw: 'a\nb',
      site: { 'google.com': true },
      list: ['a', { file: 'x.whl', hash: 'sha256:0' }],
      package: [{ name: 'a', extras: { dev: ['b'] } }, { name: 'c', inline: {} }],
    });
    const packages = doc.package as object[];
    assert.deepEqual(packages.map((p) => tableLine(p)), [22, 28]);
  });

  const errors: [string, number, RegExp][] = [
    ['a = 1\nb = \n', 2, /expected a value/],
    ['a = "x\n', 1, /newline in a one-line string/],
    ['a = "x"\na = "y"\n', 2, /duplicate key a/],
    ['[table\n', 1, /expected '\]'/],
    ['a = [1, 2\n', 2, /expected ',' or '\]'/],
    ['a = 1 b = 2\n', 1, /unexpected "b" after value/],
    ['a = "\\q"\n', 1, /bad escape/],
    ['a = nope\n', 1, /unknown value "nope"/],
    ['= 1\n', 1, /expected a key/],
    ['a = 1\n[a.b]\n', 2, /key a is not a table/],
  ];
  for (const [text, line, message] of errors) {
    test(`error at line ${line}: ${message.source}`, () => {
      assert.throws(() => parseToml(text, 'x.toml'), (e: unknown) => isDomainError(e) && e.message.startsWith(`x.toml:${line}: invalid TOML`) && message.test(e.message));
    });
  }

  test('nesting is bounded: 100,000 nested arrays or inline tables are an error naming the limit, not a stack overflow', () => {
    for (const [open, close] of [['[', ']'], ['{ a = ', ' }']] as const) {
      const text = `a = ${open.repeat(100_000)}1${close.repeat(100_000)}\n`;
      assert.throws(() => parseToml(text, 'deep.toml'), (e: unknown) => isDomainError(e) && /deep\.toml:1: invalid TOML: values nest deeper than 64 levels/.test(e.message));
    }
    // Real lockfiles nest a few levels; 64 is far beyond them.
    assert.deepEqual(parseToml(`a = ${'['.repeat(64)}1${']'.repeat(64)}\n`, 'ok.toml').a !== undefined, true);
  });

  test('keys named like Object.prototype\'s properties are keys: __proto__ never reaches a prototype, constructor is a table', () => {
    const doc = parseToml(
      ['[__proto__]', 'polluted = "yes"', '', '[a]', '__proto__.b = 1', 'c.__proto__ = { d = 2 }', '', '[constructor]', 'x = 1', '', '[[toString]]', 'y = 2'].join('\n'),
      'proto.toml',
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
    assert.equal(({} as Record<string, unknown>).b, undefined);
    assert.equal(({} as Record<string, unknown>).d, undefined);
    assert.equal(Object.getPrototypeOf(doc), Object.prototype);
    assert.deepEqual(Object.keys(doc), ['__proto__', 'a', 'constructor', 'toString']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(doc, '__proto__')?.value, { polluted: 'yes' });
    const a = doc.a as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(a), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(a, '__proto__')?.value, { b: 1 });
    assert.deepEqual(Object.getOwnPropertyDescriptor(a.c, '__proto__')?.value, { d: 2 });
    assert.deepEqual(doc.constructor, { x: 1 });
    assert.deepEqual(doc.toString, [{ y: 2 }]);
    assert.throws(() => parseToml('__proto__ = 1\n__proto__ = 2\n', 'x.toml'), /x\.toml:2: invalid TOML: duplicate key __proto__/);
  });

  test('a lockfile naming a table __proto__ changes no other object', () => {
    assert.throws(() => parseLockfile('Cargo.lock', '[__proto__]\nisAdmin = true\n[[package]]\nname = "a"\n'), /needs a name and a version/);
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
  });
});
