import { existsSync } from 'node:fs';
import { parseIntEnv, type Env } from './env.ts';

/** Mail settings (issue 6), parsed with the rest of the environment in config.ts. */
export interface MailConfig {
  /** smtp://user:pass@host:port or smtps://…; unset → mails go to the dev maildir. */
  smtpUrl: string | undefined;
  /** Maildir for development when no relay is set. */
  maildir: string;
  from: string;
  maxAttempts: number;
  retryBaseMs: number;
  sendTimeoutMs: number;
  /** Inbound SMTP listener; unset → no mail intake. */
  listen: { host: string; port: number } | undefined;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** Domains RCPT TO may name; empty → the domains of the projects' security addresses. */
  domains: string[];
  maxBytes: number;
  /** Mails per sender address and per client IP within the window. */
  senderRateLimit: number;
  ipRateLimit: number;
  rateWindowMs: number;
  /** How long before a deadline maintainers get the "due soon" reminder. */
  reminderDueSoonMs: number;
}

export const MAIL_ENV_DOC: Record<string, string> = {
  EMBARGO_SMTP_URL: 'outgoing mail relay, smtp://user:pass@host:587 or smtps://…; unset: mails are written to DATA_DIR/maildir (development)',
  EMBARGO_MAIL_FROM: 'sender address of outgoing mail (default embargo@<public URL host>)',
  EMBARGO_MAIL_MAX_ATTEMPTS: 'send attempts before an outgoing mail is marked failed (default 8)',
  EMBARGO_MAIL_RETRY_BASE_SECONDS: 'first retry delay of a failed send, doubled per attempt up to 6 hours (default 60)',
  EMBARGO_SMTP_SEND_TIMEOUT_SECONDS: 'time limit of one outgoing mail, connection to the relay\'s answer, 1 to 120; a longer send is broken off and retried (default 60)',
  EMBARGO_SMTP_LISTEN: 'receive mail: port or host:port of the SMTP listener (unset: no mail intake)',
  EMBARGO_SMTP_TLS_CERT: 'PEM certificate file for STARTTLS on the SMTP listener (with EMBARGO_SMTP_TLS_KEY)',
  EMBARGO_SMTP_TLS_KEY: 'PEM private key file for STARTTLS on the SMTP listener',
  EMBARGO_SMTP_DOMAINS: 'comma-separated domains the listener accepts mail for (default: the domains of the policies\' security addresses)',
  EMBARGO_SMTP_MAX_BYTES: 'largest accepted inbound mail; bigger is refused with 552 (default 26214400)',
  EMBARGO_SMTP_SENDER_RATE_LIMIT: 'inbound mails per sender address per window (default 20)',
  EMBARGO_SMTP_IP_RATE_LIMIT: 'inbound mails per client IP per window (default 60)',
  EMBARGO_SMTP_RATE_WINDOW_SECONDS: 'window of the inbound rate limits (default 3600)',
  EMBARGO_REMINDER_DUE_SOON_HOURS: 'maintainers are reminded this long before an SLA deadline (default 24)',
};

function parseListen(raw: string | undefined, problems: string[]): MailConfig['listen'] {
  if (!raw) return undefined;
  const m = /^(?:(.+):)?(\d+)$/.exec(raw.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    problems.push(`EMBARGO_SMTP_LISTEN must be a port or host:port (got "${raw}")`);
    return undefined;
  }
  return { host: (m[1] ?? '0.0.0.0').replace(/^\[(.*)\]$/, '$1'), port };
}

export function parseMailConfig(env: Env, problems: string[], ctx: { publicUrl: string; dataDir: string }): MailConfig {
  const smtpUrl = env.EMBARGO_SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/]/.test(smtpUrl)) problems.push('EMBARGO_SMTP_URL must start with smtp:// or smtps://');
  let host = 'localhost';
  try {
    host = new URL(ctx.publicUrl).hostname;
  } catch {
    // config.ts reports a bad public URL on its own.
  }
  const from = env.EMBARGO_MAIL_FROM || `embargo@${host}`;
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(from)) problems.push(`EMBARGO_MAIL_FROM must be a mail address (got "${from}")`);
  const tlsCert = env.EMBARGO_SMTP_TLS_CERT || undefined;
  const tlsKey = env.EMBARGO_SMTP_TLS_KEY || undefined;
  if (Boolean(tlsCert) !== Boolean(tlsKey)) problems.push('EMBARGO_SMTP_TLS_CERT and EMBARGO_SMTP_TLS_KEY must be set together');
  for (const [name, file] of [['EMBARGO_SMTP_TLS_CERT', tlsCert], ['EMBARGO_SMTP_TLS_KEY', tlsKey]] as const) {
    if (file && !existsSync(file)) problems.push(`${name}: no such file ${file}`);
  }
  return {
    smtpUrl,
    maildir: `${ctx.dataDir}/maildir`,
    from,
    maxAttempts: parseIntEnv(env, 'EMBARGO_MAIL_MAX_ATTEMPTS', 8, problems),
    retryBaseMs: parseIntEnv(env, 'EMBARGO_MAIL_RETRY_BASE_SECONDS', 60, problems) * 1000,
    // At most 2 minutes: a send must end well inside the outbox lease (5 minutes, src/services/mail/delivery.ts).
    sendTimeoutMs: parseIntEnv(env, 'EMBARGO_SMTP_SEND_TIMEOUT_SECONDS', 60, problems, 1, 120) * 1000,
    listen: parseListen(env.EMBARGO_SMTP_LISTEN, problems),
    tlsCert,
    tlsKey,
    domains: (env.EMBARGO_SMTP_DOMAINS ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean),
    maxBytes: parseIntEnv(env, 'EMBARGO_SMTP_MAX_BYTES', 25 * 1024 * 1024, problems),
    senderRateLimit: parseIntEnv(env, 'EMBARGO_SMTP_SENDER_RATE_LIMIT', 20, problems),
    ipRateLimit: parseIntEnv(env, 'EMBARGO_SMTP_IP_RATE_LIMIT', 60, problems),
    rateWindowMs: parseIntEnv(env, 'EMBARGO_SMTP_RATE_WINDOW_SECONDS', 3600, problems) * 1000,
    reminderDueSoonMs: parseIntEnv(env, 'EMBARGO_REMINDER_DUE_SOON_HOURS', 24, problems) * 3600_000,
  };
}
