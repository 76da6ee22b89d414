import * as oidc from 'openid-client';
import { isLoopbackHttp, type SsoSettings } from '../../core/access/sso.ts';

/**
 * The OpenID Connect relying party (openid-client v6): authorization code flow with PKCE (S256), state and nonce.
 *
 * The provider's metadata is discovered at first use, not at start-up, so the server starts while the identity
 * provider is down; a failed discovery is not remembered (the next sign-in tries again), a good one is kept for an
 * hour. openid-client checks the ID token: signature against the provider's JWKS, issuer, audience, expiry, issue
 * time and the nonce; the state and the PKCE verifier are checked at the callback and at the token endpoint.
 */

/** What the browser's flow keeps between the redirect to the provider and its callback (in a sealed cookie). */
export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
}

/** A signed-in identity: who the provider says it is, and every claim of the ID token and UserInfo. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  claims: Record<string, unknown>;
}

/** The provider could not be reached, or its discovery document is not usable. */
export class OidcUnreachable extends Error {
  override name = 'OidcUnreachable';
}

/** The callback was refused: by the provider (`idp-refused`), or by a check of ours or the library's (`mismatch`). */
export class OidcRejected extends Error {
  override name = 'OidcRejected';
  constructor(
    readonly reason: 'idp-refused' | 'mismatch',
    message: string,
  ) {
    super(message);
  }
}

export interface OidcClient {
  readonly issuer: string;
  readonly redirectUri: string;
  /** A fresh flow (state, nonce, PKCE verifier) and the provider's authorization URL for it. */
  start(): Promise<{ url: string; flow: OidcFlow }>;
  /** Redeems the callback's code; `callbackQuery` is the query string the provider sent back (without `?`). */
  complete(callbackQuery: string, flow: OidcFlow): Promise<OidcIdentity>;
}

const DISCOVERY_TTL_MS = 60 * 60_000;
/** Seconds each request to the provider may take. */
const TIMEOUT_SECONDS = 10;

const isNetworkError = (e: unknown): boolean => e instanceof TypeError || (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'));

const describe = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
};

export function createOidcClient(settings: SsoSettings, redirectUri: string): OidcClient {
  const issuerUrl = new URL(settings.issuer);
  const insecure = isLoopbackHttp(issuerUrl);
  let cached: { config: oidc.Configuration; at: number } | null = null;
  let pending: Promise<oidc.Configuration> | null = null;

  async function configuration(): Promise<oidc.Configuration> {
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
    pending ??= oidc
      .discovery(
        issuerUrl,
        settings.clientId,
        settings.clientSecret ? { client_secret: settings.clientSecret } : undefined,
        settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
        // Plain http only to a provider on this machine (development, tests); config.ts refuses it elsewhere.
        { timeout: TIMEOUT_SECONDS, ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}) },
      )
      .then(
        (config) => {
          cached = { config, at: Date.now() };
          return config;
        },
        (e: unknown) => {
          throw new OidcUnreachable(`OpenID Connect discovery of ${settings.issuer} failed: ${describe(e)}`);
        },
      )
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  return {
    issuer: settings.issuer,
    redirectUri,

    async start() {
      const config = await configuration();
      const flow: OidcFlow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      return { url: url.href, flow };
    },

    async complete(callbackQuery, flow) {
      const config = await configuration();
      const current = new URL(redirectUri);
      current.search = callbackQuery;
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
      } catch (e) {
        if (e instanceof oidc.AuthorizationResponseError) throw new OidcRejected('idp-refused', `the provider answered ${e.error}${e.error_description ? ` (${e.error_description})` : ''}`);
        if (isNetworkError(e)) throw new OidcUnreachable(`the token endpoint of ${settings.issuer} could not be reached: ${describe(e)}`);
        // A replayed or foreign code (invalid_grant), a state or nonce that is not this flow's, a bad ID token.
        throw new OidcRejected('mismatch', describe(e));
      }
      const idToken = tokens.claims();
      if (!idToken) throw new OidcRejected('mismatch', 'the token response has no ID token');
      let claims: Record<string, unknown> = { ...idToken };
      // Providers that keep the profile claims out of the ID token (e.g. oidc-provider's default for the code
      // flow) answer them at UserInfo; openid-client checks that its `sub` is the ID token's.
      const wanted = ['email', 'email_verified', ...(settings.roleMap.length ? [settings.groupsClaim] : []), 'name'];
      if (wanted.some((c) => claims[c] === undefined) && config.serverMetadata().userinfo_endpoint) {
        try {
          const info = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
          claims = { ...info, ...Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) };
        } catch (e) {
          if (isNetworkError(e)) throw new OidcUnreachable(`the UserInfo endpoint of ${settings.issuer} could not be reached: ${describe(e)}`);
          throw new OidcRejected('mismatch', `UserInfo: ${describe(e)}`);
        }
      }
      return { issuer: idToken.iss, subject: idToken.sub, claims };
    },
  };
}
