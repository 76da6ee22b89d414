import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { readBlockYaml } from '../../../src/core/scanner/yaml-block-subset.ts';
import { fixtureText } from './fixtures.ts';

const full = (text: string): unknown => parseDocument(text, { schema: 'failsafe' }).toJS();

describe('fast block-YAML reader', () => {
  for (const fixture of ['lockfiles/kysely-HEAD/pnpm-lock.yaml', 'synthetic/pnpm-v5/pnpm-lock.yaml', 'synthetic/pnpm-v6/pnpm-lock.yaml', 'synthetic/yarn-berry/yarn.lock']) {
    test(`reads ${fixture} exactly as the yaml package does`, () => {
      const text = fixtureText(fixture);
      const fast = readBlockYaml(text);
      assert.notEqual(fast, undefined, 'inside the subset');
      assert.deepEqual(fast, full(text));
    });
  }

  test('scalars, quotes, comments, flow collections and sequences at the parent indent', () => {
    const text = "a: plain value # note\nb: 'it''s'\nc: \"x\\ty\"\nd: {k: v, 'q': \"w\"}\ne: [1, two]\nf:\n- x\n- 'y'\ng:\nh: a#b\n";
    assert.deepEqual(readBlockYaml(text), full(text));
  });

  test('keys and plain values as the yaml package reads them, or left to it; never a document it calls invalid', () => {
    const keys = ['a:b: c', 'a #x: y', 'a#x: y', '-a: b', 'a:  b', 'a.b/c@1.0.0(x@2): d', 'é: x', 'k:', '?a: b', 'a::', 'a: # c', "a: 'b' # c", 'x: y#z'];
    const values = ['b: c', 'b:', 'b : c', 'http://x', 'b:c', ':x', '-1', '-', '- b', '?', '? b', '-b', '?b', ':', '[b: c]', '[a, b: c]', '[b:c]', '[? b]', '[:]', '{b: c: d}', '{b: c:d}', '[-1]'];
    const texts = [...keys.map((k) => `${k}\n`), ...values.map((v) => `a: ${v}\n`)];
    for (const text of texts) {
      const fast = readBlockYaml(text);
      if (fast === undefined) continue;
      assert.deepEqual(parseDocument(text, { schema: 'failsafe' }).errors, [], `read ${JSON.stringify(text)} though it is not valid YAML`);
      assert.deepEqual(fast, full(text), JSON.stringify(text));
    }
    // Most of them stay inside the subset.
    assert.ok(texts.filter((t) => readBlockYaml(t) !== undefined).length >= 18);
  });

  test('only the top-level entries asked for, the others still checked', () => {
    const text = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies: {a: b}\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\nsnapshots:\n  a@1.0.0: {}\n";
    const keep = new Set(['lockfileVersion', 'packages']);
    assert.deepEqual(readBlockYaml(text, keep), { lockfileVersion: '9.0', packages: { 'a@1.0.0': { resolution: { integrity: 'x' } } } });
    // A construct outside the subset in an entry left out still sends the document to the full parser.
    assert.equal(readBlockYaml(`${text}  b@1.0.0: &anchor {}\n`, keep), undefined);
    assert.equal(readBlockYaml(`${text}  a@1.0.0: {}\n`, keep), undefined, 'a duplicate key in an entry left out');
    assert.equal(readBlockYaml(`${text}snapshots: {}\n`, keep), undefined, 'a duplicate top-level key left out');
  });

  test('a __proto__ key is an own key, as the yaml package reads it, never the mapping\'s prototype', () => {
    const text = "packages:\n  __proto__:\n    resolution: {integrity: x}\n  a@1.0.0:\n    resolution: {__proto__: y, b: c}\n";
    const fast = readBlockYaml(text) as { packages: Record<string, Record<string, Record<string, string>>> };
    assert.deepEqual(fast, full(text));
    assert.deepEqual(Object.keys(fast.packages), ['__proto__', 'a@1.0.0']);
    assert.equal(Object.getPrototypeOf(fast.packages), Object.prototype);
    assert.equal(Object.getPrototypeOf(fast.packages['a@1.0.0']?.resolution), Object.prototype);
    assert.deepEqual(Object.keys(fast.packages['a@1.0.0']?.resolution ?? {}), ['__proto__', 'b']);
  });

  for (const [what, text] of [
    ['anchors', 'a: &x 1\nb: *x\n'],
    ['block scalars', 'a: |\n  text\n'],
    ['multi-line flow', 'a: {b: 1,\n  c: 2}\n'],
    ['nested flow', 'a: {b: {c: 1}}\n'],
    ['mappings inside sequences', 'a:\n  - b: 1\n'],
    ['documents', '---\na: 1\n'],
    ['tabs', 'a:\n\tb: 1\n'],
    ['unexpected indentation', 'a: 1\n  b: 2\n'],
  ] as const) {
    test(`leaves ${what} to the full parser`, () => assert.equal(readBlockYaml(text), undefined));
  }
});
