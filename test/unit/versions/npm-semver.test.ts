import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { npmScheme, parseNpmVersion } from '../../../src/core/versions/npm.ts';

const parse = (text: string) => {
  const v = parseNpmVersion(text);
  assert.ok(v, `${text} should parse`);
  return v;
};

describe('npm semver ordering (node-semver test/fixtures/comparisons.js: first is greater)', () => {
  const greater: [string, string][] = [
    ['0.0.0', '0.0.0-foo'],
    ['0.0.1', '0.0.0'],
    ['1.0.0', '0.9.9'],
    ['0.10.0', '0.9.0'],
    ['0.99.0', '0.10.0'],
    ['2.0.0', '1.2.3'],
    ['v0.0.0', '0.0.0-foo'],
    ['v0.0.1', '0.0.0'],
    ['1.2.3', '1.2.3-asdf'],
    ['1.2.3', '1.2.3-4'],
    ['1.2.3', '1.2.3-4-foo'],
    ['1.2.3-5-foo', '1.2.3-5'],
    ['1.2.3-5', '1.2.3-4'],
    ['1.2.3-5-foo', '1.2.3-5-Foo'],
    ['3.0.0', '2.7.2+asdf'],
    ['1.2.3-a.10', '1.2.3-a.5'],
    ['1.2.3-a.b', '1.2.3-a.5'],
    ['1.2.3-a.b', '1.2.3-a'],
    ['1.2.3-a.b.c.10.d.5', '1.2.3-a.b.c.5.d.100'],
    ['1.2.3-r2', '1.2.3-r100'],
    ['1.2.3-r100', '1.2.3-R2'],
  ];
  for (const [a, b] of greater) {
    test(`${a} > ${b}`, () => {
      assert.ok(npmScheme.compare(parse(a), parse(b)) > 0);
      assert.ok(npmScheme.compare(parse(b), parse(a)) < 0);
    });
  }

  test('SemVer 2.0.0 §11 example chain', () => {
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 1; i < chain.length; i++) assert.ok(npmScheme.compare(parse(chain[i - 1] ?? ''), parse(chain[i] ?? '')) < 0, `${chain[i - 1]} < ${chain[i]}`);
  });
});

describe('npm semver equality (node-semver test/fixtures/equality.js, strict entries)', () => {
  const equal: [string, string][] = [
    ['1.2.3', 'v1.2.3'],
    ['1.2.3-0', 'v1.2.3-0'],
    ['1.2.3-beta', 'v1.2.3-beta'],
    ['1.2.3-beta+build', '1.2.3-beta+otherbuild'],
    ['1.2.3+build', '1.2.3+otherbuild'],
    ['  v1.2.3+build', '1.2.3+otherbuild'],
  ];
  for (const [a, b] of equal) {
    test(`${JSON.stringify(a)} has the precedence of ${b}; build metadata is ignored`, () => assert.equal(npmScheme.compare(parse(a), parse(b)), 0));
  }

  test('build metadata still tells two releases apart for exact `versions` lists', () => {
    assert.equal(npmScheme.equals(parse('1.2.3+build'), parse('1.2.3+otherbuild')), false);
    assert.equal(npmScheme.equals(parse('v1.2.3'), parse('1.2.3')), true);
  });
});

describe('npm semver rejects what node-semver rejects without `loose`', () => {
  for (const text of ['1.2', '1.2.3.4', '01.2.3', '1.2.3-01', '=1.2.3', 'V1.2.3', '1.2.3-', '1.2.3+', 'a.b.c', '9007199254740992.0.0', `1.2.${'9'.repeat(300)}`]) {
    test(JSON.stringify(text), () => assert.equal(parseNpmVersion(text), null));
  }
});
