import { importPublicKey } from '../../adapters/pgp/keys.ts';
import type { PgpFailure } from '../../adapters/pgp/errors.ts';
import { decryptMessage, messageRecipients, type DecryptedMessage } from '../../adapters/pgp/messages.ts';
import { DomainError, isDomainError } from '../../core/errors.ts';
import type { SubmissionInput } from '../../core/reports/submission.ts';
import type { ReportPgpColumns } from '../../adapters/db/schema-pgp.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { loadProjectPrivateKeys } from './project-keys.ts';
import { getProjectForIntake } from '../projects/projects.ts';
import { quarantine } from './quarantine.ts';
import { aad } from '../reports/store.ts';

/**
 * OpenPGP on the intake path of web and API submissions: armored fields are decrypted with the project's keys
 * before validation; the reporter's own public key is checked and kept sealed; a submission that cannot be
 * decrypted is refused (422, field-level) and kept in the quarantine so nothing a reporter sent is lost.
 */

/** How a submission arrived, when it came OpenPGP-encrypted (set by the web/API decryption or the mail intake). */
export interface IntakeEncryption {
  encrypted: boolean;
  signature: 'none' | 'valid' | 'invalid' | 'unknown-key';
  signerFingerprint?: string | null;
}

export type SubmissionWithKey = SubmissionInput & { reporter_public_key?: string | null };

/** Fields a reporter may send encrypted (each its own armored message). */
const ENCRYPTABLE = ['title', 'description', 'steps_to_reproduce', 'impact', 'environment', 'proof_of_concept', 'suggested_fix'] as const;
const TITLE_MAX = 200;
const WILDCARD_KEY_ID = '0000000000000000';
const ARMORED = /^\s*-----BEGIN PGP MESSAGE-----/;

const reporterKeyAad = (reportId: string) => aad(reportId, 'reporter-public-key');

/**
 * Reporters' clocks run ahead of ours: a key or signature made "a minute from now" on their machine is not
 * an attack, so keys and signatures are judged at now + this tolerance (GnuPG is similarly lenient).
 */
export const CLOCK_SKEW_MS = 5 * 60_000;
const judgedAt = (ctx: Pick<ServiceContext, 'now'>): Date => new Date(ctx.now().getTime() + CLOCK_SKEW_MS);

/** The report columns for an intake's encryption facts (defaults: plain, unsigned). */
export function encryptionColumns(e: IntakeEncryption | undefined): Pick<ReportPgpColumns, 'signer_fingerprint'> & { encrypted: boolean; signature_status: string } {
  return {
    encrypted: e?.encrypted ?? false,
    signature_status: e?.signature ?? 'none',
    signer_fingerprint: e?.signature === 'valid' ? e.signerFingerprint ?? null : null,
  };
}

/** Validates the reporter's armored public key (must be able to encrypt), as a field problem when it is not. */
export async function checkReporterKey(armored: string, now: Date): Promise<{ fingerprint: string; publicKeyArmored: string }> {
  try {
    const info = await importPublicKey(armored, { now, requireEncryption: true });
    return { fingerprint: info.fingerprint, publicKeyArmored: info.publicKeyArmored };
  } catch (e) {
    if (isDomainError(e)) {
      throw new DomainError('validation', `reporter_public_key: ${e.message}`, { pgp: e.details.pgp, problems: [{ field: 'reporter_public_key', message: e.message }] });
    }
    throw e;
  }
}

/** Report columns holding the reporter's public key (sealed, bound to the report), or none. */
export async function reporterKeyColumns(
  ctx: ServiceContext,
  reportId: string,
  armored: string | null | undefined,
): Promise<Pick<ReportPgpColumns, 'reporter_public_key_sealed' | 'reporter_public_key_key_id' | 'reporter_key_fingerprint'>> {
  if (!armored || !armored.trim()) return { reporter_public_key_sealed: null, reporter_public_key_key_id: null, reporter_key_fingerprint: null };
  const key = await checkReporterKey(armored, judgedAt(ctx));
  const sealed = ctx.sealer.seal(key.publicKeyArmored, reporterKeyAad(reportId));
  return { reporter_public_key_sealed: sealed.sealed, reporter_public_key_key_id: sealed.keyId, reporter_key_fingerprint: key.fingerprint };
}

