import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TERM, termsOf, textOf } from '../../../src/core/search/terms.ts';

test('terms: lower-cased, NFKC, split on non-letters and non-digits, distinct, one-letter words dropped', () => {
  assert.deepEqual(termsOf('Stored XSS in <img src=x onerror=alert(1)> — XSS again'), ['stored', 'xss', 'in', 'img', 'src', 'onerror', 'alert', 'again']);
  assert.deepEqual(termsOf('CVE-2026-1234'), ['cve', '2026', '1234']);
  assert.deepEqual(termsOf('Ｆｕｌｌｗｉｄｔｈ ﬁle Überlauf ÜBERLAUF'), ['fullwidth', 'file', 'überlauf']);
  assert.deepEqual(termsOf(' a ! ? '), []);
});

test('terms: long words are cut, so a hash or a blob is still found by its start', () => {
  const long = 'a'.repeat(100);
  assert.deepEqual(termsOf(long), ['a'.repeat(MAX_TERM)]);
  assert.deepEqual(termsOf(long.slice(0, 70)), termsOf(long));
});

test('textOf: every string of a JSON value, nulls and numbers left out', () => {
  assert.equal(textOf({ description: 'one', steps: null, nested: { impact: 'two', list: ['three', 4] } }), 'one\n\ntwo\nthree\n');
});
