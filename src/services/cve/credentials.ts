import { createCveServicesClient, type CveServicesClient } from '../../adapters/cve-services/client.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import { CVE_RECORD_VERSIONS, type CveRecordVersion } from '../../core/formats/cve5.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { allowedBaseUrls } from './settings.ts';

/**
 * A project's CVE Services credentials (project admins): the API base URL, the CNA's short name and UUID, the
 * API user and key. The key is sealed at rest and never answered: the settings say only whether one is set.
 */
export interface CveSettingsInfo {
  configured: boolean;
  baseUrl: string;
  cnaShortName: string | null;
  cnaOrgId: string | null;
  apiUser: string | null;
  hasApiKey: boolean;
  /** The format this project publishes: its own choice, else the instance's (EMBARGO_CVE_RECORD_VERSION). */
  recordVersion: CveRecordVersion;
  recordVersionIsDefault: boolean;
  allowedBaseUrls: string[];
  updatedBy: string | null;
  updatedAt: Date | null;
}

export interface CveSettingsInput {
  base_url?: string | null;
  cna_short_name: string;
  cna_org_id: string;
  api_user: string;
  /** Required the first time; omitted later to keep the stored key. */
  api_key?: string;
  record_version?: CveRecordVersion | null;
}

const keyAad = (projectId: string) => `cve-settings:${projectId}:api-key`;

export async function cveSettingsRow(db: DbOrTx, projectId: string) {
  return db.selectFrom('cve_settings').selectAll().where('project_id', '=', projectId).executeTakeFirst();
}

/** The CVE Record Format a project's exports and publications use. */
export async function cveVersionOf(ctx: Pick<ServiceContext, 'db' | 'cveServices'>, projectId: string): Promise<CveRecordVersion> {
  const row = await ctx.db.selectFrom('cve_settings').select('record_version').where('project_id', '=', projectId).executeTakeFirst();
  return row?.record_version ?? ctx.cveServices.recordVersion;
}

function infoOf(ctx: ServiceContext, row: Awaited<ReturnType<typeof cveSettingsRow>>): CveSettingsInfo {
  return {
    configured: Boolean(row),
    baseUrl: row?.base_url ?? ctx.cveServices.defaultBaseUrl,
    cnaShortName: row?.cna_short_name ?? null,
    cnaOrgId: row?.cna_org_id ?? null,
    apiUser: row?.api_user ?? null,
    hasApiKey: Boolean(row),
    recordVersion: row?.record_version ?? ctx.cveServices.recordVersion,
    recordVersionIsDefault: !row?.record_version,
    allowedBaseUrls: allowedBaseUrls(ctx.cveServices),
    updatedBy: row?.updated_by ?? null,
    updatedAt: row ? new Date(row.updated_at) : null,
  };
}

export async function getCveSettings(ctx: ServiceContext, project: { id: string }, actor: Actor | null): Promise<CveSettingsInfo> {
  authorize(actor, 'cve:manage');
  return infoOf(ctx, await cveSettingsRow(ctx.db, project.id));
}

function check(ctx: ServiceContext, input: CveSettingsInput, hasKey: boolean): void {
  const problems = [];
  const base = (input.base_url ?? ctx.cveServices.defaultBaseUrl).replace(/\/+$/, '');
  if (!allowedBaseUrls(ctx.cveServices).includes(base)) problems.push({ field: 'base_url', message: `must be one of ${allowedBaseUrls(ctx.cveServices).join(', ')}` });
  if (!/^[A-Za-z0-9_.-]{2,32}$/.test(input.cna_short_name)) problems.push({ field: 'cna_short_name', message: 'must be the CNA short name CVE Services knows (2 to 32 letters, digits, _ . -)' });
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.cna_org_id)) problems.push({ field: 'cna_org_id', message: 'must be the CNA organisation UUID' });
  if (!input.api_user.trim() || input.api_user.length > 256) problems.push({ field: 'api_user', message: 'must be the CVE Services user name (1 to 256 characters)' });
  if (input.api_key === undefined && !hasKey) problems.push({ field: 'api_key', message: 'is required the first time' });
  if (input.api_key !== undefined && (input.api_key.length < 8 || input.api_key.length > 512)) problems.push({ field: 'api_key', message: 'must be 8 to 512 characters' });
  if (input.record_version && !(CVE_RECORD_VERSIONS as readonly string[]).includes(input.record_version)) problems.push({ field: 'record_version', message: `must be one of ${CVE_RECORD_VERSIONS.join(', ')}` });
  if (problems.length) throw DomainError.validation(problems);
}

