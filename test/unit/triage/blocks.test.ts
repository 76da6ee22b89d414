import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressInRange, matchBlock, normalizeBlockValue } from '../../../src/core/triage/blocks.ts';

test('block values are normalised, and nonsense is refused', () => {
  assert.equal(normalizeBlockValue('email', '  Spam@Example.ORG '), 'spam@example.org');
  assert.equal(normalizeBlockValue('pgp', '0x' + 'ab12 '.repeat(10)), 'AB12'.repeat(10));
  assert.equal(normalizeBlockValue('network', '203.0.113.77/24'), '203.0.113.0/24');
  assert.equal(normalizeBlockValue('network', '203.0.113.77'), '203.0.113.77');
  assert.equal(normalizeBlockValue('network', '2001:DB8::1/32'), '2001:db8::/32');
  assert.equal(normalizeBlockValue('network', '::ffff:192.0.2.9'), '192.0.2.9');
  for (const [kind, v] of [['email', 'nobody'], ['pgp', 'ABCD'], ['network', '300.1.1.1'], ['network', '10.0.0.0/33'], ['network', '1::2::3']] as const) {
    assert.throws(() => normalizeBlockValue(kind, v), (e: { code?: string }) => e.code === 'validation', `${kind} ${v}`);
  }
});

test('an address matches the ranges it falls in, IPv4-mapped IPv6 as IPv4', () => {
  const cases: [string, string, boolean][] = [
    ['203.0.113.5', '203.0.113.0/24', true],
    ['203.0.114.5', '203.0.113.0/24', false],
    ['::ffff:203.0.113.5', '203.0.113.0/24', true],
    ['203.0.113.5', '203.0.113.5', true],
    ['10.1.2.3', '0.0.0.0/0', true],
    ['2001:db8:1::5', '2001:db8::/32', true],
    ['2001:db9::5', '2001:db8::/32', false],
    ['2001:db8::5', '203.0.113.0/24', false],
    ['not an ip', '203.0.113.0/24', false],
  ];
  for (const [ip, range, want] of cases) assert.equal(addressInRange(ip, range), want, `${ip} in ${range}`);
});

test('a sender matches by address, any of its fingerprints, or its network', () => {
  const fp = 'A'.repeat(40);
  const blocks = [
    { id: '1', kind: 'email' as const, value: 'spam@example.org' },
    { id: '2', kind: 'pgp' as const, value: fp },
    { id: '3', kind: 'network' as const, value: '198.51.100.0/24' },
  ];
  assert.equal(matchBlock({ email: 'SPAM@example.org', fingerprints: [], address: null }, blocks)?.id, '1');
  assert.equal(matchBlock({ email: null, fingerprints: ['B'.repeat(40), fp.toLowerCase()], address: null }, blocks)?.id, '2');
  assert.equal(matchBlock({ email: 'ok@example.org', fingerprints: [], address: '198.51.100.20' }, blocks)?.id, '3');
  assert.equal(matchBlock({ email: 'ok@example.org', fingerprints: ['B'.repeat(40)], address: '192.0.2.1' }, blocks), null);
});
