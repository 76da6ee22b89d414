import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../schemas.ts';

/** Single sign-on (issue 15): what the sign-in page needs to offer the button, and where a started flow goes. */
export const SsoStatusSchema = Type.Object({
  enabled: Type.Boolean({ description: 'true when OpenID Connect sign-in is configured (EMBARGO_OIDC_ISSUER)' }),
  label: Nullable(Type.String({ description: 'the button reads "Sign in with <label>" (EMBARGO_OIDC_NAME)' })),
});
export const SsoStartedSchema = Type.Object({
  authorization_url: Type.String({ description: "the identity provider's authorization URL: send the browser there" }),
});

export type SsoStatus = Static<typeof SsoStatusSchema>;
export type SsoStarted = Static<typeof SsoStartedSchema>;
