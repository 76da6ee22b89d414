import * as openpgp from 'openpgp';
import { formatFingerprint, importPublicKey, readPrivateKey, readPublicKey } from './keys.ts';
import { pgpError, reasonOf } from './errors.ts';

export type SignatureStatus = 'valid' | 'invalid' | 'unsigned' | 'unknown-key';

export interface DecryptedMessage {
  text: string;
  encrypted: true;
  signature: SignatureStatus;
  /** Primary-key fingerprint of the verified signer (only when the reporter key made the signature). */
  signerFingerprint?: string;
  /** Key id of the (first) signature's issuer, also when the key is unknown: upper-case hex. */
  signerKeyId?: string;
}

export interface DecryptOptions {
  /** The project's unprotected armored private key (opened from its sealed form). */
  privateKey: string;
  /** The reporter's armored public key, to verify a signature against. */
  reporterPublicKey?: string;
  now?: Date;
}

const BEGIN_MESSAGE = '-----BEGIN PGP MESSAGE-----';
// Anchored at line starts: a block quoted in a reply ("> -----BEGIN…") is left alone as quoted text.
const MESSAGE_BLOCK = /^-----BEGIN PGP MESSAGE-----\r?\n[\s\S]*?^-----END PGP MESSAGE-----/gm;
const utf8 = new TextDecoder('utf-8');

/** Mail and web forms bring CRLF, stray indentation and trailing blanks; armor parsing wants none of them. */
const normalizeArmor = (armored: string): string =>
  armored.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim()).join('\n').trim() + '\n';

const hexId = (id: openpgp.KeyID): string => id.toHex().toUpperCase();

async function readArmoredMessage(armored: string): Promise<openpgp.Message<string>> {
  const text = normalizeArmor(armored);
  if (!text.startsWith(BEGIN_MESSAGE)) {
    throw pgpError('bad_armor', 'This is not an armored OpenPGP message (it must start with "-----BEGIN PGP MESSAGE-----")', 'message');
  }
  try {
    return await openpgp.readMessage({ armoredMessage: text });
  } catch (e) {
    const why = reasonOf(e);
    const reason = /armor/i.test(why) ? 'bad_armor' : 'malformed';
    throw pgpError(reason, `The OpenPGP message could not be read (damaged or truncated): ${why}`, 'message');
  }
}

async function signatureOf(
  results: { keyID: openpgp.KeyID; verified: Promise<true> }[],
  verifier: openpgp.PublicKey | undefined,
): Promise<Pick<DecryptedMessage, 'signature' | 'signerFingerprint' | 'signerKeyId'>> {
  if (results.length === 0) return { signature: 'unsigned' };
  let status: SignatureStatus = 'unknown-key';
  let signerFingerprint: string | undefined;
  for (const r of results) {
    const known = verifier !== undefined && verifier.getKeys(r.keyID).length > 0;
    try {
      await r.verified;
      if (known) {
        if (status !== 'invalid') status = 'valid';
        signerFingerprint = formatFingerprint(verifier.getFingerprint());
      }
    } catch {
      // A signature by a key we were not given cannot be judged; one by the given key that fails is invalid.
      if (known) status = 'invalid';
    }
  }
  const first = results[0];
  return { signature: status, ...(status === 'valid' && signerFingerprint ? { signerFingerprint } : {}), ...(first ? { signerKeyId: hexId(first.keyID) } : {}) };
}

