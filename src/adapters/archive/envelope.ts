import * as openpgp from 'openpgp';

/**
 * How a backup or export archive is encrypted: OpenPGP (RFC 9580 via openpgp.js), to a passphrase, to recipients'
 * public keys, or both. `gpg --decrypt` opens the result as well as `embargo restore` does.
 */
export interface SealTo {
  passphrase?: string | undefined;
  /** Armored OpenPGP public keys. */
  recipients?: readonly string[] | undefined;
}

export interface OpenWith {
  passphrase?: string | undefined;
  /** An armored OpenPGP private key (unprotected, or protected by `privateKeyPassphrase`). */
  privateKey?: string | undefined;
  privateKeyPassphrase?: string | undefined;
}

export class EnvelopeError extends Error {}

export async function sealArchive(data: Uint8Array, to: SealTo): Promise<Buffer> {
  const recipients = to.recipients ?? [];
  if (!to.passphrase && !recipients.length) throw new EnvelopeError('an archive must be encrypted: give a passphrase or an OpenPGP recipient key');
  const encryptionKeys = await Promise.all(recipients.map((armoredKey) => openpgp.readKey({ armoredKey })));
  const message = await openpgp.createMessage({ binary: data, format: 'binary' });
  const out = await openpgp.encrypt({
    message,
    format: 'binary',
    ...(to.passphrase ? { passwords: [to.passphrase] } : {}),
    ...(encryptionKeys.length ? { encryptionKeys } : {}),
  });
  return Buffer.from(out);
}

export async function openArchive(sealed: Uint8Array, withKey: OpenWith): Promise<Buffer> {
  const message = await openpgp.readMessage({ binaryMessage: sealed }).catch(() => {
    throw new EnvelopeError('not an OpenPGP-encrypted archive');
  });
  let decryptionKeys: openpgp.PrivateKey | undefined;
  if (withKey.privateKey) {
    const key = await openpgp.readPrivateKey({ armoredKey: withKey.privateKey });
    decryptionKeys = key.isDecrypted() ? key : await openpgp.decryptKey({ privateKey: key, passphrase: withKey.privateKeyPassphrase ?? '' });
  }
  if (!withKey.passphrase && !decryptionKeys) throw new EnvelopeError('give the passphrase or the private key the archive was encrypted to');
  try {
    const { data } = await openpgp.decrypt({
      message,
      format: 'binary',
      ...(withKey.passphrase ? { passwords: [withKey.passphrase] } : {}),
      ...(decryptionKeys ? { decryptionKeys } : {}),
    });
    return Buffer.from(data as Uint8Array);
  } catch (e) {
    throw new EnvelopeError(`cannot decrypt the archive: ${(e as Error).message}`);
  }
}
