import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAIL_ENV_DOC, parseMailConfig, type MailConfig } from './mail-config.ts';
import { parseIntEnv, type Env } from './env.ts';
import { OIDC_ENV_DOC, parseOidcConfig } from './oidc-config.ts';
import { CVE_ENV_DOC, parseCveConfig, type CveConfig } from './cve-config.ts';
import type { SsoSettings } from '../core/access/sso.ts';
import { parseCidr } from '../core/triage/blocks.ts';
import { hostKey } from '../adapters/webhooks/address-guard.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  encryptionKeys: Map<string, Buffer>;
  activeKeyId: string;
  sessionSecret: Buffer;
  /** Where generated secrets came from, so start-up can say so. */
  secretsSource: 'environment' | 'data-dir';
  maxAttachmentBytes: number;
  maxAttachments: number;
  intakeRateLimit: number;
  intakeRateWindowMs: number;
  loginRateLimit: number;
  /** Fastify's trustProxy: false, a number of proxy hops, or the proxies' addresses and CIDR ranges. */
  trustProxy: false | number | string;
  logLevel: string;
  sessionMaxAgeSeconds: number;
  policyDir: string | undefined;
  /** A folder of OSV exports the server imports while it runs (the osv-folder job); undefined: none. */
  osvDir: string | undefined;
  /** Whether this process runs the background jobs (EMBARGO_JOBS=off to leave them to other instances). */
  jobs: boolean;
  /** Advisory mailing-list subscription attempts per client per hour. */
  subscribeRateLimit: number;
  /** Outgoing and incoming mail (src/server/mail-config.ts). */
  mail: MailConfig;
  /** The CNA organisation UUID and short name CVE JSON exports carry (null: ?cna_org_id= per request). */
  cveOrgId: string | null;
  cveShortName: string | null;
  /** CVE Services: the default API base URL, the record format version, the time limit (src/server/cve-config.ts). */
  cve: CveConfig;
  /** Worker threads parsing large policies and lockfiles off the event loop, and their time limit per document. */
  parseWorkers: number;
  parseTimeoutMs: number;
  /** Outgoing webhooks (src/services/webhooks): `host:port` pairs exempt from the SSRF guard, and the timeout per POST. */
  webhooks: { allowHosts: string[]; timeoutMs: number };
  /** Single sign-on with OpenID Connect (src/server/oidc-config.ts); null when EMBARGO_OIDC_ISSUER is unset. */
  oidc: SsoSettings | null;
  /** /metrics (docs/monitoring.md): behind this Bearer token on the main listener; null: not on the main listener. */
  metricsToken: string | null;
  /** A separate listener for /metrics only (`host:port`); null: none. */
  metricsAddress: { host: string; port: number } | null;
  /** GitHub's REST API for the security-advisories import (docs/ghsa.md): api.github.com or a GitHub Enterprise Server's /api/v3. */
  githubApiUrl: string;
}