async function decryptRead(message: openpgp.Message<string>, opts: DecryptOptions): Promise<{ bytes: Uint8Array } & Omit<DecryptedMessage, 'text' | 'encrypted'>> {
  const now = opts.now ?? new Date();
  const key = await readPrivateKey(opts.privateKey);
  const verifier = opts.reporterPublicKey ? await readPublicKey(opts.reporterPublicKey) : undefined;
  const recipients = message.getEncryptionKeyIDs();
  if (recipients.length === 0) {
    const signedOnly = message.getSigningKeyIDs().length > 0;
    throw pgpError('not_encrypted', signedOnly ? 'The message is signed but not encrypted' : 'The message is not encrypted to a public key', 'message');
  }
  const ours = key.getKeyIDs();
  if (!recipients.some((r) => ours.some((k) => k.equals(r, true)))) {
    throw pgpError(
      'wrong_key',
      `The message is not encrypted to this project's key ${formatFingerprint(key.getFingerprint())}; it is for key id(s) ${recipients.map(hexId).join(', ')}`,
      'message',
    );
  }
  let decrypted: Awaited<ReturnType<openpgp.Message<string>['decrypt']>>;
  try {
    // Non-streaming: the whole ciphertext, including its integrity tag, is checked before anything is returned.
    decrypted = await message.decrypt([key], undefined, undefined, now);
  } catch (e) {
    const why = reasonOf(e);
    if (/session key decryption failed|no decryption key packets found/i.test(why)) {
      throw pgpError('wrong_key', `The message could not be decrypted with this project's key: ${why}`, 'message');
    }
    throw pgpError('decryption_failed', `The message could not be decrypted (damaged, truncated or tampered): ${why}`, 'message');
  }
  let data: unknown;
  let literalFormat: unknown;
  let signatures: Awaited<ReturnType<typeof decrypted.verify>>;
  try {
    literalFormat = (decrypted.unwrapCompressed().packets.findPacket(openpgp.enums.packet.literalData) as { format?: unknown } | undefined)?.format;
    data = decrypted.getLiteralData();
    signatures = await decrypted.verify(verifier ? [verifier] : [], now);
  } catch (e) {
    throw pgpError('malformed', `The decrypted message is not valid OpenPGP data: ${reasonOf(e)}`, 'message');
  }
  if (!(data instanceof Uint8Array)) throw pgpError('malformed', 'The decrypted message has no literal data', 'message');
  // Text-mode literal data is canonical CRLF on the wire (RFC 9580 §5.9); hand it back with local (LF) line ends.
  const textMode = literalFormat === openpgp.enums.literal.text || literalFormat === openpgp.enums.literal.utf8;
  const bytes = textMode ? Buffer.from(utf8.decode(data).replace(/\r\n/g, '\n'), 'utf8') : data;
  return { bytes, ...(await signatureOf(signatures, verifier)) };
}

/** Decrypts one armored message (a web or API submission, or a PGP/MIME payload) with the project key. */
export async function decryptMessage(armored: string, opts: DecryptOptions): Promise<DecryptedMessage> {
  const { bytes, ...sig } = await decryptRead(await readArmoredMessage(armored), opts);
  return { text: utf8.decode(bytes), encrypted: true, ...sig };
}

/**
 * The key ids (upper-case hex) an armored message is encrypted to, without decrypting it: lets the caller pick
 * among several project keys (current and retired) and say which key a message was for. Throws like decryption.
 */
export async function messageRecipients(armored: string): Promise<string[]> {
  const message = await readArmoredMessage(armored);
  const ids = message.getEncryptionKeyIDs().map(hexId);
  if (ids.length === 0) {
    const signedOnly = message.getSigningKeyIDs().length > 0;
    throw pgpError('not_encrypted', signedOnly ? 'The message is signed but not encrypted' : 'The message is not encrypted to a public key', 'message');
  }
  return ids;
}

/** Every key id (primary and subkeys, upper-case hex) of an armored key: matched against `messageRecipients`. */
export async function keyIdsOf(armored: string): Promise<string[]> {
  return (await readPublicKey(armored)).getKeyIDs().map(hexId);
}

/** Whether a text body carries inline PGP: an encrypted block, a cleartext-signed block, or neither. */
export function detectInlinePgp(body: string): 'encrypted' | 'signed' | null {
  if (/^-----BEGIN PGP MESSAGE-----\r?$/m.test(body)) return 'encrypted';
  if (/^-----BEGIN PGP SIGNED MESSAGE-----\r?$/m.test(body)) return 'signed';
  return null;
}

export interface DecryptedInlineBody extends DecryptedMessage {
  /** True when the body also had text outside the encrypted block(s) (that text was not protected). */
  hadCleartext: boolean;
}

/**
 * Inline PGP mail body: every `-----BEGIN PGP MESSAGE-----` block is replaced by its plaintext. The signature
 * status is the weakest over the blocks (invalid < unknown-key < unsigned < valid).
 */
export async function decryptInlineBody(body: string, opts: DecryptOptions): Promise<DecryptedInlineBody> {
  const blocks = [...body.matchAll(MESSAGE_BLOCK)];
  if (blocks.length === 0) throw pgpError('not_encrypted', 'The mail body has no inline "-----BEGIN PGP MESSAGE-----" block', 'body');
  const rank: SignatureStatus[] = ['invalid', 'unknown-key', 'unsigned', 'valid'];
  let out = '';
  let last = 0;
  let outside = '';
  let worst: DecryptedMessage | undefined;
  for (const m of blocks) {
    const decrypted = await decryptMessage(m[0], opts);
    outside += body.slice(last, m.index);
    out += body.slice(last, m.index) + decrypted.text;
    last = m.index + m[0].length;
    if (!worst || rank.indexOf(decrypted.signature) < rank.indexOf(worst.signature)) worst = decrypted;
  }
  outside += body.slice(last);
  out += body.slice(last);
  if (!worst) throw pgpError('not_encrypted', 'The mail body has no inline PGP block', 'body');
  const { text: _t, ...sig } = worst;
  return { ...sig, text: out, hadCleartext: outside.trim() !== '' };
}

