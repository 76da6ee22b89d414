import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { goScheme, isPseudoVersion, parseGoVersion, withoutGoPrefix } from '../../../src/core/versions/go.ts';

const parse = (text: string) => {
  const v = parseGoVersion(text);
  assert.ok(v, `${text} should parse`);
  return v;
};

describe('Go module versions', () => {
  test('read with or without the leading v (go.mod writes it, OSV does not)', () => {
    assert.equal(goScheme.compare(parse('v1.2.3'), parse('1.2.3')), 0);
    assert.equal(withoutGoPrefix('v0.7.0'), '0.7.0');
  });

  test('pseudo-versions sort between the tag they follow and the next release, chronologically', () => {
    const chain = [
      'v0.0.0-20191109021931-daa7c04131f5',
      'v0.0.0-20221212164502-fae10dda9338',
      'v1.2.3',
      'v1.2.4-0.20191109021931-daa7c04131f5',
      'v1.2.4-0.20200101000000-0123456789ab',
      'v1.2.4',
      'v1.3.0-beta.1',
      'v1.3.0-beta.1.0.20200101000000-0123456789ab',
      'v1.3.0',
    ];
    for (let i = 1; i < chain.length; i++) assert.ok(goScheme.compare(parse(chain[i - 1] ?? ''), parse(chain[i] ?? '')) < 0, `${chain[i - 1]} < ${chain[i]}`);
  });

  test('recognises the three pseudo-version forms and nothing else', () => {
    for (const v of ['v0.0.0-20221212164502-fae10dda9338', 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.3.0-beta.1.0.20200101000000-0123456789ab', '1.0.4-0.20180125103619-43913f2f4fbd', 'v2.0.0-20190101000000-abcdefabcdef+incompatible']) {
      assert.ok(isPseudoVersion(v), v);
    }
    for (const v of ['v1.2.3', 'v1.2.4-beta.1', 'v1.2.4-0.2019', 'v0.0.0-2019110902193-daa7c04131f5']) assert.ok(!isPseudoVersion(v), v);
  });

  test('+incompatible is build metadata: same precedence, still a distinct string', () => {
    assert.equal(goScheme.compare(parse('v20.10.7+incompatible'), parse('20.10.7')), 0);
    assert.ok(goScheme.compare(parse('v20.10.7+incompatible'), parse('20.10.8')) < 0);
    assert.equal(goScheme.equals(parse('v20.10.7+incompatible'), parse('20.10.7')), false);
  });

  test('rejects what is not a module version', () => {
    for (const v of ['', 'v1', 'v1.2', 'latest', 'master', 'v1.2.3.4', 'vv1.2.3']) assert.equal(parseGoVersion(v), null, v);
  });
});
