import type { Db } from '../adapters/db/database.ts';
import type { Sealer } from '../adapters/crypto/sealer.ts';
import type { BlindIndex } from '../adapters/crypto/blind-index.ts';
import type { ParsePool } from '../adapters/workers/parse-pool.ts';
import type { MailSettings } from './mail/settings.ts';
import type { WebhookSettings } from './webhooks/settings.ts';
import type { CveServicesSettings } from './cve/settings.ts';
import type { ProjectRecord } from './projects/record.ts';
import type { IntakeWriter } from './reports/intake-writer.ts';
import type { TtlCache } from './ttl-cache.ts';
import type { TermHash } from '../core/triage/signature.ts';
import type { SarifValidator } from '../adapters/hygiene/sarif-schema.ts';
import type { BackupSource } from './backup/source.ts';

export type { Db, DbOrTx, Tx } from '../adapters/db/database.ts';

/**
 * What every service needs; built once per process by `createServiceContext` (src/server/service-context.ts),
 * the one composition root of the server and the CLI. The per-process state lives here, never in module variables.
 */
export interface ServiceContext {
  db: Db;
  sealer: Sealer;
  /** Keyed hashes of search terms, derived from the same keys as the sealer (queue search). */
  blindIndex: BlindIndex;
  /** Time is injected so tests and the SLA clock agree on "now". */
  now: () => Date;
  publicUrl: string;
  /** Group commit of intake: one per process, so all of its submissions can share commits. */
  intakeWriter: IntakeWriter;
  /** Projects as the public intake reads them: a few seconds per process (see getProjectForIntake). */
  intakeProjects: TtlCache<ProjectRecord>;
  /**
   * The sender blocks in force for each project's intake (its own and the instance's), read at most every few
   * seconds per process; a block made or lifted in this process is seen at once (services/triage/blocks.ts).
   */
  intakeBlocks: TtlCache<CachedBlock[]>;
  /** The site's "require two-factor" setting, read at most every few seconds per process (checked on every request). */
  twoFactorSetting: TtlCache<boolean>;
  /** Your CNA (EMBARGO_CVE_ORG_ID, EMBARGO_CVE_SHORT_NAME): the provider named in CVE JSON 5 exports; null when unset. */
  cna: { orgId: string; shortName: string | null } | null;
  /** Worker threads for parsing large untrusted documents (policies, lockfiles) off the event loop. */
  parsers: ParsePool;
  /** How this process sends mail; null where it sends none (CLI commands: their outbox rows wait for a server). */
  mail: MailSettings | null;
  /** How this process sends webhooks (the address guard's allow-list, the time limit). */
  webhooks: WebhookSettings;
  /** How this process talks to CVE Services (issue 20) and checks CVE records against their schemas. */
  cveServices: CveServicesSettings;
  /** EMBARGO_OSV_DIR: OSV data the server imports while it runs (jobs/osv-folder.ts); null: none configured. */
  osvDir: string | null;
  /** EMBARGO_GITHUB_API_URL: where the GitHub security-advisories import asks (docs/ghsa.md). */
  githubApiUrl: string;
  /**
   * The keyed hash that duplicate detection indexes report terms with (HMAC under a key derived from the active
   * encryption key `keyId`): the index never holds a word in clear (services/triage, docs/triage.md).
   */
  triageIndex: { keyId: string; hash: TermHash };
  /** The SARIF 2.1.0 schema check of the scan API's imports (schema and Ajv loaded and compiled on first use). */
  sarif: SarifValidator;
  /** What backups snapshot (services/backup); null where the process was given none (tests, some CLI commands). */
  backup: BackupSource | null;
}

/** A block as intake's cache holds it (services/triage/blocks.ts): the rule and when it ends (ms, null: never). */
export interface CachedBlock {
  id: string;
  kind: 'email' | 'pgp' | 'network';
  value: string;
  expiresAtMs: number | null;
}
