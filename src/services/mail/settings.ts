import type { MailTransport } from '../../adapters/email/transport.ts';
import type { ServiceContext } from '../context.ts';

/** How this process sends mail; set once by the composition root (see src/server/compose.ts). */
export interface MailSettings {
  transport: MailTransport;
  /** Envelope sender and From address, e.g. security-noreply@example.org (EMBARGO_MAIL_FROM). */
  from: string;
  /** Attempts before a mail is marked failed (EMBARGO_MAIL_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry delay; doubles per attempt, capped at six hours (EMBARGO_MAIL_RETRY_BASE_SECONDS). */
  retryBaseMs: number;
  /** Whether this deployment receives mail (EMBARGO_SMTP_LISTEN): only then do mails carry reply addresses. */
  replyByMail: boolean;
  /** Maintainers are reminded this long before an SLA deadline (EMBARGO_REMINDER_DUE_SOON_HOURS). */
  reminderDueSoonMs: number;
}

const settings = new WeakMap<ServiceContext, MailSettings>();

export const configureMail = (ctx: ServiceContext, s: MailSettings): void => void settings.set(ctx, s);

/** Null in processes that send no mail (CLI commands): their outbox rows wait for a server to drain them. */
export const mailSettings = (ctx: ServiceContext): MailSettings | null => settings.get(ctx) ?? null;

/** The domain of Message-IDs and thread roots: the From address's, or the public URL's host. */
export function mailDomain(ctx: ServiceContext): string {
  const from = mailSettings(ctx)?.from;
  if (from?.includes('@')) return from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  return new URL(ctx.publicUrl).hostname;
}

/**
 * The Message-ID every mail about a report refers to (References / In-Reply-To), so clients thread them. It uses
 * the public URL's host, which every process (server or CLI) knows alike.
 */
export const threadRootId = (ctx: ServiceContext, reportId: string): string => `<report.${reportId}@${new URL(ctx.publicUrl).hostname}>`;
