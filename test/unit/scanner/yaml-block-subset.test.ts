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
