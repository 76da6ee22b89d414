import * as openpgp from 'openpgp';
import type { Sealer } from '../crypto/sealer.ts';
import { pgpError, reasonOf } from './errors.ts';

/** A validated key as Embargo keeps it: armored text plus what the UI and security.txt need to show. */
export interface PgpKeyInfo {
  /** Primary key fingerprint, upper-case hex without spaces (as `gpg --with-colons` prints it). */
  fingerprint: string;
  userIds: string[];
  algorithm: string;
  created: Date;
  /** null when the key never expires. */
  expires: Date | null;
  canEncrypt: boolean;
  canSign: boolean;
  publicKeyArmored: string;
}

export interface ProjectKeyPair extends PgpKeyInfo {
  /** Unprotected (no passphrase) armored private key: seal it with `sealPrivateKey` before storing it. */
  privateKeyArmored: string;
  revocationCertificate?: string;
}

export interface GenerateProjectKeyOptions {
  projectName: string;
  email: string;
  now?: Date;
  /** Seconds until expiry; 0 or absent = never expires. */
  expiresInSeconds?: number;
}

export const formatFingerprint = (fp: string): string => fp.toUpperCase();

/** "<project name> security <email>", the user id of every generated project key. */
export const projectUserId = (projectName: string, email: string): { name: string; email: string } => ({
  name: `${projectName.replace(/[\r\n<>]+/g, ' ').trim()} security`,
  email,
});

async function describeKey(key: openpgp.Key, now: Date): Promise<PgpKeyInfo> {
  const expiry = await key.getExpirationTime();
  const usable = async (get: () => Promise<unknown>) => get().then(() => true, () => false);
  const algo = key.getAlgorithmInfo();
  return {
    fingerprint: formatFingerprint(key.getFingerprint()),
    userIds: key.getUserIDs(),
    algorithm: algo.curve ? `${algo.algorithm}/${algo.curve}` : `${algo.algorithm}${algo.bits ? `/${algo.bits}` : ''}`,
    created: key.getCreationTime(),
    expires: expiry instanceof Date ? expiry : null,
    canEncrypt: await usable(() => key.getEncryptionKey(undefined, now)),
    canSign: await usable(() => key.getSigningKey(undefined, now)),
    publicKeyArmored: key.toPublic().armor(),
  };
}

/** Generates an ECC (Ed25519 primary for signing, Curve25519 subkey for encryption) v4 key pair, readable by GnuPG 2.2. */
export async function generateProjectKey(opts: GenerateProjectKeyOptions): Promise<ProjectKeyPair> {
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(opts.email)) throw pgpError('key_unusable', `"${opts.email}" is not an email address`, 'email');
  const now = opts.now ?? new Date();
  const { privateKey, revocationCertificate } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [projectUserId(opts.projectName, opts.email)],
    date: now,
    keyExpirationTime: opts.expiresInSeconds ?? 0,
    format: 'object',
  });
  return { ...(await describeKey(privateKey, now)), privateKeyArmored: privateKey.armor(), revocationCertificate };
}

async function readAnyKey(armored: string): Promise<openpgp.Key> {
  if (!/-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----/.test(armored)) {
    throw pgpError('bad_armor', 'This is not an armored OpenPGP key (expected "-----BEGIN PGP PUBLIC KEY BLOCK-----" or "...PRIVATE KEY BLOCK-----")', 'key');
  }
  try {
    return await openpgp.readKey({ armoredKey: armored });
  } catch (e) {
    throw pgpError('malformed', `The OpenPGP key could not be read: ${reasonOf(e)}`, 'key');
  }
}

async function checkUsable(key: openpgp.Key, now: Date, need: { encrypt: boolean; sign: boolean }): Promise<PgpKeyInfo> {
  if (await key.isRevoked(undefined, undefined, now)) throw pgpError('key_unusable', `Key ${formatFingerprint(key.getFingerprint())} is revoked`, 'key');
  const expiry = await key.getExpirationTime();
  if (expiry instanceof Date && expiry.getTime() <= now.getTime()) {
    throw pgpError('key_expired', `Key ${formatFingerprint(key.getFingerprint())} expired on ${expiry.toISOString()}`, 'key');
  }
  try {
    await key.verifyPrimaryKey(now);
  } catch (e) {
    throw pgpError('key_unusable', `Key ${formatFingerprint(key.getFingerprint())} is not valid: ${reasonOf(e)}`, 'key');
  }
  const info = await describeKey(key, now);
  const missing = [need.encrypt && !info.canEncrypt ? 'encryption' : '', need.sign && !info.canSign ? 'signing' : ''].filter(Boolean);
  if (missing.length > 0) {
    throw pgpError('key_unusable', `Key ${info.fingerprint} has no valid ${missing.join(' or ')} key (sub)key at this date`, 'key');
  }
  return info;
}

