import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { SMTPServerSession } from 'smtp-server';

/** One message as received, before any parsing. */
export interface InboundMail {
  remoteAddress: string;
  /** Envelope sender; null for the null sender `<>` (bounces, auto-replies). */
  mailFrom: string | null;
  rcptTo: string[];
  raw: Buffer;
}

export interface SmtpListenerOptions {
  host: string;
  port: number;
  /** PEM files; when set, STARTTLS is offered. */
  tls?: { certFile: string; keyFile: string } | undefined;
  maxBytes: number;
  /** Whether a recipient is one of ours; anything else is refused with 550 (no relaying). */
  acceptsRecipient(address: string): Promise<boolean>;
  /** Stores the message durably (a report, a thread message or the quarantine); only then is 250 answered. */
  deliver(mail: InboundMail): Promise<string>;
  rate: { perSender: number; perIp: number; windowMs: number };
  now?: () => number;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string): Error => Object.assign(new Error(message), { responseCode: code });

/** Fixed-window counters; entries expire with their window, so memory stays bounded by active clients. */
export class WindowCounter {
  private counts = new Map<string, { start: number; n: number }>();
  constructor(private readonly limit: number, private readonly windowMs: number) {}
  /** Counts one more for `key`; false when that is over the limit. */
  hit(key: string, now: number): boolean {
    if (this.counts.size > 10_000) for (const [k, v] of this.counts) if (now - v.start >= this.windowMs) this.counts.delete(k);
    const c = this.counts.get(key);
    if (!c || now - c.start >= this.windowMs) {
      this.counts.set(key, { start: now, n: 1 });
      return true;
    }
    c.n += 1;
    return c.n <= this.limit;
  }
}

const MAX_RECIPIENTS = 10;

/**
 * The inbound SMTP endpoint (the MX of the security addresses). No AUTH: it accepts mail only for its own
 * addresses. Limits: size (552, announced with SIZE), recipients, and per-IP / per-sender rates (451, so a
 * legitimate sender's server retries later). A message is answered 250 only after `deliver` resolved.
 */
export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const now = opts.now ?? Date.now;
  const perIp = new WindowCounter(opts.rate.perIp, opts.rate.windowMs);
  const perSender = new WindowCounter(opts.rate.perSender, opts.rate.windowMs);
  // Loaded only when the listener is configured (EMBARGO_SMTP_LISTEN).
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    name: 'embargo',
    banner: 'Embargo security intake',
    logger: false,
    authOptional: true,
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(opts.tls ? { key: readFileSync(opts.tls.keyFile), cert: readFileSync(opts.tls.certFile) } : {}),
    size: opts.maxBytes,
    closeTimeout: 5_000,
    onMailFrom(address, session, callback) {
      const ip = session.remoteAddress ?? 'unknown';
      if (!perIp.hit(ip, now())) return callback(smtpError(451, '4.7.1 Too many messages from your address, try again later'));
      const sender = address.address.toLowerCase();
      if (sender && !perSender.hit(sender, now())) return callback(smtpError(451, '4.7.1 Too many messages from this sender, try again later'));
      callback();
    },
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError(452, '4.5.3 Too many recipients'));
      opts.acceptsRecipient(address.address).then(
        (ok) => callback(ok ? null : smtpError(550, '5.7.1 Relaying denied: no such mailbox here')),
        (e: unknown) => {
          opts.log.error({ err: String(e) }, 'smtp: recipient check failed');
          callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
        },
      );
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= opts.maxBytes) chunks.push(c);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || size > opts.maxBytes) {
          return callback(smtpError(552, `5.3.4 Message too big: the limit is ${opts.maxBytes} bytes`));
        }
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address || null : null;
        opts
          .deliver({ remoteAddress: session.remoteAddress ?? 'unknown', mailFrom, rcptTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) })
          .then(
            (ref) => callback(null, `2.0.0 Stored as ${ref}`),
            (e: unknown) => {
              // Not stored: a temporary failure makes the sending server keep the mail and retry.
              opts.log.error({ err: e instanceof Error ? e.message : String(e) }, 'smtp: could not store message');
              callback(smtpError(451, '4.3.0 Could not store the message, try again later'));
            },
          );
      });
    },
  });
  server.on('error', (e) => opts.log.warn({ err: e.message }, 'smtp: connection error'));
  server.listen(opts.port, opts.host);
  await Promise.race([once(server.server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
