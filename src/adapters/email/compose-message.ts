import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';

/** One mail ready to be turned into RFC 5322 bytes. */
export interface MessageParts {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  messageId: string;
  date: Date;
  /** Extra headers (Reply-To, In-Reply-To, References, Auto-Submitted, List-*…); values are one line. */
  headers: Record<string, string>;
}

/** SMTP and signed MIME entities want CRLF line ends; the composer keeps whatever the text had. */
const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

const headerValue = (v: string) => (/[^\x20-\x7e]/.test(v) ? mimeFuncs.encodeWords(v, 'Q', 52) : v);

/** A plain-text mail (quoted-printable UTF-8) built by nodemailer's composer. */
export async function buildPlainMessage(m: MessageParts): Promise<Buffer> {
  const composer = new MailComposer({
    from: m.from,
    to: m.to,
    subject: m.subject,
    text: crlf(m.text),
    messageId: m.messageId,
    date: m.date,
    headers: m.headers,
    textEncoding: 'quoted-printable',
  });
  return composer.compile().build();
}

/** The MIME entity that goes inside PGP/MIME: just the text part, so the reader's client shows it as the body. */
export async function buildInnerEntity(text: string): Promise<string> {
  const composer = new MailComposer({ text: crlf(text), textEncoding: 'quoted-printable' });
  const raw = (await composer.compile().build()).toString('utf8');
  // Keep only the entity headers (Content-Type, Content-Transfer-Encoding) and the body.
  const split = raw.indexOf('\r\n\r\n');
  const head = raw
    .slice(0, split)
    .split(/\r\n(?![ \t])/)
    .filter((h) => /^content-/i.test(h));
  return `${head.join('\r\n')}\r\n\r\n${raw.slice(split + 4)}`;
}

/** An RFC 3156 multipart/encrypted mail around an already encrypted, armored entity (see pgpMimeEnvelope). */
export function buildPgpMimeMessage(m: MessageParts, envelope: { contentType: string; body: string }): Buffer {
  const lines = [
    `From: ${m.from.name ? `${headerValue(JSON.stringify(m.from.name))} ` : ''}<${m.from.address}>`,
    `To: ${m.to}`,
    `Subject: ${headerValue(m.subject)}`,
    `Date: ${m.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${m.messageId}`,
    ...Object.entries(m.headers).map(([k, v]) => `${k}: ${headerValue(v)}`),
    'MIME-Version: 1.0',
    `Content-Type: ${envelope.contentType}`,
  ];
  return Buffer.from(`${lines.map((l) => mimeFuncs.foldLines(l, 76, true).replace(/\r?\n/g, '\r\n')).join('\r\n')}\r\n\r\n${envelope.body}`, 'utf8');
}

export const newBoundary = (): string => `embargo-pgp-${randomBytes(12).toString('hex')}`;