/** Every variable the server reads, with its meaning; the README's configuration table lists each (test/unit/config/env-doc.test.ts). */
export const ENV_DOC: Record<string, string> = {
  PORT: 'HTTP port (default 8080)',
  HOST: 'interface to listen on (default 127.0.0.1)',
  DATA_DIR: 'embedded database, lock file and generated secrets (default ./data)',
  DATABASE_URL: 'postgres://… to use a PostgreSQL server instead of the embedded database',
  EMBARGO_PUBLIC_URL: 'base URL used in reporter links and security.txt (default http://HOST:PORT)',
  EMBARGO_ENCRYPTION_KEYS: 'comma-separated id:base64 32-byte AES keys for data at rest (required with DATABASE_URL)',
  EMBARGO_ENCRYPTION_KEY_ID: 'id of the key new data is sealed with (default: the first key)',
  EMBARGO_SESSION_SECRET: 'base64 secret of at least 32 bytes for session cookies (required with DATABASE_URL)',
  EMBARGO_MAX_ATTACHMENT_BYTES: 'largest accepted attachment (default 10485760)',
  EMBARGO_MAX_ATTACHMENTS: 'attachments per submission (default 10)',
  EMBARGO_INTAKE_RATE_LIMIT: 'report submissions per client per window (default 10)',
  EMBARGO_INTAKE_RATE_WINDOW_SECONDS: 'window of the intake rate limit (default 60)',
  EMBARGO_LOGIN_RATE_LIMIT: 'login attempts per client per minute in each process, and failed sign-ins per client per minute over every instance (default 10)',
  EMBARGO_TRUST_PROXY: 'behind a reverse proxy: "true" (one proxy in front), a hop count, or the proxies\' addresses/CIDRs, comma-separated (default: none; the socket\'s peer is the client)',
  EMBARGO_LOG_LEVEL: 'pino log level (default info)',
  EMBARGO_SESSION_MAX_AGE_SECONDS: 'maintainer session lifetime (default 43200, 12 hours)',
  EMBARGO_POLICY_DIR: 'load or update every *.yaml policy in this folder at start-up',
  EMBARGO_OSV_DIR: "a folder of OSV data (osv.dev's <ecosystem>/all.zip exports, zips or folders of .json) the server imports for API scans whenever it changes, checked every 10 minutes",
  EMBARGO_JOBS: '"off" disables background jobs (outbox, reminders, scheduled publication, the search index, duplicate detection) in this process (default on)',
  EMBARGO_SUBSCRIBE_RATE_LIMIT: 'advisory mailing-list subscription attempts per client per hour (default 10)',
  EMBARGO_CVE_ORG_ID: "your CNA's organisation UUID, written into CVE JSON 5 exports of advisories (optional)",
  EMBARGO_CVE_SHORT_NAME: "your CNA's short name for CVE JSON 5 exports (optional)",
  EMBARGO_PARSE_WORKERS: 'worker threads that parse large policies and lockfiles off the request thread (default 2)',
  EMBARGO_PARSE_TIMEOUT_SECONDS: 'a policy or lockfile that takes longer to parse is refused with 413 (default 30)',
  EMBARGO_WEBHOOK_ALLOW_HOSTS: 'comma-separated host:port pairs webhooks may reach although they resolve to loopback, private or link-local addresses (default none)',
  EMBARGO_WEBHOOK_TIMEOUT_SECONDS: 'time limit of one webhook POST, connection to last byte, 1 to 30 (default 10)',
  EMBARGO_METRICS_TOKEN: 'serves Prometheus metrics at /metrics on the main listener to requests with Authorization: Bearer <token> (at least 24 characters; default off)',
  EMBARGO_METRICS_ADDRESS: 'host:port of a separate listener that serves only /metrics, e.g. 127.0.0.1:9464 (default off; with EMBARGO_METRICS_TOKEN it asks for the token too)',
  ...CVE_ENV_DOC,
  EMBARGO_GITHUB_API_URL: "GitHub's REST API base for importing repository security advisories (default https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3)",
  ...MAIL_ENV_DOC,
  ...OIDC_ENV_DOC,
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** `id:base64,…` as EMBARGO_ENCRYPTION_KEYS holds them (also read by `embargo restore`). */
export function parseKeys(raw: string, problems: string[]): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const idx = part.indexOf(':');
    const id = part.slice(0, idx);
    const key = Buffer.from(part.slice(idx + 1), 'base64');
    if (idx < 1 || !/^[A-Za-z0-9_.-]+$/.test(id)) problems.push(`EMBARGO_ENCRYPTION_KEYS entry "${id || part.slice(0, 8)}…" must be id:base64key`);
    else if (key.length !== 32) problems.push(`EMBARGO_ENCRYPTION_KEYS key ${id} must decode to 32 bytes (got ${key.length})`);
    else keys.set(id, key);
  }
  return keys;
}

interface GeneratedSecrets {
  keyId: string;
  key: string;
  sessionSecret: string;
}

/** Single-node convenience: secrets made once and kept (0600) beside the embedded database. */
function dataDirSecrets(dataDir: string): GeneratedSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as GeneratedSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets: GeneratedSecrets = {
    keyId: `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`,
    key: randomBytes(32).toString('base64'),
    sessionSecret: randomBytes(32).toString('base64'),
  };
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process (the server, a CLI command) on the same fresh DATA_DIR wrote first: use its secrets.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return JSON.parse(readFileSync(file, 'utf8')) as GeneratedSecrets;
  }
  return secrets;
}

