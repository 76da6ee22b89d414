import type { ParsedMail } from 'mailparser';
import { decryptInlineBody, decryptPgpMime, detectInlinePgp, type DecryptedMessage, type DecryptOptions } from '../../adapters/pgp/messages.ts';
import type { InboundMail } from '../../adapters/email/smtp-listener.ts';
import { inboundBounce, BOUNCE_REASONS } from '../../core/mail/templates.ts';
import { splitSections } from '../../core/mail/sections.ts';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { sniffAttachment, type IncomingFile } from '../reports/attachments.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { normalizeAddress, parseReplyAddress, reportForReplyToken } from './addresses.ts';
import { claimedAddresses, findProjectByAddress } from '../projects/projects.ts';
import { enqueueMail, isMailableAddress } from './outbox.ts';
import { getReporterPublicKey } from '../pgp/intake.ts';
import { loadProjectPrivateKeys } from '../pgp/project-keys.ts';
import { quarantine } from '../pgp/quarantine.ts';
import { recordEvent } from '../reports/events.ts';
import { submitReport } from '../reports/intake.ts';
import type { IntakeEncryption } from '../pgp/intake.ts';
import { insertMessage } from '../reports/thread.ts';
import { raiseEvent, reportRef } from '../events/raise.ts';

/** mailparser loads only when mail arrives: most server starts never parse one (bench/startup.ts). */
const parseMime = async (raw: Buffer | string): Promise<ParsedMail> => (await import('mailparser')).simpleParser(raw);

/**
 * Mail intake: what the SMTP listener hands over becomes a report, a message in a report's thread, or a
 * quarantined item with a bounce to the sender. Every outcome is committed before the listener answers 250.
 */

export interface MailIntakeLimits {
  /** Domains RCPT TO may name; empty → the domains of the projects' security addresses. */
  domains: string[];
  maxAttachments: number;
  maxAttachmentBytes: number;
}

interface ProjectAddress {
  id: string;
  slug: string;
  address: string;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

interface Target {
  project: ProjectAddress;
  recipient: string;
  replyToken: string | null;
}

/** The project holding the recipient's address (or the base of a reply address) as its claim, in an accepted domain. */
async function resolveTarget(ctx: ServiceContext, recipient: string, domains: string[]): Promise<Target | null> {
  const address = normalizeAddress(recipient);
  const accepted = domains.length ? domains : [...new Set((await claimedAddresses(ctx.db)).map(domainOf))];
  if (!accepted.includes(domainOf(address))) return null;
  const reply = parseReplyAddress(address);
  const base = reply ? reply.base : address;
  const project = await findProjectByAddress(ctx.db, base);
  return project ? { project: { ...project, address: base }, recipient: address, replyToken: reply?.token ?? null } : null;
}

/** RCPT TO check: a project's security address or one of its reply addresses, in an accepted domain. */
export async function acceptsRecipient(ctx: ServiceContext, recipient: string, limits: MailIntakeLimits): Promise<boolean> {
  return (await resolveTarget(ctx, recipient, limits.domains)) !== null;
}

/** A reason to hold a mail: code (quarantine reason_code) + what the maintainer and the sender read. */
class Held extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function headerLine(parsed: ParsedMail, name: string): string | null {
  const line = parsed.headerLines.find((h) => h.key === name);
  return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : null;
}

/** RFC 3834: never answer automatic mail (bounces, vacation replies, lists): answering could loop. */
function isAutomatic(parsed: ParsedMail, envelopeFrom: string | null): boolean {
  if (envelopeFrom === null) return true;
  const auto = headerLine(parsed, 'auto-submitted');
  if (auto && !/^no\b/i.test(auto)) return true;
  const precedence = headerLine(parsed, 'precedence');
  if (precedence && /^(bulk|junk|list)\b/i.test(precedence)) return true;
  return /^(mailer-daemon|postmaster)@/i.test(envelopeFrom);
}

/**
 * What mailparser forgives but a sender should hear about: no header block, or a multipart whose boundary is
 * missing or never closed (the parts would be guessed at).
 */
function checkStructure(raw: Buffer, parsed: ParsedMail): void {
  const text = raw.toString('latin1');
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(text)) throw new Held('bad_mime', 'The message does not start with a header block.');
  const ct = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (ct?.value?.toLowerCase().startsWith('multipart/')) {
    const boundary = ct.params?.boundary;
    if (!boundary) throw new Held('bad_mime', `The ${ct.value} message has no boundary parameter.`);
    if (!text.includes(`--${boundary}--`)) throw new Held('bad_mime', `The ${ct.value} message is cut short: its closing boundary is missing.`);
  }
}