/** The reporter's armored public key for a report (by report id), or null: mail to them is encrypted to it. */
export async function getReporterPublicKey(ctx: { db: DbOrTx; sealer: ServiceContext['sealer'] }, reportId: string): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('reports')
    .select(['reporter_public_key_sealed', 'reporter_public_key_key_id'])
    .where('id', '=', reportId)
    .executeTakeFirst();
  if (!row?.reporter_public_key_sealed || !row.reporter_public_key_key_id) return null;
  return ctx.sealer.open(row.reporter_public_key_key_id, row.reporter_public_key_sealed, reporterKeyAad(reportId)).toString('utf8');
}

export interface DecryptWithProjectKeysResult extends DecryptedMessage {
  /** Fingerprint of the project key that opened it (the current one or a retired one). */
  projectKeyFingerprint: string;
}

/**
 * Decrypts one armored message with the project's keys: the current one first, then retired ones, so a report
 * encrypted to a key published before a rotation still opens. Throws a `validation` error carrying `pgp`.
 */
export async function decryptWithProjectKeys(ctx: ServiceContext, projectId: string, armored: string, reporterPublicKey?: string): Promise<DecryptWithProjectKeysResult> {
  const keys = await loadProjectPrivateKeys(ctx, projectId);
  const recipients = await messageRecipients(armored);
  if (keys.length === 0) {
    throw new DomainError('validation', 'This project has no OpenPGP key, so it cannot read an encrypted message; send it unencrypted or ask the maintainers for a key', {
      pgp: 'wrong_key' satisfies PgpFailure,
      problems: [{ field: 'message', message: 'this project has no OpenPGP key' }],
    });
  }
  // A hidden recipient (gpg --throw-keyids) has the wildcard key id: every key may be the one.
  const hidden = recipients.includes(WILDCARD_KEY_ID);
  const usable = keys.filter((k) => hidden || recipients.some((r) => k.keyIds.includes(r)));
  if (usable.length === 0) {
    const message = `encrypted to a key this project does not have (key id ${recipients.join(', ') || 'none'}); the project key is ${keys[0]!.fingerprint}`;
    throw new DomainError('validation', message, { pgp: 'wrong_key' satisfies PgpFailure, problems: [{ field: 'message', message }] });
  }
  let last: unknown;
  for (const k of usable) {
    try {
      const out = await decryptMessage(armored, { privateKey: k.privateKey, ...(reporterPublicKey ? { reporterPublicKey } : {}), now: judgedAt(ctx) });
      return { ...out, projectKeyFingerprint: k.fingerprint };
    } catch (e) {
      last = e;
      if (!(isDomainError(e) && e.details.pgp === 'wrong_key')) throw e;
    }
  }
  throw last;
}

/** The whole request as quarantined: fields as received plus every attachment (base64), so nothing is lost. */
export const rawSubmission = (body: unknown, files: { filename: string; data: Buffer }[]): Buffer =>
  Buffer.from(JSON.stringify({ fields: body, attachments: files.map((f) => ({ filename: f.filename, size: f.data.length, base64: f.data.toString('base64') })) }, null, 2), 'utf8');

/** The report's encryption facts from one decrypted message (the adapter says `unsigned` where reports say `none`). */
export const intakeEncryptionOf = (d: Pick<DecryptedMessage, 'signature' | 'signerFingerprint'>): IntakeEncryption => ({
  encrypted: true,
  signature: d.signature === 'unsigned' ? 'none' : d.signature,
  signerFingerprint: d.signature === 'valid' ? d.signerFingerprint ?? null : null,
});

const RANK: IntakeEncryption['signature'][] = ['invalid', 'unknown-key', 'none', 'valid'];

