import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrustProxy } from '../../../src/server/config.ts';

test('EMBARGO_TRUST_PROXY: unset/false trust nobody, true is one hop, a count is hops, else proxy addresses', () => {
  const read = (raw: string | undefined) => {
    const problems: string[] = [];
    return { value: parseTrustProxy(raw, problems), problems };
  };
  assert.deepEqual(read(undefined), { value: false, problems: [] });
  assert.deepEqual(read('false'), { value: false, problems: [] });
  assert.deepEqual(read('true'), { value: 1, problems: [] });
  assert.deepEqual(read('2'), { value: 2, problems: [] });
  assert.deepEqual(read(' 10.0.0.0/8, 192.0.2.1 ,fd00::/8 '), { value: '10.0.0.0/8,192.0.2.1,fd00::/8', problems: [] });
  for (const bad of ['yes', 'proxy.example.org', '10.0.0.0/33', '::1/129', '10.0.0.1/8/8', '10.0.0.1, nope']) {
    const r = read(bad);
    assert.equal(r.value, false, bad);
    assert.equal(r.problems.length, 1, bad);
    assert.match(r.problems[0] ?? '', /EMBARGO_TRUST_PROXY must be/);
  }
});