interface Content {
  text: string;
  files: IncomingFile[];
  encryption: IntakeEncryption | undefined;
  /** A public key the reporter attached (application/pgp-keys) or pasted: later mails to them are encrypted to it. */
  reporterKey: string | null;
}

const PUBLIC_KEY_BLOCK = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/;

/** The reporter's public key, if the mail carries one: an application/pgp-keys attachment or a pasted block. */
function attachedKey(parsed: ParsedMail, text: string): string | null {
  const part = parsed.attachments.find((a) => a.contentType === 'application/pgp-keys' || /\.asc$/i.test(a.filename ?? ''));
  const fromPart = part ? PUBLIC_KEY_BLOCK.exec(part.content.toString('utf8'))?.[0] : undefined;
  return fromPart ?? PUBLIC_KEY_BLOCK.exec(text)?.[0] ?? null;
}

const signatureOf = (d: DecryptedMessage): IntakeEncryption => ({
  encrypted: true,
  signature: d.signature === 'unsigned' ? 'none' : d.signature,
  signerFingerprint: d.signature === 'valid' ? d.signerFingerprint ?? null : null,
});

/** Tries the project's keys, current first; a mail to none of them is `wrong_key`. */
async function withProjectKeys(ctx: ServiceContext, projectId: string, reporterKey: string | null, fn: (opts: DecryptOptions) => Promise<DecryptedMessage>): Promise<DecryptedMessage> {
  const keys = await loadProjectPrivateKeys(ctx, projectId);
  if (!keys.length) throw new Held('no_key', BOUNCE_REASONS.no_key as string);
  let last: unknown;
  for (const k of keys) {
    try {
      return await fn({ privateKey: k.privateKey, ...(reporterKey ? { reporterPublicKey: reporterKey } : {}), now: ctx.now() });
    } catch (e) {
      last = e;
      if (!(isDomainError(e) && e.details.pgp === 'wrong_key')) break;
    }
  }
  if (isDomainError(last) && typeof last.details.pgp === 'string') {
    throw new Held(last.details.pgp, `${BOUNCE_REASONS[last.details.pgp] ?? 'The OpenPGP content could not be read.'} (${last.message})`);
  }
  throw last;
}

function filesOf(parsed: ParsedMail, limits: MailIntakeLimits): IncomingFile[] {
  const files = parsed.attachments
    .filter((a) => !(a.contentType === 'application/pgp-signature' || a.contentType === 'application/pgp-keys' || PUBLIC_KEY_BLOCK.test(a.content.toString('latin1', 0, 200_000))))
    .map((a, i) => ({ filename: a.filename ?? `attachment-${i + 1}`, data: a.content }));
  if (files.length > limits.maxAttachments) throw new Held('too_many_attachments', `The mail has ${files.length} attachments; at most ${limits.maxAttachments} are accepted.`);
  for (const f of files) {
    if (f.data.length > limits.maxAttachmentBytes) throw new Held('attachment_too_large', `Attachment "${f.filename}" is larger than ${limits.maxAttachmentBytes} bytes.`);
  }
  return files;
}

/**
 * The readable content of a mail: PGP/MIME and inline PGP decrypted with the project's key. The signature is
 * checked against `knownKey` (a reply: the key the reporter gave earlier) or else against a key the mail itself
 * carries (decrypting twice: the key may be inside the encrypted part).
 */
