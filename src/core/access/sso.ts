import { PROJECT_ROLES, isProjectRole, type ProjectRole } from './permissions.ts';

/**
 * Single sign-on with OpenID Connect (issue 15): the pure rules — what the settings are, which email domains may
 * sign in, what a group → role map grants, and the words shown for each way a sign-in is refused. The protocol
 * itself (discovery, PKCE, ID token checks) is in src/adapters/oidc/, the accounts in src/services/access/sso.ts.
 */

/** One entry of EMBARGO_OIDC_ROLE_MAP: members of `group` become site admins, or get `role` on project `slug`. */
export type RoleMapping = { group: string; siteAdmin: true } | { group: string; siteAdmin?: false; slug: string; role: ProjectRole };

export interface SsoSettings {
  /** The issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration` at first use. */
  issuer: string;
  clientId: string;
  /** null: a public client (PKCE only, token_endpoint_auth_method none). */
  clientSecret: string | null;
  /** Scopes asked for (always including `openid`). */
  scopes: string;
  /** The button's label: "Sign in with <label>". */
  label: string;
  /** Lower-case email domains whose addresses may sign in; `'*'` lets every domain in. */
  allowedDomains: string[] | '*';
  /** Group → role map, applied at every SSO sign-in (empty: roles are managed in Embargo only). */
  roleMap: RoleMapping[];
  /** The claim (ID token or UserInfo) that lists the user's groups. */
  groupsClaim: string;
}

/** Reads `group=site_admin,group=slug:role,…`; problems are reported in words, one per bad entry. */
export function parseRoleMap(raw: string, problems: string[], name = 'EMBARGO_OIDC_ROLE_MAP'): RoleMapping[] {
  const out: RoleMapping[] = [];
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.lastIndexOf('=');
    const group = entry.slice(0, eq).trim();
    const target = entry.slice(eq + 1).trim();
    if (eq < 1 || !group || !target) {
      problems.push(`${name} entry "${entry}" must be group=site_admin or group=project-slug:role`);
      continue;
    }
    if (target === 'site_admin') {
      out.push({ group, siteAdmin: true });
      continue;
    }
    const colon = target.lastIndexOf(':');
    const slug = target.slice(0, colon);
    const role = target.slice(colon + 1);
    if (colon < 1 || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug) || !isProjectRole(role)) {
      problems.push(`${name} entry "${entry}": the target must be site_admin or project-slug:role with role one of ${PROJECT_ROLES.join(', ')}`);
      continue;
    }
    out.push({ group, slug, role });
  }
  return out;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** True when plain http may be used to reach `url`: only on this machine (development, tests). */
export const isLoopbackHttp = (url: URL): boolean => url.protocol === 'http:' && LOOPBACK.test(url.hostname);

/** The domain part of an address, lower-cased ('' when there is none). */
export const emailDomain = (email: string): string => {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
};

export function domainAllowed(email: string, allowed: SsoSettings['allowedDomains']): boolean {
  if (allowed === '*') return true;
  const domain = emailDomain(email);
  return domain !== '' && allowed.includes(domain);
}

/** `email_verified` as IdPs send it: a boolean, or (some older ones) the string "true". Anything else is no. */
export const emailVerified = (claim: unknown): boolean => claim === true || claim === 'true';

/** The groups claim as a list of strings: an array (of strings), or a single string; anything else is none. */
export function groupsOf(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  return [];
}

const RANK: Record<ProjectRole, number> = { viewer: 1, triager: 2, admin: 3 };

export interface MappedRoles {
  /** What site_admin becomes; null when the map names no site_admin group (the flag is then left alone). */
  siteAdmin: boolean | null;
  /** For every project the map names: the highest role the user's groups give there, or null (no membership). */
  projects: Map<string, ProjectRole | null>;
}

/**
 * What the role map says for someone in `groups`. Only what the map names is decided by it: site_admin when some
 * entry maps to site_admin, and the membership of each project some entry names. Everything else is left as it is.
 */
export function mapRoles(groups: readonly string[], map: readonly RoleMapping[]): MappedRoles {
  const member = new Set(groups);
  const adminEntries = map.filter((m) => m.siteAdmin === true);
  const projects = new Map<string, ProjectRole | null>();
  for (const m of map) {
    if (m.siteAdmin === true) continue;
    const current = projects.get(m.slug) ?? null;
    if (!projects.has(m.slug)) projects.set(m.slug, null);
    if (member.has(m.group) && (current === null || RANK[m.role] > RANK[current])) projects.set(m.slug, m.role);
  }
  return { siteAdmin: adminEntries.length ? adminEntries.some((m) => member.has(m.group)) : null, projects };
}

/**
 * Why an SSO sign-in was refused. The callback redirects to `/app?sso=<code>`, and the sign-in page shows the
 * words below: a code, never free text, travels in the address, so nobody can make the page say something else.
 */
export const SSO_ERRORS = {
  'not-configured': 'Single sign-on is not set up on this server.',
  'idp-unreachable': 'The identity provider could not be reached. Try again in a moment, or sign in with your password.',
  'flow-expired': 'The single sign-on attempt expired or was started in another browser. Start again with the sign-in button.',
  'idp-refused': 'The identity provider did not sign you in (it refused or you cancelled).',
  mismatch: 'The answer from the identity provider did not match this sign-in (it may have been used already). Start again with the sign-in button.',
  'no-email': 'The identity provider did not say which email address you have, so no account can be matched. Ask its administrator to release the email claim.',
  'email-unverified':
    'Your identity provider did not confirm that the email address is verified (email_verified is not true), and accounts are matched by verified email only. Verify the address at your identity provider, or ask its administrator.',
  'domain-not-allowed': 'Addresses of this email domain may not sign in to this server with single sign-on.',
  'account-disabled': 'This account is disabled. Ask a site admin of this server to enable it.',
  'identity-conflict':
    'This account is already linked to another identity at your identity provider, so this one cannot sign in to it. Ask the operator of this server to unlink it (embargo sso unlink).',
  'invitation-mismatch': 'This invitation is for another email address than the one your identity provider gave. Sign in there with the invited address, or ask for a new invitation.',
  'invitation-unusable': 'This invitation link is not valid: it was already used, has expired or was withdrawn. Ask the project admin for a new one.',
} as const;

export type SsoErrorCode = keyof typeof SSO_ERRORS;

export const isSsoErrorCode = (v: unknown): v is SsoErrorCode => typeof v === 'string' && Object.hasOwn(SSO_ERRORS, v);
