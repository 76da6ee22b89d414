import { Type, type Static } from '@sinclair/typebox';

/** Response schemas of users, sessions and API tokens. */

export const SessionUserSchema = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), site_admin: Type.Boolean() });
const EnrolmentRequired = Type.Boolean({
  description: 'true when the site or one of your projects requires a second factor you have not enrolled: until you do, only the account routes answer',
});
export const SessionSchema = Type.Object({
  user: SessionUserSchema,
  csrf_token: Type.String({ description: 'send it as x-csrf-token on state-changing calls of this session' }),
  two_factor_enrolment_required: EnrolmentRequired,
});
export const CurrentSessionSchema = Type.Object({
  user: SessionUserSchema,
  csrf_token: Type.Union([Type.String(), Type.Null()], { description: 'null when signed in with an API token' }),
  two_factor_enrolment_required: EnrolmentRequired,
});
export const TwoFactorStatusSchema = Type.Object({
  totp: Type.Boolean({ description: 'an authenticator app is enrolled' }),
  recovery_codes_left: Type.Integer(),
  passkeys: Type.Integer(),
  required_by_site: Type.Boolean(),
  required_by_projects: Type.Array(Type.String(), { description: 'slugs of your projects whose policy requires a second factor' }),
});
export const TotpEnrolmentSchema = Type.Object({
  secret: Type.String({ description: 'base32, for apps that cannot read the QR code' }),
  otpauth_uri: Type.String({ description: 'otpauth://totp/… for a QR code' }),
});
export const RecoveryCodesSchema = Type.Object({ recovery_codes: Type.Array(Type.String(), { description: 'single-use; shown this once' }) });
export const PasskeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const PasskeyListSchema = Type.Object({ passkeys: Type.Array(PasskeySchema) });
/** WebAuthn options as @simplewebauthn/browser takes them (PublicKeyCredentialCreation/RequestOptionsJSON). */
export const WebAuthnOptionsSchema = Type.Object(
  { challenge: Type.String({ description: 'base64url; issued once, valid five minutes' }) },
  { additionalProperties: true, description: 'pass to navigator.credentials via @simplewebauthn/browser' },
);
/** Request body part: a WebAuthn credential as @simplewebauthn/browser serialises it (verified by the server library; size bounded by the body limit). */
export const CredentialJson = Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024 }), type: Type.Literal('public-key') }, { additionalProperties: true });
export const SiteSettingsSchema = Type.Object({ require_two_factor: Type.Boolean() });
export const TokenCreatedSchema = Type.Object({ id: Type.String(), token: Type.String({ description: 'secret: shown once' }), expires_at: Type.String({ format: 'date-time' }) });
const Scope = Type.Union([Type.Literal('read'), Type.Literal('triage'), Type.Literal('publish'), Type.Literal('admin')]);
export const TokenInfoSchema = Type.Object({
  id: Type.String(),
  user_id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Scope),
  projects: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'slugs the token is limited to; null for all of its owner’s projects' }),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  expires_at: Type.String({ format: 'date-time' }),
  revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const TokenListSchema = Type.Object({ tokens: Type.Array(TokenInfoSchema) });
export const UserListItemSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  site_admin: Type.Boolean(),
  disabled: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  two_factor: Type.Boolean({ description: 'has an authenticator app or a passkey' }),
});
export const UserListSchema = Type.Object({ users: Type.Array(UserListItemSchema) });
export const SessionInfoSchema = Type.Object({ id: Type.String(), created_at: Type.String({ format: 'date-time' }), expires_at: Type.String({ format: 'date-time' }), current: Type.Boolean() });
export const SessionListSchema = Type.Object({ sessions: Type.Array(SessionInfoSchema) });
export const AcceptedSchema = Type.Object({ message: Type.String() });
export const SetupStatusSchema = Type.Object({
  needed: Type.Boolean({ description: 'true while the instance has no user: POST /api/v1/setup with the token from the server output' }),
});
export const HealthSchema = Type.Object({ ok: Type.Boolean() });

export type SessionUser = Static<typeof SessionUserSchema>;
export type Session = Static<typeof SessionSchema>;
export type CurrentSession = Static<typeof CurrentSessionSchema>;
export type TokenCreated = Static<typeof TokenCreatedSchema>;
export type Accepted = Static<typeof AcceptedSchema>;
export type SetupStatus = Static<typeof SetupStatusSchema>;
export type Health = Static<typeof HealthSchema>;
export type TwoFactorStatusJson = Static<typeof TwoFactorStatusSchema>;
export type TotpEnrolment = Static<typeof TotpEnrolmentSchema>;
export type RecoveryCodes = Static<typeof RecoveryCodesSchema>;
export type SiteSettings = Static<typeof SiteSettingsSchema>;
export type PasskeyJson = Static<typeof PasskeySchema>;
export type PasskeyList = Static<typeof PasskeyListSchema>;
export type TokenInfoJson = Static<typeof TokenInfoSchema>;
export type TokenList = Static<typeof TokenListSchema>;
export type UserListItemJson = Static<typeof UserListItemSchema>;
export type UserList = Static<typeof UserListSchema>;
export type SessionInfoJson = Static<typeof SessionInfoSchema>;
export type SessionList = Static<typeof SessionListSchema>;