export interface ImportKeyOptions {
  now?: Date;
  /** Passphrase of a protected private key; the key is stored without it (sealed at rest instead). */
  passphrase?: string;
}

/**
 * Imports a project key (armored private key). It must be able to encrypt and sign and not be expired or
 * revoked. A passphrase-protected key is unlocked with `passphrase`; the returned armor is unprotected.
 */
export async function importPrivateKey(armored: string, opts: ImportKeyOptions = {}): Promise<ProjectKeyPair> {
  const now = opts.now ?? new Date();
  const key = await readAnyKey(armored);
  if (!key.isPrivate()) throw pgpError('not_private', 'This is a public key; the project key must be imported with its private part', 'key');
  let priv: openpgp.PrivateKey = key;
  if (!priv.isDecrypted()) {
    if (opts.passphrase === undefined) throw pgpError('key_locked', 'The private key is protected by a passphrase; provide it to import the key', 'passphrase');
    try {
      priv = await openpgp.decryptKey({ privateKey: priv, passphrase: opts.passphrase });
    } catch (e) {
      throw pgpError('key_locked', `The private key could not be unlocked: ${reasonOf(e)}`, 'passphrase');
    }
  }
  const info = await checkUsable(priv, now, { encrypt: true, sign: true });
  try {
    // A secret key whose material does not match its public part (or gpg's gnu-dummy placeholder without secret material) is refused here.
    await priv.getDecryptionKeys(undefined, now);
    await openpgp.sign({ message: await openpgp.createMessage({ text: 'probe' }), signingKeys: priv, date: now });
  } catch (e) {
    throw pgpError('key_unusable', `The private key cannot be used: ${reasonOf(e)}`, 'key');
  }
  return { ...info, privateKeyArmored: priv.armor() };
}

/** Imports a reporter's (or anyone's) public key; a private key is reduced to its public part. */
export async function importPublicKey(armored: string, opts: { now?: Date; requireEncryption?: boolean } = {}): Promise<PgpKeyInfo> {
  const now = opts.now ?? new Date();
  const key = await readAnyKey(armored);
  return checkUsable(key.toPublic(), now, { encrypt: opts.requireEncryption ?? true, sign: false });
}

/** The armored public key of an armored private (or public) key, for security.txt `Encryption:` and the policy page. */
export async function exportPublicKey(armored: string): Promise<string> {
  return (await readAnyKey(armored)).toPublic().armor();
}

export async function readPrivateKey(armored: string): Promise<openpgp.PrivateKey> {
  const key = await readAnyKey(armored);
  if (!key.isPrivate()) throw pgpError('not_private', 'A private key is required', 'key');
  if (!key.isDecrypted()) throw pgpError('key_locked', 'The stored private key is passphrase-protected; import it again with its passphrase', 'key');
  return key;
}

export async function readPublicKey(armored: string): Promise<openpgp.PublicKey> {
  return (await readAnyKey(armored)).toPublic();
}

// ---- at rest ---------------------------------------------------------------------------------------------

export const privateKeyAad = (projectId: string | number): string => `pgp-key:${projectId}`;

export interface SealedPrivateKey {
  keyId: string;
  sealed: Buffer;
}

/** Seals the armored private key with the configured AES-256-GCM key; the AAD binds it to the project. */
export function sealPrivateKey(sealer: Sealer, projectId: string | number, privateKeyArmored: string): SealedPrivateKey {
  return sealer.seal(privateKeyArmored, privateKeyAad(projectId));
}

export function openPrivateKey(sealer: Sealer, projectId: string | number, stored: SealedPrivateKey): string {
  return sealer.open(stored.keyId, stored.sealed, privateKeyAad(projectId)).toString('utf8');
}