async function contentOf(
  ctx: ServiceContext,
  mail: {
    raw: Buffer;
    parsed: ParsedMail;
    /** The project whose keys decrypt it. */
    projectId: string;
    /** The reporter's public key given earlier (a reply), or null: a key the mail carries is used. */
    knownKey: string | null;
    limits: MailIntakeLimits;
  },
): Promise<Content> {
  const { raw, parsed, projectId, knownKey, limits } = mail;
  const ct = parsed.headers.get('content-type') as { value?: string } | undefined;
  const decrypt = async (fn: (opts: DecryptOptions) => Promise<DecryptedMessage>, keyIn: (d: DecryptedMessage) => Promise<string | null>) => {
    let d = await withProjectKeys(ctx, projectId, knownKey, fn);
    const carried = knownKey ? null : await keyIn(d);
    if (carried && d.signature === 'unknown-key') d = await withProjectKeys(ctx, projectId, carried, fn);
    return { d, carried };
  };
  if (ct?.value?.toLowerCase() === 'multipart/encrypted') {
    let inner: ParsedMail | null = null;
    const innerOf = async (d: DecryptedMessage) => (inner ??= await parseMime(d.text));
    const { d, carried } = await decrypt(
      (opts) => decryptPgpMime({ raw: raw.toString('utf8') }, opts),
      async (d) => {
        const p = await innerOf(d);
        return attachedKey(p, p.text ?? '') ?? attachedKey(parsed, '');
      },
    );
    const p = await innerOf(d);
    return { text: (p.text ?? '').replace(PUBLIC_KEY_BLOCK, '').trim(), files: filesOf(p, limits), encryption: signatureOf(d), reporterKey: carried };
  }
  const text = parsed.text ?? '';
  if (detectInlinePgp(text) === 'encrypted') {
    const { d, carried } = await decrypt(
      (opts) => decryptInlineBody(text, opts),
      async (d) => attachedKey(parsed, d.text),
    );
    return { text: d.text.replace(PUBLIC_KEY_BLOCK, '').trim(), files: filesOf(parsed, limits), encryption: signatureOf(d), reporterKey: carried };
  }
  return { text: text.replace(PUBLIC_KEY_BLOCK, '').trim(), files: filesOf(parsed, limits), encryption: undefined, reporterKey: attachedKey(parsed, text) };
}

const oneLine = (v: string | undefined | null): string | null => (v && !/[\r\n]/.test(v) && v.length < 1000 ? v : null);

/** Holds a mail with its reason; bounces to the envelope sender unless the mail was automatic. */
async function hold(ctx: ServiceContext, mail: InboundMail, target: Target | null, held: Held, parsed: ParsedMail | null): Promise<string> {
  const automatic = parsed ? isAutomatic(parsed, mail.mailFrom) : mail.mailFrom === null;
  const sender = parsed?.from?.value[0]?.address ?? mail.mailFrom;
  return ctx.db.transaction().execute(async (tx) => {
    const q = await quarantine(tx, ctx, {
      projectId: target?.project.id ?? null,
      channel: 'email',
      reasonCode: held.code,
      reason: held.message,
      sender: sender ?? null,
      raw: mail.raw,
    });
    const ourselves = mail.mailFrom && normalizeAddress(mail.mailFrom) === normalizeAddress(ctx.mail?.from ?? '');
    if (!automatic && !ourselves && mail.mailFrom && isMailableAddress(mail.mailFrom)) {
      const bounce = inboundBounce({ recipient: target?.recipient ?? mail.rcptTo[0] ?? '', originalSubject: parsed?.subject ?? null, reason: held.message, quarantineId: q.id });
      const messageId = oneLine(parsed?.messageId);
      await enqueueMail(tx, ctx, {
        kind: 'bounce',
        projectId: target?.project.id ?? null,
        to: mail.mailFrom,
        subject: bounce.subject,
        text: bounce.text,
        headers: { 'Auto-Submitted': 'auto-replied', ...(messageId ? { 'In-Reply-To': messageId, References: messageId } : {}) },
      });
    }
    return `quarantine ${q.id}`;
  });
}

/** A reply by mail: appended to the report's thread as the reporter's message, like one sent through the link. */
async function appendReply(ctx: ServiceContext, projectId: string, reportId: string, content: Content): Promise<string> {
  const files = await typedFiles(content.files);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => `message ${await writeReply(ctx, tx, { projectId, reportId, content, files, at: now, actor: 'reporter' })}`);
}

const typedFiles = async (files: IncomingFile[]) => {
  const types = await Promise.all(files.map((f, i) => sniffAttachment(f, i)));
  return files.map((f, i) => ({ ...f, contentType: types[i] ?? 'application/octet-stream' }));
};

/** A reply by mail as `writeReply` stores it: the thread message, its event and its audit entry. */
interface ReplyWrite {
  projectId: string;
  reportId: string;
  content: Content;
  /** `content.files` with their sniffed content types. */
  files: Awaited<ReturnType<typeof typedFiles>>;
  at: Date;
  /** Who the audit entry names: the reporter, or the maintainer releasing a held reply. */
  actor: string;
  /** More fields for the audit entry's data (a release names the quarantine item and the original sender). */
  auditData?: Record<string, unknown>;
}

