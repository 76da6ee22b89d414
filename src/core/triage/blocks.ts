import { DomainError } from '../errors.ts';

/**
 * Blocking a sender (issue 18): by the address they give, an OpenPGP key fingerprint (the key they attach or
 * sign with), or the network address they submit from (an IP, or a CIDR range). Pure: values are normalised
 * here, and a submission's identity is matched against blocks here; the services read and write the rows.
 */
export const BLOCK_KINDS = ['email', 'pgp', 'network'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];
export const isBlockKind = (v: unknown): v is BlockKind => typeof v === 'string' && (BLOCK_KINDS as readonly string[]).includes(v);

/** Who sent a submission, as far as intake knows: every part may be missing. */
export interface SenderIdentity {
  email: string | null;
  /** The fingerprints the submission carries: the reporter's attached key and the key of a valid signature. */
  fingerprints: string[];
  /** The peer address of the HTTP request or SMTP session. */
  address: string | null;
}

export interface BlockRule {
  id: string;
  kind: BlockKind;
  value: string;
}

export const normalizeEmail = (v: string): string => v.trim().toLowerCase();
export const normalizeFingerprint = (v: string): string => v.replace(/\s+/g, '').toUpperCase();

/** The canonical text of a block's value, or a validation error naming the field. */
export function normalizeBlockValue(kind: BlockKind, raw: string): string {
  const v = raw.trim();
  const bad = (message: string) => DomainError.validation([{ field: 'value', message }]);
  switch (kind) {
    case 'email': {
      const e = normalizeEmail(v);
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) || e.length > 320) throw bad('must be an email address');
      return e;
    }
    case 'pgp': {
      const f = normalizeFingerprint(v).replace(/^0X/, '');
      if (!/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(f)) throw bad('must be a full OpenPGP fingerprint (40 or 64 hex digits)');
      return f;
    }
    case 'network': {
      const net = parseCidr(v);
      if (!net) throw bad('must be an IPv4 or IPv6 address, or a CIDR range such as 203.0.113.0/24');
      return formatCidr(net);
    }
  }
}

interface Cidr {
  version: 4 | 6;
  /** The address as a 32- or 128-bit number, host bits cleared. */
  base: bigint;
  prefix: number;
}

function parseIpv4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseIpv6(s: string): bigint | null {
  let text = s.toLowerCase();
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseIpv4(v4[2] as string);
    if (n === null) return null;
    text = `${v4[1]}${((n >> 16n) & 0xffffn).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h ? h.split(':') : []);
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** An address's version and value; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as Node reports) is IPv4. */
function parseIp(s: string): { version: 4 | 6; value: bigint } | null {
  const v4 = parseIpv4(s);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseIpv6(s.replace(/%.*$/, ''));
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn };
  return { version: 6, value: v6 };
}

export function parseCidr(s: string): Cidr | null {
  const [addr, len, extra] = s.trim().split('/');
  if (extra !== undefined || !addr) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const bits = ip.version === 4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return null;
  const prefix = len === undefined ? bits : Number(len);
  if (prefix > bits) return null;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { version: ip.version, base: ip.value & mask, prefix };
}

function formatCidr(c: Cidr): string {
  const bits = c.version === 4 ? 32 : 128;
  let text: string;
  if (c.version === 4) {
    text = [24n, 16n, 8n, 0n].map((s) => String((c.base >> s) & 0xffn)).join('.');
  } else {
    const groups = Array.from({ length: 8 }, (_, i) => ((c.base >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
    text = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/^:::/, '::').replace(/:::$/, '::');
  }
  return c.prefix === bits ? text : `${text}/${c.prefix}`;
}

/**
 * The client network an address stands for when counting one client's tries: an IPv4 address itself (an
 * IPv4-mapped IPv6 address included), the /64 of an IPv6 address (one host or home is usually given a whole /64,
 * so rotating within it is free). Anything unparsable stands for itself.
 */
export function clientNetwork(address: string): string {
  const ip = parseIp(address.trim());
  if (!ip) return address;
  return formatCidr({ version: ip.version, base: ip.version === 4 ? ip.value : ip.value & ~((1n << 64n) - 1n), prefix: ip.version === 4 ? 32 : 64 });
}

/** Whether an address falls in a range (both as text; anything unparsable matches nothing). */
export function addressInRange(address: string, range: string): boolean {
  const ip = parseIp(address);
  const net = parseCidr(range);
  if (!ip || !net || ip.version !== net.version) return false;
  const bits = net.version === 4 ? 32 : 128;
  return ip.value >> BigInt(bits - net.prefix) === net.base >> BigInt(bits - net.prefix);
}

/** The first block the sender falls under, or null. */
export function matchBlock(sender: SenderIdentity, blocks: readonly BlockRule[]): BlockRule | null {
  const email = sender.email ? normalizeEmail(sender.email) : null;
  const fps = new Set(sender.fingerprints.map(normalizeFingerprint));
  for (const b of blocks) {
    if (b.kind === 'email' && email !== null && b.value === email) return b;
    if (b.kind === 'pgp' && fps.has(b.value)) return b;
    if (b.kind === 'network' && sender.address && addressInRange(sender.address, b.value)) return b;
  }
  return null;
}
