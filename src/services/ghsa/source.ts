import { fetchRepositoryAdvisories, GithubApiError } from '../../adapters/github/ghsa-client.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import { readGhsaExport } from '../../core/ghsa/advisory.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { importGhsaAdvisories, type GhsaImportItem } from './import.ts';

const REPOSITORY = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
const tokenAad = (projectId: string) => `ghsa-source:${projectId}:token`;

export interface GhsaSourceInfo {
  repository: string;
  apiUrl: string;
  /** Never the token itself: only that one is stored. */
  tokenSet: boolean;
  updatedBy: string;
  updatedAt: Date;
  lastSyncedAt: Date | null;
}

export async function getGhsaSource(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null): Promise<GhsaSourceInfo | null> {
  authorize(actor, 'ghsa:configure');
  const row = await ctx.db.selectFrom('ghsa_sources').select(['repository', 'updated_by', 'updated_at', 'last_synced_at']).where('project_id', '=', project.id).executeTakeFirst();
  return row ? { repository: row.repository, apiUrl: ctx.githubApiUrl, tokenSet: true, updatedBy: row.updated_by, updatedAt: row.updated_at, lastSyncedAt: row.last_synced_at } : null;
}

/** Sets the repository (`owner/repo`) and the token (sealed at rest, never answered or logged) the project imports from. */
export async function setGhsaSource(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, input: { repository: string; token: string }): Promise<GhsaSourceInfo> {
  authorize(actor, 'ghsa:configure');
  if (!REPOSITORY.test(input.repository)) throw DomainError.validation([{ field: 'repository', message: 'must be owner/repo' }]);
  const token = input.token.trim();
  if (!token || /\s/.test(token)) throw DomainError.validation([{ field: 'token', message: 'must be a GitHub token (no spaces)' }]);
  const now = ctx.now();
  const sealed = ctx.sealer.seal(token, tokenAad(project.id));
  await ctx.db.transaction().execute(async (tx) => {
    const values = { repository: input.repository, token_sealed: sealed.sealed, key_id: sealed.keyId, updated_by: actorLabel, updated_at: now };
    await tx
      .insertInto('ghsa_sources')
      .values({ project_id: project.id, ...values })
      .onConflict((oc) => oc.column('project_id').doUpdateSet(values))
      .execute();
    await appendAudit(tx, { actor: actorLabel, action: 'ghsa.source-set', projectId: project.id, data: { repository: input.repository, api_url: ctx.githubApiUrl } }, now);
  });
  return (await getGhsaSource(ctx, project, actor)) as GhsaSourceInfo;
}

export async function deleteGhsaSource(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string): Promise<void> {
  authorize(actor, 'ghsa:configure');
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('ghsa_sources').where('project_id', '=', project.id).executeTakeFirst();
    if (!Number(gone.numDeletedRows)) throw new DomainError('not_found', `${project.slug} has no GitHub source`);
    await appendAudit(tx, { actor: actorLabel, action: 'ghsa.source-deleted', projectId: project.id, data: {} }, now);
  });
}

/** Reads every repository advisory from the GitHub API (all pages) and imports them (docs/ghsa.md). */
export async function syncGhsaSource(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string): Promise<GhsaImportItem[]> {
  authorize(actor, 'report:triage');
  const source = await ctx.db.selectFrom('ghsa_sources').selectAll().where('project_id', '=', project.id).executeTakeFirst();
  if (!source) throw new DomainError('conflict', `${project.slug} has no GitHub source: a project admin sets one first`);
  const token = ctx.sealer.open(source.key_id, source.token_sealed, tokenAad(project.id)).toString('utf8');
  let raw: unknown[];
  try {
    raw = await fetchRepositoryAdvisories({ baseUrl: ctx.githubApiUrl, repository: source.repository, token });
  } catch (e) {
    if (e instanceof GithubApiError) throw new DomainError('upstream', e.message, { status: e.status });
    throw e;
  }
  const items = await importGhsaAdvisories(ctx, project, actor, actorLabel, readGhsaExport(raw), 'api');
  await ctx.db.updateTable('ghsa_sources').set({ last_synced_at: ctx.now() }).where('project_id', '=', project.id).execute();
  return items;
}
