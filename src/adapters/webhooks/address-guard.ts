import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must never reach unless the operator allows the host (EMBARGO_WEBHOOK_ALLOW_HOSTS): this
 * machine, its networks, link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254), carrier-grade NAT,
 * documentation, multicast and reserved ranges. A v4 rule also matches its IPv4-mapped IPv6 form (::ffff:a.b.c.d).
 */
const FORBIDDEN = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) FORBIDDEN.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64: may translate to any IPv4 address, private ones included
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID …)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local, incl. fd00:ec2::254 (AWS metadata)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) FORBIDDEN.addSubnet(net, bits, 'ipv6');

/** True for an address a webhook may not connect to (and for anything that is not an IP address). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The `host:port` key EMBARGO_WEBHOOK_ALLOW_HOSTS entries are compared with (IPv6 hosts in brackets). */
export function hostKey(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** The host of a URL as an address, when it is an IP literal (brackets stripped), else null. */
export function literalAddress(url: URL): string | null {
  const h = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(h) ? h : null;
}
