import { LineCounter, isNode, parseDocument } from 'yaml';
import { isEmail } from './formats.ts';
import type { Policy } from './types.ts';

/**
 * What a policy claims instance-wide: its security address (mail to it becomes reports of this project), its host
 * names (their /.well-known/security.txt) and its tracking prefix. Two projects never hold the same value.
 */
export type ClaimKind = 'email' | 'host' | 'tracking_prefix';

export interface PolicyClaim {
  kind: ClaimKind;
  /** Normalised: addresses and hosts lower case, prefixes upper case. */
  value: string;
  /** The policy field that makes the claim, e.g. `project.hosts.1` (as policy problems name fields). */
  field: string;
}

export const normalizeClaim = (kind: ClaimKind, value: string): string => (kind === 'tracking_prefix' ? value.trim().toUpperCase() : value.trim().toLowerCase());

/**
 * A project's security address: an email address whose local part has no `+`, because Embargo's reply addresses
 * are `<local>+r-<token>@<domain>` and must parse back to exactly one project's address.
 */
export const isSecurityAddress = (s: string): boolean => isEmail(s) && !s.slice(0, s.lastIndexOf('@')).includes('+');

export function policyClaims(policy: Policy): PolicyClaim[] {
  const claims: PolicyClaim[] = [{ kind: 'tracking_prefix', value: normalizeClaim('tracking_prefix', policy.project.tracking_prefix), field: 'project.tracking_prefix' }];
  if (policy.contacts.email) claims.push({ kind: 'email', value: normalizeClaim('email', policy.contacts.email), field: 'contacts.email' });
  (policy.project.hosts ?? []).forEach((h, i) => claims.push({ kind: 'host', value: normalizeClaim('host', h), field: `project.hosts.${i}` }));
  // A host listed twice is one claim.
  return claims.filter((c, i) => claims.findIndex((d) => d.kind === c.kind && d.value === c.value) === i);
}

/** The 1-based line of a field such as `project.hosts.1` in the policy's YAML, when it can be found. */
export function lineOfField(yamlText: string, field: string): number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines });
  const path = field.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const node = doc.getIn(path, true);
  const offset = isNode(node) ? node.range?.[0] : undefined;
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