export interface DecryptedSubmission {
  input: SubmissionWithKey;
  encryption: IntakeEncryption | undefined;
}

/**
 * Decrypts every armored field of a web/API submission. Plain submissions pass through untouched. A failure
 * quarantines the raw request (sealed) and answers 422 naming the field and what is wrong.
 */
export async function decryptSubmission(
  ctx: ServiceContext,
  slug: string,
  input: SubmissionWithKey,
  channel: 'api' | 'web',
  raw: () => Buffer,
): Promise<DecryptedSubmission> {
  const fields = ENCRYPTABLE.filter((f) => typeof input[f] === 'string' && ARMORED.test(input[f] as string));
  if (fields.length === 0) return { input, encryption: undefined };
  const project = await getProjectForIntake(ctx, slug);
  const out: SubmissionWithKey = { ...input };
  let signature: IntakeEncryption['signature'] | undefined;
  let signerFingerprint: string | null = null;
  let field: string = fields[0]!;
  try {
    // A bad reporter key is the reporter's mistake, not a decryption failure: refused as a plain 400.
    const reporterKey = input.reporter_public_key?.trim() ? (await checkReporterKey(input.reporter_public_key, judgedAt(ctx))).publicKeyArmored : undefined;
    for (const f of fields) {
      field = f;
      try {
        const d = await decryptWithProjectKeys(ctx, project.id, input[f] as string, reporterKey);
        out[f] = d.text.trim();
        const s = intakeEncryptionOf(d).signature;
        if (signature === undefined || RANK.indexOf(s) < RANK.indexOf(signature)) {
          signature = s;
          signerFingerprint = s === 'valid' ? d.signerFingerprint ?? null : null;
        }
      } catch (e) {
        if (isDomainError(e) && e.code === 'validation' && typeof e.details.pgp === 'string') {
          const problem = e.details.problems as { message: string }[] | undefined;
          const what = problem?.[0]?.message ?? e.message;
          const message = `${f} is an OpenPGP message Embargo could not decrypt: ${what}`;
          throw new DomainError('pgp_rejected', message, { pgp: e.details.pgp, problems: [{ field: f, message: what }] });
        }
        throw e;
      }
    }
  } catch (e) {
    if (isDomainError(e) && e.code === 'pgp_rejected') {
      const q = await quarantine(ctx.db, ctx, {
        projectId: project.id,
        channel,
        reasonCode: String(e.details.pgp),
        reason: e.message,
        sender: input.reporter_email?.trim() || null,
        raw: raw(),
      });
      throw new DomainError('pgp_rejected', e.message, { ...e.details, field, quarantine_id: q.id, notice: 'Your submission was kept for the maintainers, but no report was created.' });
    }
    throw e;
  }
  // The edge admits a long armored title; the decrypted one must fit like a plain one.
  if (out.title.length > TITLE_MAX) throw DomainError.validation([{ field: 'title', message: `must NOT have more than ${TITLE_MAX} characters (once decrypted)` }]);
  // A signature from some key other than the one the reporter supplied verifies nothing.
  if (signature === 'valid' && !signerFingerprint) signature = 'unknown-key';
  return { input: out, encryption: { encrypted: true, signature: signature ?? 'none', signerFingerprint } };
}

/** What maintainers see about how a report arrived. */
export interface ReportEncryptionView {
  encrypted: boolean;
  signature: IntakeEncryption['signature'];
  signerFingerprint: string | null;
  /** Fingerprint of the public key the reporter supplied (replies to them are encrypted to it). */
  reporterKeyFingerprint: string | null;
}

export const encryptionOf = (row: { encrypted: boolean; signature_status: string; signer_fingerprint: string | null; reporter_key_fingerprint: string | null }): ReportEncryptionView => ({
  encrypted: row.encrypted,
  signature: row.signature_status as IntakeEncryption['signature'],
  signerFingerprint: row.signer_fingerprint,
  reporterKeyFingerprint: row.reporter_key_fingerprint,
});
