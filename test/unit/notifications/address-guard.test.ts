import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isForbiddenAddress } from '../../../src/adapters/webhooks/address-guard.ts';

/** The addresses a webhook may not reach (docs/notifications.md, "Outbound requests and SSRF"), in every spelling a resolver can answer. */
test('forbidden: loopback, private, link-local and metadata addresses, in their IPv4 and IPv6 forms', () => {
  for (const a of [
    '127.0.0.1', '127.255.255.254', '0.0.0.0', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '169.254.169.254', '168.63.129.16',
    '100.100.100.200', '192.0.0.192', '224.0.0.1', '255.255.255.255', '::', '::1', 'fe80::1', 'fc00::1', 'fd00:ec2::254', 'fec0::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a9fe:a9fe', '::ffff:10.0.0.1', '::127.0.0.1',
    '::ffff:0:7f00:1', '::ffff:0:127.0.0.1', '0:0:0:0:ffff:0:a9fe:a9fe', '::ffff:0:0:0', // IPv4-translated
    '64:ff9b::7f00:1', '64:ff9b::169.254.169.254', '2002:a9fe:a9fe::1', '2001::1', '2001:db8::1', 'not an address',
  ]) assert.equal(isForbiddenAddress(a), true, a);
});

test('allowed: public addresses, also IPv4-mapped', () => {
  for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '::ffff:101:101', '2001:4860:4860::8888']) assert.equal(isForbiddenAddress(a), false, a);
});
