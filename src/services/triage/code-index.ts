import { sql } from 'kysely';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import { codeIndexKeys } from '../../core/triage/quality.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';

/**
 * A project's code index (issue 18): its file paths and function names, uploaded by a project admin (from a
 * checkout: `git ls-files`, `ctags`), never fetched — the quality signals say which ones a report names. Each
 * upload replaces the last, with its audit entry, in one transaction.
 */
export const MAX_CODE_INDEX = 200_000;

export interface CodeIndexSummary {
  files: number;
  symbols: number;
}

export async function replaceCodeIndex(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, input: { files: readonly string[]; symbols: readonly string[] }): Promise<CodeIndexSummary> {
  authorize(actor, 'project:update-policy');
  if (input.files.length > MAX_CODE_INDEX || input.symbols.length > MAX_CODE_INDEX) {
    throw DomainError.validation([{ field: input.files.length > MAX_CODE_INDEX ? 'files' : 'symbols', message: `may list at most ${MAX_CODE_INDEX}` }]);
  }
  const keys = codeIndexKeys(input);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('project_code_index').where('project_id', '=', project.id).execute();
    // One statement per kind whatever the size: the names travel as one array.
    for (const [kind, names] of [['file', keys.files], ['symbol', keys.symbols]] as const) {
      if (names.length) await sql`insert into project_code_index (project_id, kind, name) select ${project.id}::uuid, ${kind}, n from unnest(${names}::text[]) as n`.execute(tx);
    }
    await appendAudit(tx, { actor: actorLabel, action: 'project.code-index', projectId: project.id, data: { files: input.files.length, symbols: keys.symbols.length } }, now);
    return { files: input.files.length, symbols: keys.symbols.length };
  });
}

/** How many keys the project's code index holds (file keys count each path's two keys). */
export async function codeIndexSummary(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null): Promise<CodeIndexSummary> {
  authorize(actor, 'project:read');
  const rows = await ctx.db.selectFrom('project_code_index').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('project_id', '=', project.id).groupBy('kind').execute();
  const n = (kind: string) => Number(rows.find((r) => r.kind === kind)?.n ?? 0);
  return { files: n('file'), symbols: n('symbol') };
}
