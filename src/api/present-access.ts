import type { TokenInfo } from '../services/access/tokens.ts';
import type { UserListItem } from '../services/access/users.ts';
import type { SessionInfo } from '../services/access/account.ts';
import type { TwoFactorStatus } from '../services/access/two-factor.ts';
import type { PasskeyInfo } from '../services/access/passkeys.ts';
import type { PasskeyJson, SessionInfoJson, TokenInfoJson, TwoFactorStatusJson, UserListItemJson } from './schemas/access.ts';

/** API shapes of tokens (never the secret), users and sessions. */
export const presentToken = (t: TokenInfo): TokenInfoJson => ({
  id: t.id,
  user_id: t.userId,
  name: t.name,
  scopes: t.scopes,
  projects: t.projects,
  created_at: t.createdAt.toISOString(),
  last_used_at: t.lastUsedAt?.toISOString() ?? null,
  expires_at: t.expiresAt.toISOString(),
  revoked_at: t.revokedAt?.toISOString() ?? null,
});

export const presentUser = (u: UserListItem): UserListItemJson => ({ id: u.id, email: u.email, name: u.name, site_admin: u.siteAdmin, disabled: u.disabled, created_at: u.createdAt.toISOString(), two_factor: u.twoFactor });

export const presentSession = (s: SessionInfo): SessionInfoJson => ({ id: s.id, created_at: s.createdAt.toISOString(), expires_at: s.expiresAt.toISOString(), current: s.current });

export const presentTwoFactorStatus = (s: TwoFactorStatus): TwoFactorStatusJson => ({
  totp: s.totp,
  recovery_codes_left: s.recoveryCodesLeft,
  passkeys: s.passkeys,
  required_by_site: s.requiredBySite,
  required_by_projects: s.requiredByProjects,
});

export const presentPasskey = (p: PasskeyInfo): PasskeyJson => ({ id: p.id, name: p.name, created_at: p.createdAt.toISOString(), last_used_at: p.lastUsedAt?.toISOString() ?? null });
