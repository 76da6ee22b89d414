import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A software WebAuthn authenticator for integration tests (Chromium's virtual authenticator covers the browser in
 * e2e): an ES256 key per credential, "none" attestation, user presence and verification flags, a signature
 * counter. It answers the options the server hands out exactly as a browser would serialise a real authenticator's
 * answer (@simplewebauthn/browser's JSON), so the server's verification runs unchanged.
 */

type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.of((major << 5) | n);
  if (n < 256) return Buffer.of((major << 5) | 24, n);
  if (n < 65_536) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  throw new Error('too long for this encoder');
}

/** The CBOR subset COSE keys and attestation objects use: integers, text, bytes, maps. */
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

interface SoftCredential {
  id: Buffer;
  key: KeyObject;
  cose: Buffer;
  counter: number;
  userHandle: string;
}

export interface SoftAuthenticatorOptions {
  origin: string;
  /** Set the user-verified flag (a PIN or biometric check); default true. */
  userVerified?: boolean;
  /** Signature counter step per use; 0 models synced passkeys, whose counter stays at zero. */
  counterStep?: number;
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  constructor(private readonly opts: SoftAuthenticatorOptions) {}

  private flags(attested: boolean): number {
    return 0x01 | (this.opts.userVerified === false ? 0 : 0x04) | (attested ? 0x40 : 0);
  }

  /** Answers registration options (PublicKeyCredentialCreationOptionsJSON) with a new credential. */
  create(options: { challenge: string; rp: { id?: string }; user: { id: string } }): Record<string, unknown> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
    const id = randomBytes(32);
    const credential: SoftCredential = { id, key: privateKey, cose, counter: 0, userHandle: options.user.id };
    this.credentials.push(credential);
    const rpId = options.rp.id ?? new URL(this.opts.origin).hostname;
    const counter = Buffer.alloc(4);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([sha256(rpId), Buffer.of(this.flags(true)), counter, Buffer.alloc(16), idLength, id, cose]);
    const attestationObject = cbor(new Map<string, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: this.opts.origin, crossOrigin: false }));
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Answers authentication options (PublicKeyCredentialRequestOptionsJSON) with the first (or given) credential. */
  get(options: { challenge: string; rpId?: string }, which = 0): Record<string, unknown> {
    const credential = this.credentials[which];
    if (!credential) throw new Error('no credential');
    credential.counter += this.opts.counterStep ?? 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(credential.counter);
    const rpId = options.rpId ?? new URL(this.opts.origin).hostname;
    const authenticatorData = Buffer.concat([sha256(rpId), Buffer.of(this.flags(false)), counter]);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: this.opts.origin, crossOrigin: false }));
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), credential.key);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authenticatorData), signature: b64url(signature), userHandle: credential.userHandle },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
