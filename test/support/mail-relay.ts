import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the test relay accepted: envelope, raw bytes and the parsed message. */
export interface CapturedMail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

export interface TestRelay {
  port: number;
  mails: CapturedMail[];
  /** Resolves once at least `n` mails arrived in total (fails after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<CapturedMail[]>;
  /** Mails whose client hung up while the relay held the answer: never accepted (no 250), never delivered. */
  dropped: CapturedMail[];
  /**
   * Holds the next mail's answer to DATA until release() (a tarpitting relay). As a real relay, it takes the mail
   * only with its 250: the mail joins `mails` when answered, or `dropped` (and `hungUp` resolves) when the client
   * closed the connection first.
   */
  holdNext(): { arrived: Promise<void>; hungUp: Promise<void>; release(): void };
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 standing in for the outgoing relay: it keeps every mail it is given. */
export async function startRelay(port = 0): Promise<TestRelay> {
  const mails: CapturedMail[] = [];
  const dropped: CapturedMail[] = [];
  let hold: { arrived: () => void; hungUp: () => void; wait: Promise<void> } | null = null;
  /** Sessions holding an answer: called when their client goes away. */
  const onGone = new Map<string, () => void>();
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    onClose(session) {
      onGone.get(session.id)?.();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then((parsed) => {
          const mail = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, parsed };
          const h = hold;
          hold = null;
          if (!h) {
            mails.push(mail);
            return callback();
          }
          let settled = false;
          onGone.set(session.id, () => {
            if (settled) return;
            settled = true;
            onGone.delete(session.id);
            dropped.push(mail);
            h.hungUp();
          });
          h.arrived();
          void h.wait.then(() => {
            if (settled) return;
            settled = true;
            onGone.delete(session.id);
            mails.push(mail);
            callback();
          });
        }, callback);
      });
    },
  });
  server.listen(port, '127.0.0.1');
  await once(server.server, 'listening');
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    dropped,
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < n) {
        if (Date.now() > deadline) throw new Error(`relay got ${mails.length} mails, expected ${n}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return mails;
    },
    holdNext() {
      let arrived!: () => void;
      let hungUp!: () => void;
      let release!: () => void;
      const arrivedP = new Promise<void>((r) => (arrived = r));
      const hungUpP = new Promise<void>((r) => (hungUp = r));
      hold = { arrived, hungUp, wait: new Promise<void>((r) => (release = r)) };
      return { arrived: arrivedP, hungUp: hungUpP, release };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends one mail to an SMTP server on 127.0.0.1 (Embargo's listener) with nodemailer; rejects with the SMTP error. */
export async function sendTo(port: number, message: Mail.Options): Promise<{ response: string }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 10_000 });
  try {
    const info = await transport.sendMail(message);
    return { response: info.response };
  } finally {
    transport.close();
  }
}

/** The header of a parsed mail as a string ('' when absent). */
export const header = (m: ParsedMail, name: string): string => {
  const line = m.headerLines.find((h) => h.key === name.toLowerCase());
  return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : '';
};

/** A raw mail whose multipart body is cut short (no closing boundary): malformed MIME that intake must hold. */
export const truncatedMultipartMail = (from: string, to: string): string =>
  [
    `From: ${from}`,
    `To: ${to}`,
    'Subject: broken',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'cut short',
    '',
  ].join('\r\n');

/** A report by mail that privastream's policy accepts: description, steps and impact in labelled sections. */
export const reportMail = (over: Record<string, unknown> = {}) => ({
  from: 'Ada Researcher <ada@example.org>',
  to: 'security@privastream.ai',
  subject: 'Path traversal in model loader',
  text: 'The /models endpoint accepts ../ sequences.\n\nSteps to reproduce:\n1. GET /models?name=../../etc/passwd\nImpact: arbitrary file read\n',
  messageId: '<first-mail.1@example.org>',
  ...over,
});
