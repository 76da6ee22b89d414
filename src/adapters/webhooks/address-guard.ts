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
  ['168.63.129.16', 32], // Azure's WireServer: a public address that only its VMs reach, the platform's metadata
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

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted quad as two groups). */
function ipv6Groups(address: string): number[] {
  let a = address.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (quad) {
    const [b0, b1, b2, b3] = quad.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, quad.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head = '', tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...Array<string>(tail === undefined ? 0 : 8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
}

/**
 * IPv4-translated addresses (::ffff:0:a.b.c.d, SIIT, RFC 7915): a translator forwards them to the IPv4 address
 * inside. Checked by hand: node's BlockList takes a ::ffff:0:0/96 rule for the IPv4-mapped ::ffff:0.0.0.0/96.
 */
const isIpv4Translated = (address: string): boolean => {
  const g = ipv6Groups(address);
  return g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g[5] === 0;
};

/** True for an address a webhook may not connect to (and for anything that is not an IP address). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6 && isIpv4Translated(address)) return true;
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
