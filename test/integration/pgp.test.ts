import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { skipWithoutGpg, startGpg, type Gpg } from '../support/gpg.ts';
import { isDomainError } from '../../src/core/errors.ts';
import { createSealer } from '../../src/adapters/crypto/sealer.ts';
import { parsePolicy } from '../../src/core/policy/index.ts';
import { renderSecurityTxt } from '../../src/core/policy/render-security-txt.ts';
import {
  exportPublicKey,
  generateProjectKey,
  importPrivateKey,
  importPublicKey,
  openPrivateKey,
  sealPrivateKey,
  type ProjectKeyPair,
} from '../../src/adapters/pgp/keys.ts';
import {
  cleartextSign,
  decryptInlineBody,
  decryptMessage,
  decryptPgpMime,
  detectInlinePgp,
  encryptForRecipient,
  pgpMimeEnvelope,
  verifyCleartext,
} from '../../src/adapters/pgp/messages.ts';

const REPO = join(import.meta.dirname, '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures', 'pgp');

/** Asserts a rejected promise is a `validation` DomainError with the given `details.pgp` reason. */
async function rejectsWith(p: Promise<unknown>, reason: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isDomainError(e), `expected a DomainError, got ${String(e)}`);
    assert.equal(e.code, 'validation');
    assert.equal(e.details.pgp, reason, `reason: ${e.message}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

let project: ProjectKeyPair;
let reporter: ProjectKeyPair;
let stranger: ProjectKeyPair;

before(async () => {
  [project, reporter, stranger] = await Promise.all([
    generateProjectKey({ projectName: 'PrivaStream', email: 'security@privastream.ai' }),
    generateProjectKey({ projectName: 'Reporter', email: 'reporter@example.org' }),
    generateProjectKey({ projectName: 'Stranger', email: 'stranger@example.org' }),
  ]);
});

describe('project keys', () => {
  test('a generated key is ECC, names the project, can encrypt and sign, and round-trips through import', async () => {
    assert.deepEqual(project.userIds, ['PrivaStream security <security@privastream.ai>']);
    assert.match(project.fingerprint, /^[0-9A-F]{40}$/);
    assert.equal(project.algorithm, 'eddsaLegacy/ed25519Legacy');
    assert.ok(project.canEncrypt && project.canSign);
    assert.equal(project.expires, null);
    const imported = await importPrivateKey(project.privateKeyArmored);
    assert.equal(imported.fingerprint, project.fingerprint);
    const pub = await exportPublicKey(project.privateKeyArmored);
    assert.match(pub, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    assert.doesNotMatch(pub, /PRIVATE/);
    assert.equal((await importPublicKey(pub)).fingerprint, project.fingerprint);
  });

  test('a passphrase-protected private key is imported with its passphrase and stored unprotected', async () => {
    const locked = await openpgp.encryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: project.privateKeyArmored }), passphrase: 'hunter2' });
    await rejectsWith(importPrivateKey(locked.armor()), 'key_locked', /passphrase/);
    await rejectsWith(importPrivateKey(locked.armor(), { passphrase: 'wrong' }), 'key_locked');
    const ok = await importPrivateKey(locked.armor(), { passphrase: 'hunter2' });
    assert.equal(ok.fingerprint, project.fingerprint);
    assert.ok((await openpgp.readPrivateKey({ armoredKey: ok.privateKeyArmored })).isDecrypted());
  });

  test('import refuses a public key as project key, garbage, and an expired key', async () => {
    await rejectsWith(importPrivateKey(project.publicKeyArmored), 'not_private');
    await rejectsWith(importPublicKey('hello'), 'bad_armor');
    await rejectsWith(importPublicKey('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n'), 'malformed');
    const old = await generateProjectKey({ projectName: 'Old', email: 'old@example.org', now: new Date(Date.now() - 3 * 86_400_000), expiresInSeconds: 86_400 });
    assert.ok(old.expires);
    await rejectsWith(importPrivateKey(old.privateKeyArmored), 'key_expired', /expired on/);
    await rejectsWith(importPublicKey(old.publicKeyArmored), 'key_expired');
    await rejectsWith(encryptForRecipient('hi', { recipientPublicKey: old.publicKeyArmored }), 'key_expired');
  });

  test('the private key is sealed at rest, bound to its project', async () => {
    const sealer = createSealer(new Map([['k1', randomBytes(32)]]), 'k1');
    const stored = sealPrivateKey(sealer, 'proj-1', project.privateKeyArmored);
    assert.equal(stored.keyId, 'k1');
    assert.ok(!stored.sealed.toString('latin1').includes('PRIVATE KEY'));
    assert.equal(openPrivateKey(sealer, 'proj-1', stored), project.privateKeyArmored);
    assert.throws(() => openPrivateKey(sealer, 'proj-2', stored));
  });
});

describe('messages within openpgp.js', () => {
  test('a signed submission decrypts; the signature is valid with the reporter key, unknown without it', async () => {
    const armored = await encryptForRecipient('Heap overflow in the demuxer\n', { recipientPublicKey: project.publicKeyArmored, signingKey: reporter.privateKeyArmored });
    const withKey = await decryptMessage(armored, { privateKey: project.privateKeyArmored, reporterPublicKey: reporter.publicKeyArmored });
    assert.deepEqual(
      { text: withKey.text, encrypted: withKey.encrypted, signature: withKey.signature, signer: withKey.signerFingerprint },
      { text: 'Heap overflow in the demuxer\n', encrypted: true, signature: 'valid', signer: reporter.fingerprint },
    );
    const without = await decryptMessage(armored, { privateKey: project.privateKeyArmored });
    assert.equal(without.signature, 'unknown-key');
    assert.match(without.signerKeyId ?? '', /^[0-9A-F]{16}$/);
    const otherKey = await decryptMessage(armored, { privateKey: project.privateKeyArmored, reporterPublicKey: stranger.publicKeyArmored });
    assert.equal(otherKey.signature, 'unknown-key');
    assert.equal(otherKey.signerFingerprint, undefined);
  });

  test('a signature that does not match the decrypted text is "invalid"', async () => {
    const signingKeys = await openpgp.readPrivateKey({ armoredKey: reporter.privateKeyArmored });
    const signed = await openpgp.sign({ message: await openpgp.createMessage({ text: 'the original text' }), signingKeys, format: 'object' });
    // Swap the literal data after signing: a forged body under a genuine signature.
    (signed.packets.findPacket(openpgp.enums.packet.literalData) as unknown as { setText(t: string): void }).setText('a forged text');
    const armored = await openpgp.encrypt({ message: signed, encryptionKeys: await openpgp.readKey({ armoredKey: project.publicKeyArmored }) });
    const out = await decryptMessage(armored, { privateKey: project.privateKeyArmored, reporterPublicKey: reporter.publicKeyArmored });
    assert.equal(out.text, 'a forged text');
    assert.equal(out.signature, 'invalid');
    assert.equal(out.signerFingerprint, undefined);
  });

  test('an unsigned submission is "unsigned"; armor with CRLF and indentation from a form still reads', async () => {
    const armored = await encryptForRecipient('plain report', { recipientPublicKey: project.publicKeyArmored });
    const messy = armored.split('\n').map((l) => `  ${l}`).join('\r\n');
    const out = await decryptMessage(messy, { privateKey: project.privateKeyArmored });
    assert.equal(out.text, 'plain report');
    assert.equal(out.signature, 'unsigned');
  });

  test('inline PGP mail body: the block is replaced by its plaintext, surrounding text is flagged', async () => {
    const armored = await encryptForRecipient('secret details', { recipientPublicKey: project.publicKeyArmored, signingKey: reporter.privateKeyArmored });
    const body = `Hello,\r\n\r\n${armored.replace(/\n/g, '\r\n')}-- \r\nReporter\r\n`;
    assert.equal(detectInlinePgp(body), 'encrypted');
    const out = await decryptInlineBody(body, { privateKey: project.privateKeyArmored, reporterPublicKey: reporter.publicKeyArmored });
    assert.equal(out.text, 'Hello,\r\n\r\nsecret details\r\n-- \r\nReporter\r\n');
    assert.equal(out.signature, 'valid');
    assert.equal(out.hadCleartext, true);
    const only = await decryptInlineBody(armored, { privateKey: project.privateKeyArmored });
    assert.equal(only.hadCleartext, false);
    await rejectsWith(decryptInlineBody('just text', { privateKey: project.privateKeyArmored }), 'not_encrypted');
    // A reply quoting an earlier encrypted mail: the quoted block stays quoted, the new block is decrypted.
    const quoted = armored.trimEnd().split('\n').map((l) => `> ${l}`).join('\n');
    const reply = await encryptForRecipient('follow-up', { recipientPublicKey: project.publicKeyArmored });
    const thread = await decryptInlineBody(`${reply}\nOn Monday you wrote:\n${quoted}\n`, { privateKey: project.privateKeyArmored });
    assert.match(thread.text, /^follow-up\n\nOn Monday you wrote:\n> -----BEGIN PGP MESSAGE-----/);
  });

  test('PGP/MIME: whole entity or body only, decrypted to the inner MIME entity', async () => {
    const inner = 'Content-Type: text/plain; charset=utf-8\r\n\r\nRCE in the upload handler — details inside\r\n';
    const armored = await encryptForRecipient(inner, { recipientPublicKey: project.publicKeyArmored, mode: 'binary' });
    const env = pgpMimeEnvelope(armored);
    const entity = `Content-Type: ${env.contentType}\r\nMIME-Version: 1.0\r\n\r\n${env.body}`;
    assert.equal((await decryptPgpMime({ raw: entity }, { privateKey: project.privateKeyArmored })).text, inner);
    assert.equal((await decryptPgpMime({ raw: env.body, contentType: env.contentType }, { privateKey: project.privateKeyArmored })).text, inner);
    assert.equal((await decryptPgpMime({ raw: env.body }, { privateKey: project.privateKeyArmored })).text, inner);
    await rejectsWith(decryptPgpMime({ raw: env.body, contentType: 'multipart/signed; boundary=x' }, { privateKey: project.privateKeyArmored }), 'bad_mime');
    await rejectsWith(decryptPgpMime({ raw: env.body.replace('Version: 1', 'Version: 2') }, { privateKey: project.privateKeyArmored }), 'bad_mime', /Version: 1/);
    await rejectsWith(decryptPgpMime({ raw: env.body.slice(0, env.body.length - 40) }, { privateKey: project.privateKeyArmored }), 'bad_mime', /truncated/);
  });

  test('garbage armor, wrong key, truncated or tampered messages are refused with a clear reason', async () => {
    const opts = { privateKey: project.privateKeyArmored };
    await rejectsWith(decryptMessage('this is not pgp at all', opts), 'bad_armor', /BEGIN PGP MESSAGE/);
    await rejectsWith(decryptMessage(project.publicKeyArmored, opts), 'bad_armor');
    await rejectsWith(decryptMessage('-----BEGIN PGP MESSAGE-----\n\n!!!!not base64!!!!\n-----END PGP MESSAGE-----\n', opts), 'malformed');
    const armored = await encryptForRecipient('x'.repeat(2000), { recipientPublicKey: stranger.publicKeyArmored });
    await rejectsWith(decryptMessage(armored, opts), 'wrong_key', new RegExp(`not encrypted to this project's key ${project.fingerprint}`));
    const ours = await encryptForRecipient('y'.repeat(2000), { recipientPublicKey: project.publicKeyArmored });
    const lines = ours.trimEnd().split('\n');
    const truncated = [...lines.slice(0, Math.floor(lines.length / 2)), '-----END PGP MESSAGE-----', ''].join('\n');
    await assert.rejects(decryptMessage(truncated, opts), (e: unknown) => isDomainError(e) && ['malformed', 'decryption_failed', 'bad_armor'].includes(String(e.details.pgp)));
    const noEnd = lines.slice(0, -1).join('\n');
    await assert.rejects(decryptMessage(noEnd, opts), (e: unknown) => isDomainError(e) && e.code === 'validation');
    const signedOnly = await openpgp.sign({ message: await openpgp.createMessage({ text: 'hi' }), signingKeys: await openpgp.readPrivateKey({ armoredKey: reporter.privateKeyArmored }) });
    await rejectsWith(decryptMessage(signedOnly, opts), 'not_encrypted', /signed but not encrypted/);
  });

  test('cleartext signature: verifies, and an edited document is invalid', async () => {
    const doc = 'Contact: mailto:security@privastream.ai\nExpires: 2027-01-01T00:00:00.000Z\n';
    const signed = await cleartextSign(doc, project.privateKeyArmored);
    assert.match(signed, /^-----BEGIN PGP SIGNED MESSAGE-----\n/);
    const ok = await verifyCleartext(signed, project.publicKeyArmored);
    assert.equal(ok.signature, 'valid');
    assert.equal(ok.signerFingerprint, project.fingerprint);
    assert.equal(ok.text, doc.replace(/\n$/, ''));
    assert.doesNotMatch(signed, /\r/);
    assert.match(signed, /Z\n-----BEGIN PGP SIGNATURE-----/);
    const edited = signed.replace('Expires: 2027', 'Expires: 2029');
    assert.equal((await verifyCleartext(edited, project.publicKeyArmored)).signature, 'invalid');
    assert.equal((await verifyCleartext(signed, stranger.publicKeyArmored)).signature, 'unknown-key');
    await rejectsWith(verifyCleartext(doc, project.publicKeyArmored), 'bad_armor');
  });
});

