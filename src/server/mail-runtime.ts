import type { FastifyBaseLogger } from 'fastify';
import { startSmtpListener, type SmtpListener } from '../adapters/email/smtp-listener.ts';
import type { ServiceContext } from '../services/context.ts';
import { acceptsRecipient, receiveMail, type MailIntakeLimits } from '../services/mail/intake.ts';
import type { Config } from './config.ts';

export interface MailRuntime {
  /** Where outgoing mail goes ("SMTP relay host:port" or "maildir …"). */
  outgoing: string;
  /** The inbound SMTP port when the listener runs (the real one when EMBARGO_SMTP_LISTEN asked for port 0). */
  smtpPort: number | null;
  close(): Promise<void>;
}

/**
 * Starts the SMTP listener when configured. Outgoing mail (`ctx.mail`, relay or dev maildir) was made with the
 * context; closing this closes its transport too.
 */
export async function startMail(ctx: ServiceContext, config: Config, log: FastifyBaseLogger): Promise<MailRuntime> {
  const m = config.mail;
  const transport = ctx.mail?.transport;
  let listener: SmtpListener | null = null;
  if (m.listen) {
    const limits: MailIntakeLimits = { domains: m.domains, maxAttachments: config.maxAttachments, maxAttachmentBytes: config.maxAttachmentBytes };
    try {
      listener = await startSmtpListener({
        host: m.listen.host,
        port: m.listen.port,
        tls: m.tlsCert && m.tlsKey ? { certFile: m.tlsCert, keyFile: m.tlsKey } : undefined,
        maxBytes: m.maxBytes,
        acceptsRecipient: (address) => acceptsRecipient(ctx, address, limits),
        deliver: (mail) => receiveMail(ctx, mail, limits),
        rate: { perSender: m.senderRateLimit, perIp: m.ipRateLimit, windowMs: m.rateWindowMs },
        log,
      });
    } catch (e) {
      transport?.close();
      throw e;
    }
  }
  return {
    outgoing: transport?.description ?? 'none',
    smtpPort: listener?.port ?? null,
    async close() {
      await listener?.close();
      transport?.close();
    },
  };
}