// ---- PGP/MIME (RFC 3156) ---------------------------------------------------------------------------------

interface MimePart {
  headers: Map<string, string>;
  body: string;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  const unfolded = block.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ');
  for (const line of unfolded.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return headers;
}

function splitEntity(raw: string): MimePart {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { headers: parseHeaders(raw), body: '' };
  return { headers: parseHeaders(raw.slice(0, m.index)), body: raw.slice(m.index + m[0].length) };
}

const mediaType = (contentType: string | undefined): string => (contentType ?? 'text/plain').split(';')[0]!.trim().toLowerCase();

function param(contentType: string, name: string): string | undefined {
  const re = new RegExp(`;\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i');
  const m = re.exec(contentType);
  return m ? (m[1] ?? m[2])?.replace(/\\(.)/g, '$1') : undefined;
}

function decodeTransfer(part: MimePart): string {
  const cte = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (cte === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') {
    return part.body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_s, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  return part.body;
}

export interface PgpMimeInput {
  /**
   * Either the whole multipart/encrypted entity (its headers included), or only its body; in the latter case
   * pass `contentType` (the entity's Content-Type header) or let the boundary be taken from the first `--` line.
   */
  raw: string;
  contentType?: string;
}

function pgpMimeParts(input: PgpMimeInput): MimePart[] {
  let contentType = input.contentType;
  let body = input.raw;
  if (contentType === undefined && /^[A-Za-z0-9-]+:/.test(input.raw)) {
    const entity = splitEntity(input.raw);
    contentType = entity.headers.get('content-type');
    body = entity.body;
  }
  if (contentType !== undefined) {
    if (mediaType(contentType) !== 'multipart/encrypted') throw pgpError('bad_mime', `Expected multipart/encrypted, got ${mediaType(contentType)}`, 'content-type');
    const protocol = param(contentType, 'protocol');
    if (protocol?.toLowerCase() !== 'application/pgp-encrypted') {
      throw pgpError('bad_mime', `multipart/encrypted must have protocol="application/pgp-encrypted" (RFC 3156 §4), got ${protocol ?? 'none'}`, 'content-type');
    }
  }
  const boundary = contentType !== undefined ? param(contentType, 'boundary') : /^--(\S+?)\s*$/m.exec(body)?.[1];
  if (!boundary) throw pgpError('bad_mime', 'The multipart/encrypted entity has no boundary', 'content-type');
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const parts: string[][] = [];
  let current: string[] | null = null;
  let closed = false;
  for (const line of lines) {
    const t = line.trimEnd();
    if (t === `--${boundary}--`) {
      if (current) parts.push(current);
      current = null;
      closed = true;
      break;
    }
    if (t === `--${boundary}`) {
      if (current) parts.push(current);
      current = [];
    } else if (current) current.push(line);
  }
  if (!closed) throw pgpError('bad_mime', 'The multipart/encrypted entity is truncated (no closing boundary)', 'body');
  return parts.map((p) => splitEntity(p.join('\n')));
}

/**
 * RFC 3156 §4 PGP/MIME: checks the application/pgp-encrypted control part ("Version: 1") and decrypts the
 * application/octet-stream part. `text` is the decrypted MIME entity (headers and body), to be parsed as mail.
 */
export async function decryptPgpMime(input: PgpMimeInput, opts: DecryptOptions): Promise<DecryptedMessage> {
  const parts = pgpMimeParts(input);
  const [control, payload] = parts;
  if (!control || !payload || parts.length !== 2) throw pgpError('bad_mime', `multipart/encrypted must have exactly two parts, found ${parts.length}`, 'body');
  if (mediaType(control.headers.get('content-type')) !== 'application/pgp-encrypted') {
    throw pgpError('bad_mime', 'The first part of multipart/encrypted must be application/pgp-encrypted', 'body');
  }
  if (!/^\s*Version:\s*1\s*$/m.test(decodeTransfer(control))) throw pgpError('bad_mime', 'The application/pgp-encrypted part must say "Version: 1"', 'body');
  if (mediaType(payload.headers.get('content-type')) !== 'application/octet-stream') {
    throw pgpError('bad_mime', 'The second part of multipart/encrypted must be application/octet-stream', 'body');
  }
  return decryptMessage(decodeTransfer(payload), opts);
}

// ---- outbound ---------------------------------------------------------------------------------------------

export interface EncryptOptions {
  /** The reporter's armored public key. */
  recipientPublicKey: string;
  /** The project's armored private key; when given, the message is signed too. */
  signingKey?: string;
  now?: Date;
  /**
   * 'text' (default): a text-mode literal, line ends canonicalised to CRLF in transit and restored by the reader.
   * 'binary': the exact bytes, for a MIME entity inside PGP/MIME (which must keep its CRLF).
   */
  mode?: 'text' | 'binary';
}

/** Encrypts (and signs, with the project key) a text for a reporter; armored, SEIPDv1 so GnuPG 2.2 reads it. */
export async function encryptForRecipient(text: string, opts: EncryptOptions): Promise<string> {
  const now = opts.now ?? new Date();
  await importPublicKey(opts.recipientPublicKey, { now, requireEncryption: true });
  const encryptionKeys = await readPublicKey(opts.recipientPublicKey);
  const signingKeys = opts.signingKey ? await readPrivateKey(opts.signingKey) : undefined;
  try {
    return await openpgp.encrypt({
      message: opts.mode === 'binary' ? await openpgp.createMessage({ binary: Buffer.from(text, 'utf8'), date: now }) : await openpgp.createMessage({ text, date: now }),
      encryptionKeys,
      ...(signingKeys ? { signingKeys } : {}),
      date: now,
      format: 'armored',
    });
  } catch (e) {
    throw pgpError('key_unusable', `The message could not be encrypted: ${reasonOf(e)}`, 'key');
  }
}

/**
 * An RFC 3156 multipart/encrypted body around an armored message, for the mailer: use `contentType` as the
 * mail's Content-Type and `body` as its raw body. The plaintext encrypted should itself be a MIME entity.
 */
export function pgpMimeEnvelope(armoredMessage: string, boundary = `embargo-pgp-${Math.random().toString(36).slice(2)}`): { contentType: string; body: string } {
  const body = [
    'This is an OpenPGP/MIME encrypted message (RFC 3156).',
    `--${boundary}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    armoredMessage.replace(/\r?\n$/, ''),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { contentType: `multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${boundary}"`, body };
}

// ---- cleartext signatures (security.txt, RFC 9116 §2.3) ----------------------------------------------------

/** An OpenPGP cleartext-signed copy of `text` (RFC 9580 §7), e.g. security.txt; verifiable with `gpg --verify`. */
export async function cleartextSign(text: string, privateKey: string, now: Date = new Date()): Promise<string> {
  const signingKeys = await readPrivateKey(privateKey);
  try {
    // Like `gpg --clearsign` on a file: the final newline frames the signature instead of being signed, and the
    // output uses LF throughout (openpgp.js writes the signed lines with CRLF but its headers with LF).
    const body = text.replace(/\r\n?/g, '\n').replace(/\n$/, '');
    const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: body }), signingKeys, date: now, format: 'armored' });
    return signed.replace(/\r\n/g, '\n');
  } catch (e) {
    throw pgpError('key_unusable', `The document could not be signed: ${reasonOf(e)}`, 'key');
  }
}

export interface VerifiedCleartext {
  text: string;
  signature: SignatureStatus;
  signerFingerprint?: string;
  signerKeyId?: string;
}

export async function verifyCleartext(signed: string, publicKey: string, now: Date = new Date()): Promise<VerifiedCleartext> {
  const normalized = signed.replace(/\r\n?/g, '\n');
  if (!/^-----BEGIN PGP SIGNED MESSAGE-----$/m.test(normalized)) {
    throw pgpError('bad_armor', 'This is not an OpenPGP cleartext-signed document (no "-----BEGIN PGP SIGNED MESSAGE-----")', 'document');
  }
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: normalized });
  } catch (e) {
    throw pgpError('malformed', `The cleartext-signed document could not be read: ${reasonOf(e)}`, 'document');
  }
  const verifier = await readPublicKey(publicKey);
  const result = await openpgp.verify({ message, verificationKeys: verifier, date: now });
  return { text: result.data.replace(/\r\n/g, '\n'), ...(await signatureOf(result.signatures, verifier)) };
}
