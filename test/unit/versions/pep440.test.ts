import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { comparePep440, formatPep440, parsePep440, pep440Scheme } from '../../../src/core/versions/pep440.ts';

const parse = (text: string) => {
  const v = parsePep440(text);
  assert.ok(v, `${text} should parse`);
  return v;
};

/** Asserts that `versions` is strictly increasing, comparing every pair (not only neighbours). */
function assertAscending(versions: string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      const expected = Math.sign(i - j);
      assert.equal(Math.sign(comparePep440(parse(versions[i] ?? ''), parse(versions[j] ?? ''))), expected, `${versions[i]} vs ${versions[j]}`);
    }
  }
}

describe('PEP 440 ordering', () => {
  test("the specification's summary of suffixes and their relative ordering", () => {
    assertAscending([
      '1.dev0', '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2',
      '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5',
      '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1',
    ]);
  });

  test("the specification's epoch example: a new epoch sorts after every version of the old one", () => {
    assertAscending(['2013.10', '2014.04', '1!1.0', '1!1.1', '1!2.0']);
  });

  test('release segments compare numerically and trailing zeros do not count', () => {
    assertAscending(['0.9', '0.10', '1.0', '1.0.1', '1.1', '2']);
    assert.equal(comparePep440(parse('1.0'), parse('1.0.0')), 0);
    assert.equal(comparePep440(parse('1.0.0.0'), parse('1')), 0);
    assert.ok(pep440Scheme.equals(parse('1.0a'), parse('1.0a0')));
  });

  test('numbers beyond 2^53 keep their order', () => {
    assertAscending(['1.9007199254740993', '1.9007199254740994', '1.90071992547409940']);
  });

  test('local versions: absent first, numeric segments above alphanumeric ones, longer after a shared prefix', () => {
    assertAscending(['1.0', '1.0+abc', '1.0+abc.1', '1.0+abd', '1.0+1', '1.0+2', '1.0+10']);
  });

  test('a dev release of a final sorts below its pre-releases, a dev release of a post release below the post', () => {
    assertAscending(['1.0.dev1', '1.0a1', '1.0', '1.0.post1.dev1', '1.0.post1']);
  });
});

describe('PEP 440 normalisation (the specification section "Normalization")', () => {
  const cases: [string, string][] = [
    ['1.1RC1', '1.1rc1'],
    ['00', '0'],
    ['09000', '9000'],
    ['1.0+foo0100', '1.0+foo0100'],
    ['1.0+0100', '1.0+100'],
    ['1.1.a1', '1.1a1'],
    ['1.1-a1', '1.1a1'],
    ['1.0a.1', '1.0a1'],
    ['1.1alpha1', '1.1a1'],
    ['1.1beta2', '1.1b2'],
    ['1.1c3', '1.1rc3'],
    ['1.1pre4', '1.1rc4'],
    ['1.1preview5', '1.1rc5'],
    ['1.2a', '1.2a0'],
    ['1.2-post2', '1.2.post2'],
    ['1.2post2', '1.2.post2'],
    ['1.2.post-2', '1.2.post2'],
    ['1.0-r4', '1.0.post4'],
    ['1.0-rev4', '1.0.post4'],
    ['1.2.post', '1.2.post0'],
    ['1.0-1', '1.0.post1'],
    ['1.2-dev2', '1.2.dev2'],
    ['1.2dev2', '1.2.dev2'],
    ['1.2.dev', '1.2.dev0'],
    ['1.0+ubuntu-1', '1.0+ubuntu.1'],
    ['1.0+Ubuntu_1', '1.0+ubuntu.1'],
    ['v1.0', '1.0'],
    [' 1.0\n', '1.0'],
    ['1!2.0', '1!2.0'],
    ['0!1.0', '1.0'],
  ];
  for (const [input, normal] of cases) {
    test(`${JSON.stringify(input)} → ${normal}`, () => assert.equal(formatPep440(parse(input)), normal));
  }
});

describe('PEP 440 rejects what is not a version', () => {
  for (const text of ['', '1.0-', 'french toast', '1.0.x', '1.0+', '1.0+.local', '1.0+local.', '2019-09-12', '0.2.0-n653', '1.0 1.1', 'v', '1..0']) {
    test(JSON.stringify(text), () => assert.equal(parsePep440(text), null));
  }
});
