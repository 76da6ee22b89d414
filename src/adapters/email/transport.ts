import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Transporter } from 'nodemailer';

/** Hands one finished message to whatever delivers mail. Throws when it was not accepted. */
export interface MailTransport {
  readonly description: string;
  /** `signal` aborts the send: the SMTP transaction is broken off (connection closed) and send() rejects. */
  send(envelope: { from: string; to: string }, raw: Buffer, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/** A relay (EMBARGO_SMTP_URL, smtp:// or smtps://, credentials in the URL). */
export function smtpTransport(url: string): MailTransport {
  // nodemailer loads with the first mail sent, not at start-up.
  let transporter: Transporter | undefined;
  const connect = async (): Promise<Transporter> =>
    (transporter ??= (await import('nodemailer')).default.createTransport(url, {
      // Short timeouts: a slow relay delays the outbox, never a request; the row is retried with backoff. These
      // are idle timeouts; the caller's signal bounds the whole send (a relay that trickles bytes resets them).
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as object));
  const safe = new URL(url);
  safe.password = '';
  safe.username = '';
  return {
    description: `SMTP relay ${safe.host}`,
    async send(envelope, raw, signal) {
      const info = await (await connect()).sendMail({ envelope: { from: envelope.from, to: [envelope.to] }, raw, ...(signal ? { signal } : {}) });
      if (info.rejected?.length) throw new Error(`relay rejected ${envelope.to}`);
    },
    close: () => transporter?.close(),
  };
}

/**
 * Development: no relay configured, so each mail is written to a Maildir (`<dir>/new/…eml`) to read with any mail
 * client or `cat`. Written to `tmp/` first and renamed, as Maildir requires, so a reader never sees half a file.
 */
export function maildirTransport(dir: string): MailTransport {
  // These mails carry reporters' private links in clear: only this user may read them.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const sub of ['tmp', 'new', 'cur']) {
    mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
    chmodSync(join(dir, sub), 0o700);
  }
  return {
    description: `maildir ${dir} (development only: its mails hold reporters' private links in clear; set EMBARGO_SMTP_URL to send mail)`,
    async send(envelope, raw) {
      const name = `${Date.now()}.${randomBytes(6).toString('hex')}.embargo.eml`;
      const header = Buffer.from(`X-Embargo-Envelope-To: ${envelope.to}\r\n`, 'utf8');
      writeFileSync(join(dir, 'tmp', name), Buffer.concat([header, raw]), { mode: 0o600 });
      renameSync(join(dir, 'tmp', name), join(dir, 'new', name));
    },
    close: () => undefined,
  };
}