/**
 * Which X-Forwarded-For entries to believe. Never "every hop": a proxy that appends passes the client's own header
 * on, so the left-most entry is whatever the client wrote. `true` is one hop (a reverse proxy in front, the usual
 * case); a number is that many hops; otherwise the proxies' addresses or CIDR ranges, and the client is the
 * right-most entry not among them.
 */
export function parseTrustProxy(raw: string | undefined, problems: string[]): false | number | string {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return 1;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  // The same reading of an address or range as the network blocks (core/triage/blocks.ts).
  const bad = parts.filter((p) => !parseCidr(p));
  if (bad.length || !parts.length) {
    problems.push(`EMBARGO_TRUST_PROXY must be true, a hop count, or proxy addresses/CIDRs separated by commas (not "${bad[0] ?? value}")`);
    return false;
  }
  return parts.join(',');
}

/**
 * `host:port,…` (an IPv6 host in brackets); anything else is a problem. Each entry is written the way the sender
 * compares it (hostKey of the parsed URL), so every spelling of an address matches: `[0:0:0:0:0:0:0:1]:8080` is
 * `[::1]:8080`, `[::ffff:127.0.0.1]:80` is `[::ffff:7f00:1]:80`, `127.1:80` is `127.0.0.1:80`, names lower-cased.
 */
