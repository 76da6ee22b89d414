import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';

export type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON };

/**
 * WebAuthn (passkeys) through @simplewebauthn/server. The relying party is the server's public URL: its host name
 * is the RP ID and its origin the only origin accepted, so a passkey made here works only at that address (moving
 * the server to another host name means enrolling passkeys again). User verification (PIN, biometrics) is always
 * required, so a passkey is two factors by itself: something held and something known or been.
 */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

export function relyingParty(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, name: `Embargo (${url.host})`, origin: url.origin };
}

const TIMEOUT_MS = 120_000;

export interface StoredCredential {
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
}

export function registrationOptions(rp: RelyingParty, user: { id: string; email: string; name: string }, existing: StoredCredential[]): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

/** The new credential when the browser's answer is valid for this challenge and origin, else null. */
/** Checks the challenge the browser signed: true when this server issued it for this ceremony (and uses it up). */
export type ChallengeCheck = (challenge: string) => Promise<boolean>;

export async function verifyRegistration(rp: RelyingParty, response: RegistrationResponseJSON, challenge: ChallengeCheck): Promise<StoredCredential | null> {
  try {
    const result = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true });
    if (!result.verified) return null;
    const { credential } = result.registrationInfo;
    return { credentialId: credential.id, publicKey: credential.publicKey, counter: credential.counter, transports: credential.transports ?? [] };
  } catch {
    return null;
  }
}

/** Options for signing in with any passkey of this site (discoverable credentials: no user named first). */
export function authenticationOptions(rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({ rpID: rp.id, timeout: TIMEOUT_MS, userVerification: 'required' });
}

/** The credential's new signature counter when the assertion is valid, else null (a counter gone back is refused). */
export async function verifyAuthentication(rp: RelyingParty, response: AuthenticationResponseJSON, challenge: ChallengeCheck, stored: StoredCredential): Promise<number | null> {
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: { id: stored.credentialId, publicKey: new Uint8Array(stored.publicKey), counter: stored.counter, transports: stored.transports },
    });
    return result.verified ? result.authenticationInfo.newCounter : null;
  } catch {
    return null;
  }
}
