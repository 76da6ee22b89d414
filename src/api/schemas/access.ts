import { Type, type Static } from '@sinclair/typebox';

/** Response schemas of users, sessions and API tokens. */

export const SessionUserSchema = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), site_admin: Type.Boolean() });
export const SessionSchema = Type.Object({
  user: SessionUserSchema,
  csrf_token: Type.String({ description: 'send it as x-csrf-token on state-changing calls of this session' }),
});
export const CurrentSessionSchema = Type.Object({
  user: SessionUserSchema,
  csrf_token: Type.Union([Type.String(), Type.Null()], { description: 'null when signed in with an API token' }),
});
export const TokenCreatedSchema = Type.Object({ id: Type.String(), token: Type.String({ description: 'secret: shown once' }) });
export const SetupStatusSchema = Type.Object({
  needed: Type.Boolean({ description: 'true while the instance has no user: POST /api/v1/setup with the token from the server output' }),
});
export const HealthSchema = Type.Object({ ok: Type.Boolean() });

export type SessionUser = Static<typeof SessionUserSchema>;
export type Session = Static<typeof SessionSchema>;
export type CurrentSession = Static<typeof CurrentSessionSchema>;
export type TokenCreated = Static<typeof TokenCreatedSchema>;
export type SetupStatus = Static<typeof SetupStatusSchema>;
export type Health = Static<typeof HealthSchema>;