function parseAllowHosts(raw: string | undefined, problems: string[]): string[] {
  const out: string[] = [];
  for (const part of (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    let key: string | null = null;
    if (/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(part)) {
      try {
        key = hostKey(new URL(`http://${part}`));
      } catch {
        // Not an address or name the URL parser takes (e.g. [::1::2], a port above 65535): reported below.
      }
    }
    if (key) out.push(key);
    else problems.push(`EMBARGO_WEBHOOK_ALLOW_HOSTS entry "${part}" must be host:port`);
  }
  return out;
}

/** Longest EMBARGO_WEBHOOK_TIMEOUT_SECONDS: one POST must not hold the webhook job (and its lease) for long. */
const MAX_WEBHOOK_TIMEOUT_SECONDS = 30;

function parseMetricsAddress(raw: string | undefined, problems: string[]): Config['metricsAddress'] {
  if (!raw) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw.trim());
  const port = Number(m?.[2]);
  if (!m || port > 65535) {
    problems.push('EMBARGO_METRICS_ADDRESS must be host:port, e.g. 127.0.0.1:9464');
    return null;
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Parses the environment once; reports every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const port = parseIntEnv(env, 'PORT', 8080, problems, 0);
  const host = env.HOST || '127.0.0.1';
  const dataDir = resolve(env.DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://');

  let encryptionKeys = env.EMBARGO_ENCRYPTION_KEYS ? parseKeys(env.EMBARGO_ENCRYPTION_KEYS, problems) : new Map<string, Buffer>();
  let sessionSecret = env.EMBARGO_SESSION_SECRET ? Buffer.from(env.EMBARGO_SESSION_SECRET, 'base64') : null;
  if (sessionSecret && sessionSecret.length < 32) problems.push('EMBARGO_SESSION_SECRET must decode to at least 32 bytes');
  let secretsSource: Config['secretsSource'] = 'environment';
  if (!env.EMBARGO_ENCRYPTION_KEYS || !env.EMBARGO_SESSION_SECRET) {
    if (databaseUrl) {
      problems.push('with DATABASE_URL, EMBARGO_ENCRYPTION_KEYS and EMBARGO_SESSION_SECRET must be set (every instance needs the same secrets)');
    } else if (!problems.length) {
      const generated = dataDirSecrets(dataDir);
      if (!env.EMBARGO_ENCRYPTION_KEYS) encryptionKeys = new Map([[generated.keyId, Buffer.from(generated.key, 'base64')]]);
      sessionSecret ??= Buffer.from(generated.sessionSecret, 'base64');
      secretsSource = 'data-dir';
    }
  }
  const activeKeyId = env.EMBARGO_ENCRYPTION_KEY_ID || [...encryptionKeys.keys()][0] || '';
  if (encryptionKeys.size && !encryptionKeys.has(activeKeyId)) problems.push(`EMBARGO_ENCRYPTION_KEY_ID ${activeKeyId} is not in EMBARGO_ENCRYPTION_KEYS`);

  if (env.EMBARGO_CVE_ORG_ID && !/^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(env.EMBARGO_CVE_ORG_ID)) {
    problems.push('EMBARGO_CVE_ORG_ID must be a UUID');
  }
  const config: Config = {
    port,
    host,
    dataDir,
    databaseUrl,
    publicUrl: (env.EMBARGO_PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, ''),
    encryptionKeys,
    activeKeyId,
    sessionSecret: sessionSecret ?? Buffer.alloc(0),
    secretsSource,
    maxAttachmentBytes: parseIntEnv(env, 'EMBARGO_MAX_ATTACHMENT_BYTES', 10 * 1024 * 1024, problems),
    maxAttachments: parseIntEnv(env, 'EMBARGO_MAX_ATTACHMENTS', 10, problems, 0),
    intakeRateLimit: parseIntEnv(env, 'EMBARGO_INTAKE_RATE_LIMIT', 10, problems),
    intakeRateWindowMs: parseIntEnv(env, 'EMBARGO_INTAKE_RATE_WINDOW_SECONDS', 60, problems) * 1000,
    loginRateLimit: parseIntEnv(env, 'EMBARGO_LOGIN_RATE_LIMIT', 10, problems),
    trustProxy: parseTrustProxy(env.EMBARGO_TRUST_PROXY, problems),
    logLevel: env.EMBARGO_LOG_LEVEL || 'info',
    sessionMaxAgeSeconds: parseIntEnv(env, 'EMBARGO_SESSION_MAX_AGE_SECONDS', 43200, problems),
    policyDir: env.EMBARGO_POLICY_DIR || undefined,
    osvDir: env.EMBARGO_OSV_DIR || undefined,
    jobs: env.EMBARGO_JOBS !== 'off',
    subscribeRateLimit: parseIntEnv(env, 'EMBARGO_SUBSCRIBE_RATE_LIMIT', 10, problems),
    parseWorkers: parseIntEnv(env, 'EMBARGO_PARSE_WORKERS', 2, problems),
    parseTimeoutMs: parseIntEnv(env, 'EMBARGO_PARSE_TIMEOUT_SECONDS', 30, problems) * 1000,
    cveOrgId: env.EMBARGO_CVE_ORG_ID || null,
    cveShortName: env.EMBARGO_CVE_SHORT_NAME || null,
    cve: parseCveConfig(env, problems),
    webhooks: { allowHosts: parseAllowHosts(env.EMBARGO_WEBHOOK_ALLOW_HOSTS, problems), timeoutMs: parseIntEnv(env, 'EMBARGO_WEBHOOK_TIMEOUT_SECONDS', 10, problems, 1, MAX_WEBHOOK_TIMEOUT_SECONDS) * 1000 },
    oidc: parseOidcConfig(env, problems),
    metricsToken: env.EMBARGO_METRICS_TOKEN || null,
    metricsAddress: parseMetricsAddress(env.EMBARGO_METRICS_ADDRESS, problems),
    githubApiUrl: parseGithubApiUrl(env.EMBARGO_GITHUB_API_URL, problems),
    mail: parseMailConfig(env, problems, { publicUrl: (env.EMBARGO_PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, ''), dataDir }),
  };
  if (config.metricsToken !== null && config.metricsToken.length < 24) problems.push('EMBARGO_METRICS_TOKEN must be at least 24 characters');
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function parseGithubApiUrl(value: string | undefined, problems: string[]): string {
  if (!value) return 'https://api.github.com';
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return value.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  problems.push(`EMBARGO_GITHUB_API_URL must be an http(s) URL, got "${value}"`);
  return 'https://api.github.com';
}
