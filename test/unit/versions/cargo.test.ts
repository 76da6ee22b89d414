import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cargoScheme } from '../../../src/core/versions/cargo.ts';

const parse = (text: string) => {
  const v = cargoScheme.parse(text);
  assert.ok(v, `${text} should parse`);
  return v;
};

describe('Cargo semver', () => {
  test('orders like SemVer 2.0.0, prereleases first', () => {
    const chain = ['0.0.0-0', '0.1.0', '0.1.10', '0.12.19', '0.12.19+1.1.0', '0.13.0-alpha.1', '0.13.0-alpha.2', '0.13.0-beta', '0.13.0', '1.0.0'];
    for (let i = 1; i < chain.length; i++) {
      const c = cargoScheme.compare(parse(chain[i - 1] ?? ''), parse(chain[i] ?? ''));
      // 0.12.19 and 0.12.19+1.1.0 share precedence: the build names the bundled libgit2, not a newer crate.
      if (chain[i] === '0.12.19+1.1.0') assert.equal(c, 0);
      else assert.ok(c < 0, `${chain[i - 1]} < ${chain[i]}`);
    }
  });

  test('0.0.0-0 (RustSec\'s "from the beginning") is below every release', () => {
    for (const v of ['0.0.0', '0.0.1-alpha', '0.0.0-1']) assert.ok(cargoScheme.compare(parse('0.0.0-0'), parse(v)) < 0, v);
  });

  test('is strict: no v prefix, no leading zeros, three parts', () => {
    for (const v of ['v1.0.0', '1.0', '01.0.0', '1.0.0-01', '1.0.0 ', '1.0.0-']) assert.equal(cargoScheme.parse(v), null, v);
  });
});