async function writeReply(ctx: ServiceContext, tx: Tx, reply: ReplyWrite): Promise<string> {
  const { projectId, reportId, content, files, at: now, actor, auditData: extra = {} } = reply;
  const id = await insertMessage(ctx, tx, { reportId, author: { kind: 'reporter', userId: null }, internal: false, text: content.text, files, at: now });
  await recordEvent(tx, reportId, { kind: 'reporter-message', at: now.toISOString() }, 'reporter');
  await tx.updateTable('reports').set({ updated_at: now }).where('id', '=', reportId).execute();
  await appendAudit(
    tx,
    {
      actor,
      action: 'report.reporter-message',
      projectId,
      reportId,
      data: { message: id, attachments: files.length, channel: 'email', encrypted: content.encryption?.encrypted ?? false, signature: content.encryption?.signature ?? 'none', ...extra },
    },
    now,
  );
  await raiseEvent(tx, projectId, { type: 'report.message_created', report: await reportRef(tx, reportId), message_id: id, channel: 'email' }, now);
  return id;
}

/** A quarantined mail a maintainer asks to release. */
export interface HeldMail {
  id: string;
  projectId: string | null;
  reasonCode: string;
  sender: string | null;
  raw: Buffer;
}

/** Hold reasons from reading OpenPGP content (`PgpFailure` and `no_key`). */
const PGP_HOLDS = ['bad_armor', 'malformed', 'wrong_key', 'not_encrypted', 'decryption_failed', 'key_unusable', 'key_expired', 'key_locked', 'not_private', 'no_key'];

const notReleasable = (why: string) =>
  new DomainError('conflict', `Release is not possible: ${why} The item stays unresolved; it can still be discarded.`, { release: 'not_possible' });

/** The reply addresses a stored mail names (the envelope is not kept: To, Cc and delivery headers). */
function replyTokensIn(parsed: ParsedMail): Array<{ base: string; token: string }> {
  const listed = [parsed.to, parsed.cc].flatMap((a) => (a ? (Array.isArray(a) ? a : [a]) : [])).flatMap((a) => a.value.map((v) => v.address ?? ''));
  const delivered = ['delivered-to', 'x-original-to'].map((h) => headerLine(parsed, h) ?? '');
  return [...listed, ...delivered].map((a) => parseReplyAddress(a)).filter((r): r is { base: string; token: string } => r !== null);
}

/**
 * Releasing a held reply (`reply_mismatch`): the stored mail goes through the same parsing, structure checks,
 * decryption and attachment limits as at intake, then lands in the report's thread as the reporter's message,
 * marked as released by `releasedBy` with the original sender. Everything that can fail is checked here, before
 * the resolving transaction; the returned write runs inside it.
 */
export async function prepareHeldReplyRelease(
  ctx: ServiceContext,
  item: HeldMail,
  limits: Pick<MailIntakeLimits, 'maxAttachments' | 'maxAttachmentBytes'>,
  releasedBy: string,
): Promise<(tx: Tx) => Promise<Record<string, unknown>>> {
  if (item.reasonCode !== 'reply_mismatch' || !item.projectId) {
    const why =
      item.reasonCode === 'bad_mime'
        ? 'the mail is malformed MIME (bad_mime)'
        : PGP_HOLDS.includes(item.reasonCode)
          ? `the mail cannot be decrypted or verified (${item.reasonCode})`
          : `the mail was held for ${item.reasonCode}`;
    throw notReleasable(`${why}; only a held reply (reply_mismatch) can be released into a report's thread.`);
  }
  const projectId = item.projectId;
  let parsed: ParsedMail;
  try {
    parsed = await parseMime(item.raw);
    checkStructure(item.raw, parsed);
  } catch (e) {
    throw notReleasable(`the mail is malformed MIME (${e instanceof Error ? e.message : String(e)}).`);
  }
  const ours = (await ctx.db.selectFrom('project_claims').select('value').where('kind', '=', 'email').where('project_id', '=', projectId).execute()).map((c) => c.value);
  let reportId: string | null = null;
  for (const r of replyTokensIn(parsed).filter((r) => ours.includes(r.base))) {
    const match = await reportForReplyToken(ctx.db, projectId, r.token, null);
    if (match) {
      reportId = match.reportId;
      break;
    }
  }
  if (!reportId) throw notReleasable('the mail is not addressed to the reply address of a known report of this project (unknown token).');
  let content: Content;
  try {
    content = await contentOf(ctx, { raw: item.raw, parsed, projectId, knownKey: await getReporterPublicKey(ctx, reportId), limits: { domains: [], ...limits } });
  } catch (e) {
    if (e instanceof Held) throw notReleasable(`the content cannot be read (${e.code}: ${e.message}).`);
    throw e;
  }
  if (!content.text && !content.files.length) throw notReleasable('the reply is empty.');
  const sender = parsed.from?.value[0]?.address ?? item.sender ?? 'unknown sender';
  // The sending address may be a third party's: it stays in the quarantine item and the audit entry, not in the thread.
  const text = `[Released from quarantine by a maintainer: sent from an address other than the reporter's]\n\n${content.text || '(attachments only)'}`;
  const files = await typedFiles(content.files);
  const target = reportId;
  return async (tx) => {
    const message = await writeReply(ctx, tx, {
      projectId,
      reportId: target,
      content: { ...content, text },
      files,
      at: ctx.now(),
      actor: releasedBy,
      auditData: { released_from_quarantine: item.id, released_by: releasedBy, original_sender: sender },
    });
    return { report: target, message, original_sender: sender };
  };
}