// ---- GnuPG interop ----------------------------------------------------------------------------------------

describe('GnuPG interop', { skip: skipWithoutGpg }, () => {
  let gpgHome: Gpg;
  let reporterFpr: string;
  let reporterPublic: string;
  const gpg = (args: string[], input?: string) => gpgHome.run(args, input);
  const ok = (args: string[], input?: string) => gpgHome.ok(args, input);

  before(() => {
    gpgHome = startGpg();
    ({ fingerprint: reporterFpr, publicKey: reporterPublic } = gpgHome.newKey('Reporter', 'reporter@gpg.example'));
    ok(['--import'], project.publicKeyArmored);
  });
  after(() => gpgHome?.close());

  test('a gpg key is importable as a reporter key', async () => {
    const info = await importPublicKey(reporterPublic);
    assert.equal(info.fingerprint, reporterFpr);
    assert.deepEqual(info.userIds, ['Reporter <reporter@gpg.example>']);
  });

  test('gpg --encrypt to our exported public key → decrypted by Embargo (unsigned)', async () => {
    const armored = ok(['--armor', '--encrypt', '-r', project.fingerprint], 'Report from gpg: SQL injection in /search\n');
    const out = await decryptMessage(armored, { privateKey: project.privateKeyArmored });
    assert.equal(out.text, 'Report from gpg: SQL injection in /search\n');
    assert.equal(out.signature, 'unsigned');
  });

  test('gpg --sign --encrypt → signature valid with the reporter key, unknown-key without', async () => {
    const armored = ok(['--armor', '--sign', '--encrypt', '-u', reporterFpr, '-r', project.fingerprint], 'signed and sealed\n');
    const withKey = await decryptMessage(armored, { privateKey: project.privateKeyArmored, reporterPublicKey: reporterPublic });
    assert.equal(withKey.text, 'signed and sealed\n');
    assert.equal(withKey.signature, 'valid');
    assert.equal(withKey.signerFingerprint, reporterFpr);
    const without = await decryptMessage(armored, { privateKey: project.privateKeyArmored });
    assert.equal(without.signature, 'unknown-key');
  });

  test('a gpg message inside an RFC 3156 PGP/MIME entity → decrypted by Embargo', async () => {
    const inner = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nPGP/MIME from gpg\r\n';
    const armored = ok(['--armor', '--encrypt', '-r', project.fingerprint], inner);
    const env = pgpMimeEnvelope(armored, 'gpgboundary42');
    const entity = `From: reporter@gpg.example\r\nContent-Type: ${env.contentType}\r\n\r\n${env.body}`;
    const out = await decryptPgpMime({ raw: entity }, { privateKey: project.privateKeyArmored });
    assert.equal(out.text, inner);
  });

  test('gpg with a hidden recipient (--throw-keyids) and an inline-PGP mail body from gpg', async () => {
    const hidden = ok(['--armor', '--encrypt', '--throw-keyids', '-r', project.fingerprint], 'anonymous recipient\n');
    assert.equal((await decryptMessage(hidden, { privateKey: project.privateKeyArmored })).text, 'anonymous recipient\n');
    const block = ok(['--armor', '--encrypt', '--textmode', '-r', project.fingerprint], 'inline secret\n');
    const body = `Hi team,\r\n\r\n${block.replace(/\n/g, '\r\n')}Thanks\r\n`;
    const out = await decryptInlineBody(body, { privateKey: project.privateKeyArmored });
    assert.equal(out.text, 'Hi team,\r\n\r\ninline secret\n\r\nThanks\r\n');
    assert.equal(out.hadCleartext, true);
  });

  test('a gpg message to another key → wrong_key', async () => {
    const armored = ok(['--armor', '--encrypt', '-r', reporterFpr], 'not for you');
    await rejectsWith(decryptMessage(armored, { privateKey: project.privateKeyArmored }), 'wrong_key', /not encrypted to this project's key/);
  });

  test('Embargo encrypts (and signs) to a gpg key → gpg --decrypt reads it and verifies our signature', async () => {
    const armored = await encryptForRecipient('Maintainer reply: fixed in 1.0.3\n', { recipientPublicKey: reporterPublic, signingKey: project.privateKeyArmored });
    const r = gpg(['--status-fd', '2', '--decrypt'], armored);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'Maintainer reply: fixed in 1.0.3\n');
    assert.match(r.stderr, new RegExp(`^\\[GNUPG:\\] VALIDSIG ${project.fingerprint} `, 'm'));
    assert.match(r.stderr, /^\[GNUPG:\] DECRYPTION_OKAY/m);
  });

  test('gpg --verify accepts our cleartext-signed security.txt', async () => {
    const { policy } = parsePolicy(readFileSync(join(REPO, 'examples', 'policies', 'privastream.yaml'), 'utf8'));
    assert.ok(policy);
    const txt = renderSecurityTxt(policy, { now: new Date('2026-03-01T12:00:00Z'), canonicalUrl: 'https://privastream.example/.well-known/security.txt' });
    const signed = await cleartextSign(txt, project.privateKeyArmored);
    const file = gpgHome.file('security.txt', signed);
    const r = gpg(['--status-fd', '2', '--verify', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^\\[GNUPG:\\] VALIDSIG ${project.fingerprint} `, 'm'));
    assert.match(r.stderr, /^\[GNUPG:\] GOODSIG /m);
    // And gpg's own view of the signed text is the rendered document.
    assert.equal(ok(['--decrypt', file]).replace(/\n$/, ''), txt.replace(/\n$/, ''));
    // A tampered copy is refused by gpg too.
    writeFileSync(file, signed.replace('Contact: mailto:', 'Contact: mailto:evil-'));
    assert.notEqual(gpg(['--verify', file]).status, 0);
  });

  test('a gpg cleartext signature is verified by Embargo', async () => {
    const signed = ok(['--clearsign', '-u', reporterFpr], 'Contact: mailto:reporter@gpg.example\n');
    const out = await verifyCleartext(signed, reporterPublic);
    assert.equal(out.signature, 'valid');
    assert.equal(out.signerFingerprint, reporterFpr);
  });
});

// Made once with GnuPG 2.2.40 (see test/fixtures/pgp/README.md), so these run even where gpg is not installed.
describe('GnuPG-made fixtures', () => {
  const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

  test('a gpg 2.2 signed-and-encrypted message decrypts, signature valid against the reporter key', async () => {
    const reporterKey = await importPublicKey(fixture('reporter-public.asc'), { now: new Date('2026-11-24T00:00:00Z') });
    const out = await decryptMessage(fixture('gpg-message.asc'), { privateKey: fixture('project-secret.asc'), reporterPublicKey: fixture('reporter-public.asc') });
    assert.equal(out.text, fixture('gpg-message.txt'));
    assert.equal(out.signature, 'valid');
    assert.equal(out.signerFingerprint, reporterKey.fingerprint);
  });

  test('a PGP/MIME mail around a gpg 2.2 message decrypts to the exact inner MIME entity (CRLF kept)', async () => {
    const out = await decryptPgpMime({ raw: fixture('gpg-pgpmime.eml') }, { privateKey: fixture('project-secret.asc') });
    assert.equal(out.text, fixture('gpg-pgpmime.inner.eml'));
    assert.match(out.text, /\r\n\r\nPGP\/MIME report/);
    assert.equal(out.signature, 'unsigned');
  });

  test('the fixture message is refused by another project key', async () => {
    await rejectsWith(decryptMessage(fixture('gpg-message.asc'), { privateKey: stranger.privateKeyArmored }), 'wrong_key');
  });
});
