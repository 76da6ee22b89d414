import { createSealer } from '../adapters/crypto/sealer.ts';
import { sarifValidator } from '../adapters/hygiene/sarif-schema.ts';
import { createBlindIndex } from '../adapters/crypto/blind-index.ts';
import { createTermHash, triageIndexKey } from '../adapters/crypto/term-hash.ts';
import type { Db } from '../adapters/db/database.ts';
import type { OpenedDatabase } from '../adapters/db/open-database.ts';
import type { BackupSource } from '../services/backup/source.ts';
import { maildirTransport, smtpTransport } from '../adapters/email/transport.ts';
import { createParsePool } from '../adapters/workers/parse-pool.ts';
import type { CachedBlock, ServiceContext } from '../services/context.ts';
import { createCveSchemaValidator } from '../adapters/cve-schema/validate.ts';
import { CVE_SERVICES_PRODUCTION_URL } from '../services/cve/settings.ts';
import { LATEST_CVE_RECORD_VERSION } from '../core/formats/cve5.ts';
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
  config: Pick<Config, 'encryptionKeys' | 'activeKeyId' | 'publicUrl' | 'cveOrgId' | 'cveShortName' | 'parseWorkers' | 'parseTimeoutMs' | 'webhooks'> & Partial<Pick<Config, 'osvDir' | 'cve' | 'githubApiUrl'>>,
  db: Db,
  opts: { now?: () => Date; mail?: MailSettings | null; backup?: BackupSource | null } = {},
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
    intakeBlocks: new TtlCache<CachedBlock[]>(INTAKE_CACHE_MS),
    twoFactorSetting: new TtlCache<boolean>(INTAKE_CACHE_MS),
    parsers: createParsePool({ size: config.parseWorkers, timeoutMs: config.parseTimeoutMs }),
    cna: config.cveOrgId ? { orgId: config.cveOrgId, shortName: config.cveShortName } : null,
    mail: opts.mail ?? null,
    webhooks: { allowHosts: [...config.webhooks.allowHosts], timeoutMs: config.webhooks.timeoutMs },
    osvDir: config.osvDir ?? null,
    cveServices: {
      defaultBaseUrl: config.cve?.servicesUrl ?? CVE_SERVICES_PRODUCTION_URL,
      recordVersion: config.cve?.recordVersion ?? LATEST_CVE_RECORD_VERSION,
      timeoutMs: config.cve?.timeoutMs ?? 30_000,
      schemas: createCveSchemaValidator(),
    },
    githubApiUrl: config.githubApiUrl ?? 'https://api.github.com',
    triageIndex: { keyId: config.activeKeyId, hash: createTermHash(triageIndexKey(config.encryptionKeys.get(config.activeKeyId) as Buffer)) },
    sarif: sarifValidator(),
    backup: opts.backup ?? null,
  };
}

/** Backups of the opened database; `secrets()` reads the keys only when a backup is asked to include them. */
export function backupSourceFrom(config: Pick<Config, 'encryptionKeys' | 'activeKeyId' | 'sessionSecret'>, database: Pick<OpenedDatabase, 'snapshotter'>): BackupSource {
  return {
    snapshotter: database.snapshotter,
    keyIds: [...config.encryptionKeys.keys()],
    secrets: () => ({
      encryption_keys: [...config.encryptionKeys].map(([id, key]) => ({ id, key: key.toString('base64') })),
      active_key_id: config.activeKeyId,
      session_secret: config.sessionSecret.toString('base64'),
    }),
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
    sendTimeoutMs: m.sendTimeoutMs,
    replyByMail: m.listen !== undefined,
    reminderDueSoonMs: m.reminderDueSoonMs,
  };
}
