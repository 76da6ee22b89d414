import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stem, termsOf } from '../../../src/core/triage/terms.ts';

const keys = (text: string) => termsOf(text).map((t) => t.key);

describe('triage terms', () => {
  const cases: [string, string, string[]][] = [
    ['CVE ids, upper-cased', 'see cve-2024-12345 and CVE-2023-0001', ['cve:CVE-2024-12345', 'cve:CVE-2023-0001']],
    ['GHSA ids', 'GHSA-6vm3-jj99-7229 is public', ['ghsa:GHSA-6VM3-JJ99-7229']],
    ['OSV ids', 'like PYSEC-2021-76 and RUSTSEC-2025-0110 and GO-2023-1573', ['advisory:PYSEC-2021-76', 'advisory:RUSTSEC-2025-0110', 'advisory:GO-2023-1573']],
    ['a call', 'it crashes in parse_header() on input', ['function:parse_header']],
    ['a qualified name keeps its last part too', 'in `aiohttp.web_middlewares.normalize_path_middleware`', ['function:aiohttp.web_middlewares.normalize_path_middleware', 'function:normalize_path_middleware']],
    ['Rust paths and camelCase', 'Vec::from_raw_parts and readAll are unsound', ['function:vec.from_raw_parts', 'function:readall']],
    ['file paths by their last two parts and name', 'see src/rtmp/ingest.c line 40', ['file:rtmp/ingest.c', 'file:ingest.c']],
    ['versions without a v', 'fixed in v1.2.3, affects 0.13.1', ['version:1.2.3', 'version:0.13.1']],
    ['Go modules and GitHub repositories are packages', 'in github.com/gin-gonic/gin (https://github.com/foo/bar/issues/1)', ['package:foo/bar', 'package:github.com/gin-gonic/gin']],
    ['scoped npm packages', 'the @babel/core package', ['package:@babel/core']],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => {
      const got = keys(text);
      for (const k of want) assert.ok(got.includes(k), `${k} not in ${JSON.stringify(got)}`);
    });
  }

  test('a sentence end followed by a capital is not a qualified name', () => {
    assert.ok(!keys('the parser.The next one').some((k) => k.startsWith('function:')), JSON.stringify(keys('the parser.The next one')));
  });

  test('greetings, sign-offs and stop words leave no terms', () => {
    assert.deepEqual(keys('Hi team, thanks! Best regards'), []);
  });

  test('plurals, -ing/-ed and British spellings meet; security synonyms fold onto one word', () => {
    assert.equal(stem('requests'), stem('request'));
    assert.equal(stem('normalisation'), stem('normalization'));
    const a = keys('a segfault when parsing');
    const b = keys('a crash when parsed');
    assert.ok(a.includes('word:crash') && b.includes('word:crash'), `${a} ${b}`);
    assert.ok(a.includes(`word:${stem('parsing')}`) && b.includes(`word:${stem('parsed')}`));
    assert.equal(stem('parsing'), stem('parsed'));
  });

  test('words the Object prototype holds are words like any other', () => {
    assert.ok(keys('the constructor and toString of a class').includes('word:constructor'));
  });

  test('kinds of flaw are recognised by their usual names', () => {
    assert.ok(keys('stored XSS in the title').includes('class:cross-site scripting'));
    assert.ok(keys('denial of service via a long header').includes('class:denial of service'));
    assert.ok(keys('a use-after-free in the decoder').includes('class:memory safety'));
  });
});