const problemsText = (e: DomainError): string => {
  const problems = (e.details.problems as { field: string; message: string }[] | undefined) ?? [];
  return problems.length ? problems.map((p) => `${p.field} ${p.message}`).join('; ') : e.message;
};

async function receiveOne(ctx: ServiceContext, mail: InboundMail, target: Target, limits: MailIntakeLimits): Promise<string> {
  let parsed: ParsedMail | null = null;
  try {
    try {
      parsed = await parseMime(mail.raw);
    } catch (e) {
      throw new Held('bad_mime', `The message could not be parsed as MIME: ${e instanceof Error ? e.message : String(e)}`);
    }
    checkStructure(mail.raw, parsed);
    const fromHeader = parsed.from?.value[0];
    const sender = fromHeader?.address ?? mail.mailFrom;
    if (!sender || !isMailableAddress(sender)) throw new Held('no_sender', 'The mail has no usable sender address.');

    if (target.replyToken) {
      const match = await reportForReplyToken(ctx.db, target.project.id, target.replyToken, sender);
      if (!match || !match.senderMatches) throw new Held('reply_mismatch', BOUNCE_REASONS.reply_mismatch as string);
      const content = await contentOf(ctx, { raw: mail.raw, parsed, projectId: target.project.id, knownKey: await getReporterPublicKey(ctx, match.reportId), limits });
      if (!content.text && !content.files.length) throw new Held('invalid_report', 'The reply is empty.');
      return await appendReply(ctx, target.project.id, match.reportId, { ...content, text: content.text || '(attachments only)' });
    }

    const content = await contentOf(ctx, { raw: mail.raw, parsed, projectId: target.project.id, knownKey: null, limits });
    const automatic = isAutomatic(parsed, mail.mailFrom);
    const sections = splitSections(content.text);
    const result = await submitReport(ctx, {
      slug: target.project.slug,
      input: {
        ...sections.fields,
        title: (parsed.subject ?? '').trim() || '(no subject)',
        description: sections.description,
        reporter_email: sender,
        reporter_name: fromHeader?.name?.trim() || null,
        reporter_public_key: content.reporterKey,
      },
      files: content.files,
      source: 'email',
      encryption: content.encryption,
      mail: { inReplyTo: oneLine(parsed.messageId), acknowledge: !automatic },
      remoteAddress: mail.remoteAddress,
    });
    return `report ${result.trackingId}`;
  } catch (e) {
    if (e instanceof Held) return hold(ctx, mail, target, e, parsed);
    if (isDomainError(e) && ['validation', 'unsupported_media_type', 'pgp_rejected'].includes(e.code)) {
      const code = typeof e.details.pgp === 'string' ? e.details.pgp : 'invalid_report';
      return hold(ctx, mail, target, new Held(code, `${BOUNCE_REASONS.invalid_report} ${problemsText(e)}`), parsed);
    }
    // Anything else (database down …) is not the sender's fault: the listener answers 451 and they retry.
    throw e;
  }
}

/** Stores one received mail for each of our recipients it names; resolves once everything is committed. */
export async function receiveMail(ctx: ServiceContext, mail: InboundMail, limits: MailIntakeLimits): Promise<string> {
  const refs: string[] = [];
  const seen = new Set<string>();
  for (const rcpt of mail.rcptTo) {
    const target = await resolveTarget(ctx, rcpt, limits.domains);
    if (!target || seen.has(target.recipient)) continue;
    seen.add(target.recipient);
    refs.push(await receiveOne(ctx, mail, target, limits));
  }
  if (!refs.length) throw new DomainError('not_found', 'No recipient of this mail is a security address here');
  return refs.join(', ');
}
