import { isLoopbackHttp, parseRoleMap, type SsoSettings } from '../core/access/sso.ts';
import type { Env } from './env.ts';

/** Single sign-on with OpenID Connect (issue 15), parsed with the rest of the environment in config.ts. */
export const OIDC_ENV_DOC: Record<string, string> = {
  EMBARGO_OIDC_ISSUER: 'OpenID Connect issuer URL (https; http only on a loopback address) that turns single sign-on on; discovered at first use',
  EMBARGO_OIDC_CLIENT_ID: 'client id registered at the identity provider (required with EMBARGO_OIDC_ISSUER)',
  EMBARGO_OIDC_CLIENT_SECRET: 'client secret (client_secret_post); unset: a public client using PKCE alone',
  EMBARGO_OIDC_ALLOWED_DOMAINS: 'comma-separated email domains that may sign in with SSO, or * for any (required with EMBARGO_OIDC_ISSUER)',
  EMBARGO_OIDC_ROLE_MAP: 'optional group → role map applied at each SSO sign-in: group=site_admin or group=project-slug:role, comma-separated',
  EMBARGO_OIDC_GROUPS_CLAIM: 'the claim listing the user\'s groups, read for EMBARGO_OIDC_ROLE_MAP (default groups)',
  EMBARGO_OIDC_SCOPES: 'scopes asked for (default "openid email profile"; add e.g. groups if your provider needs a scope for the groups claim)',
  EMBARGO_OIDC_NAME: 'label of the sign-in button, "Sign in with <name>" (default SSO)',
};

/** The SSO settings, or null when EMBARGO_OIDC_ISSUER is unset; every problem goes to `problems`. */
export function parseOidcConfig(env: Env, problems: string[]): SsoSettings | null {
  const issuer = env.EMBARGO_OIDC_ISSUER?.trim();
  const others = Object.keys(OIDC_ENV_DOC).filter((k) => k !== 'EMBARGO_OIDC_ISSUER' && env[k]);
  if (!issuer) {
    if (others.length) problems.push(`${others.join(', ')} ${others.length === 1 ? 'is' : 'are'} set but EMBARGO_OIDC_ISSUER is not: set it to turn single sign-on on`);
    return null;
  }
  let url: URL | null = null;
  try {
    url = new URL(issuer);
  } catch {
    problems.push('EMBARGO_OIDC_ISSUER must be a URL, e.g. https://login.example.org/realms/acme');
  }
  if (url && url.protocol !== 'https:' && !isLoopbackHttp(url)) problems.push('EMBARGO_OIDC_ISSUER must use https (plain http is accepted for a loopback address only)');
  const clientId = env.EMBARGO_OIDC_CLIENT_ID?.trim() ?? '';
  if (!clientId) problems.push('EMBARGO_OIDC_CLIENT_ID is required with EMBARGO_OIDC_ISSUER');
  const rawDomains = (env.EMBARGO_OIDC_ALLOWED_DOMAINS ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);
  if (!rawDomains.length) {
    problems.push('EMBARGO_OIDC_ALLOWED_DOMAINS is required with EMBARGO_OIDC_ISSUER: the email domains that may sign in (or * for any)');
  }
  for (const d of rawDomains) {
    if (d !== '*' && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(d)) problems.push(`EMBARGO_OIDC_ALLOWED_DOMAINS entry "${d}" is not a domain name`);
  }
  const scopes = (env.EMBARGO_OIDC_SCOPES?.trim() || 'openid email profile').split(/\s+/);
  if (!scopes.includes('openid')) scopes.unshift('openid');
  return {
    // As given: the issuer must equal the provider's own `issuer` exactly (some end in a slash, e.g. Auth0).
    issuer,
    clientId,
    clientSecret: env.EMBARGO_OIDC_CLIENT_SECRET || null,
    scopes: scopes.join(' '),
    label: env.EMBARGO_OIDC_NAME?.trim() || 'SSO',
    allowedDomains: rawDomains.includes('*') ? '*' : rawDomains,
    roleMap: parseRoleMap(env.EMBARGO_OIDC_ROLE_MAP ?? '', problems),
    groupsClaim: env.EMBARGO_OIDC_GROUPS_CLAIM?.trim() || 'groups',
  };
}
