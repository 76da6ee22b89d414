import { createSealer } from '../adapters/crypto/sealer.ts';
import { createBlindIndex } from '../adapters/crypto/blind-index.ts';
import { createTermHash, triageIndexKey } from '../adapters/crypto/term-hash.ts';
import type { Db } from '../adapters/db/database.ts';
import { maildirTransport, smtpTransport } from '../adapters/email/transport.ts';
import { createParsePool } from '../adapters/workers/parse-pool.ts';
import type { ServiceContext } from '../services/context.ts';
import type { MailSettings } from '../services/mail/settings.ts';
import { INTAKE_CACHE_MS, type ProjectRecord } from '../services/projects/projects.ts';
import { IntakeWriter } from '../services/reports/intake-writer.ts';
import { TtlCache } from '../services/ttl-cache.ts';
import type { Config } from './config.ts';

/**
 * The one place a process builds its services' context: the server (compose.ts) and the CLI (cli/database.ts)
 * both call it. Everything per-process (the intake writer, the intake's project cache, how mail is sent) is made
 * here and carried in the context; whoever builds one closes its parse pool (`ctx.parsers.close()`).
 */
export function createServiceContext(
  config: Pick<Config, 'encryptionKeys' | 'activeKeyId' | 'publicUrl' | 'cveOrgId' | 'cveShortName' | 'parseWorkers' | 'parseTimeoutMs' | 'webhooks'> & Partial<Pick<Config, 'osvDir' | 'githubApiUrl'>>,
  db: Db,
  opts: { now?: () => Date; mail?: MailSettings | null } = {},
): ServiceContext {
  const now = opts.now ?? (() => new Date());
  return {
    db,
    sealer: createSealer(config.encryptionKeys, config.activeKeyId),
    blindIndex: createBlindIndex(config.encryptionKeys, config.activeKeyId),
    now,
    publicUrl: config.publicUrl,
    intakeWriter: new IntakeWriter({ db, now }),
    intakeProjects: new TtlCache<ProjectRecord>(INTAKE_CACHE_MS),
    twoFactorSetting: new TtlCache<boolean>(INTAKE_CACHE_MS),
    parsers: createParsePool({ size: config.parseWorkers, timeoutMs: config.parseTimeoutMs }),
    cna: config.cveOrgId ? { orgId: config.cveOrgId, shortName: config.cveShortName } : null,
    mail: opts.mail ?? null,
    webhooks: { allowHosts: [...config.webhooks.allowHosts], timeoutMs: config.webhooks.timeoutMs },
    osvDir: config.osvDir ?? null,
    githubApiUrl: config.githubApiUrl ?? 'https://api.github.com',
    triageIndex: { keyId: config.activeKeyId, hash: createTermHash(triageIndexKey(config.encryptionKeys.get(config.activeKeyId) as Buffer)) },
  };
}

/** Outgoing mail of a server process: the relay of EMBARGO_SMTP_URL, else the development maildir. */
export function mailSettingsFrom(config: Pick<Config, 'mail'>): MailSettings {
  const m = config.mail;
  return {
    transport: m.smtpUrl ? smtpTransport(m.smtpUrl) : maildirTransport(m.maildir),
    from: m.from,
    maxAttempts: m.maxAttempts,
    retryBaseMs: m.retryBaseMs,
    replyByMail: m.listen !== undefined,
    reminderDueSoonMs: m.reminderDueSoonMs,
  };
}
