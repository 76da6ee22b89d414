import type { MailTransport } from '../../adapters/email/transport.ts';

/** How this process sends mail: `ctx.mail`, built by the composition root (src/server/service-context.ts). */
export interface MailSettings {
  transport: MailTransport;
  /** Envelope sender and From address, e.g. security-noreply@example.org (EMBARGO_MAIL_FROM). */
  from: string;
  /** Attempts before a mail is marked failed (EMBARGO_MAIL_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry delay; doubles per attempt, capped at six hours (EMBARGO_MAIL_RETRY_BASE_SECONDS). */
  retryBaseMs: number;
  /** Time limit of one send, connection to the relay's answer (EMBARGO_SMTP_SEND_TIMEOUT_SECONDS); well under the outbox lease. */
  sendTimeoutMs: number;
  /** Whether this deployment receives mail (EMBARGO_SMTP_LISTEN): only then do mails carry reply addresses. */
  replyByMail: boolean;
  /** Maintainers are reminded this long before an SLA deadline (EMBARGO_REMINDER_DUE_SOON_HOURS). */
  reminderDueSoonMs: number;
}

type MailCtx = { mail: MailSettings | null; publicUrl: string };

/** The domain of Message-IDs and thread roots: the From address's, or the public URL's host. */
export function mailDomain(ctx: MailCtx): string {
  const from = ctx.mail?.from;
  if (from?.includes('@')) return from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  return new URL(ctx.publicUrl).hostname;
}

/**
 * The Message-ID every mail about a report refers to (References / In-Reply-To), so clients thread them. It uses
 * the public URL's host, which every process (server or CLI) knows alike.
 */
export const threadRootId = (ctx: Pick<MailCtx, 'publicUrl'>, reportId: string): string => `<report.${reportId}@${new URL(ctx.publicUrl).hostname}>`;