export async function setCveSettings(ctx: ServiceContext, project: { id: string }, actor: Actor | null, actorLabel: string, input: CveSettingsInput): Promise<CveSettingsInfo> {
  authorize(actor, 'cve:manage');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const current = await tx.selectFrom('cve_settings').select(['api_key_sealed', 'key_id']).where('project_id', '=', project.id).forUpdate().executeTakeFirst();
    check(ctx, input, Boolean(current));
    const apiKey = input.api_key ?? (current ? ctx.sealer.open(current.key_id, current.api_key_sealed, keyAad(project.id)).toString('utf8') : '');
    const sealed = ctx.sealer.seal(apiKey, keyAad(project.id));
    const values = {
      base_url: (input.base_url ?? ctx.cveServices.defaultBaseUrl).replace(/\/+$/, ''),
      cna_short_name: input.cna_short_name,
      cna_org_id: input.cna_org_id.toLowerCase(),
      api_user: input.api_user.trim(),
      api_key_sealed: sealed.sealed,
      key_id: sealed.keyId,
      record_version: input.record_version ?? null,
      updated_by: actorLabel,
      updated_at: now,
    };
    await tx
      .insertInto('cve_settings')
      .values({ project_id: project.id, ...values })
      .onConflict((oc) => oc.column('project_id').doUpdateSet(values))
      .execute();
    // The audit entry names what changed, never the key.
    await appendAudit(
      tx,
      {
        actor: actorLabel,
        action: 'cve.settings_saved',
        projectId: project.id,
        data: { base_url: values.base_url, cna_short_name: values.cna_short_name, api_user: values.api_user, record_version: values.record_version, api_key: input.api_key !== undefined ? 'replaced' : 'kept' },
      },
      now,
    );
    return infoOf(ctx, await cveSettingsRow(tx, project.id));
  });
}

export async function deleteCveSettings(ctx: ServiceContext, project: { id: string }, actor: Actor | null, actorLabel: string): Promise<void> {
  authorize(actor, 'cve:manage');
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('cve_settings').where('project_id', '=', project.id).returning('cna_short_name').executeTakeFirst();
    if (!gone) throw new DomainError('not_found', 'No CVE Services credentials are set');
    await appendAudit(tx, { actor: actorLabel, action: 'cve.settings_deleted', projectId: project.id, data: { cna_short_name: gone.cna_short_name } }, now);
  });
}

export interface CnaConnection {
  client: CveServicesClient;
  shortName: string;
  orgId: string;
  recordVersion: CveRecordVersion;
}

/** The project's CVE Services client with its opened credentials (services only; the key never leaves it), or null. */
export async function cnaConnection(ctx: ServiceContext, projectId: string): Promise<CnaConnection | null> {
  const row = await cveSettingsRow(ctx.db, projectId);
  if (!row) return null;
  const apiKey = ctx.sealer.open(row.key_id, row.api_key_sealed, keyAad(projectId)).toString('utf8');
  return {
    client: createCveServicesClient(row.base_url, { org: row.cna_short_name, user: row.api_user, apiKey }, { timeoutMs: ctx.cveServices.timeoutMs }),
    shortName: row.cna_short_name,
    orgId: row.cna_org_id,
    recordVersion: row.record_version ?? ctx.cveServices.recordVersion,
  };
}
