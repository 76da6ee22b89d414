import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressInRange, clientNetwork, matchBlock, normalizeBlockValue } from '../../../src/core/triage/blocks.ts';

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

describe('clientNetwork: what counts as one client when counting tries', () => {
  test('an IPv4 address is itself, also as Node reports it mapped into IPv6', () => {
    assert.equal(clientNetwork('198.51.100.7'), '198.51.100.7');
    assert.equal(clientNetwork('::ffff:198.51.100.7'), '198.51.100.7');
    assert.notEqual(clientNetwork('198.51.100.7'), clientNetwork('198.51.100.8'));
  });
  test('IPv6 addresses within one /64 are one client, however written; the next /64 is another', () => {
    const a = clientNetwork('2001:db8:7:1::1');
    assert.equal(a, '2001:db8:7:1::/64');
    assert.equal(clientNetwork('2001:0DB8:0007:0001:ffff:ffff:ffff:fffe'), a);
    assert.equal(clientNetwork('2001:db8:7:1:abcd::99%eth0'), a);
    assert.notEqual(clientNetwork('2001:db8:7:2::1'), a);
    assert.equal(clientNetwork('::1'), '::/64');
  });
  test('anything unparsable stands for itself', () => {
    assert.equal(clientNetwork('not an address'), 'not an address');
    assert.equal(clientNetwork(''), '');
  });
});
