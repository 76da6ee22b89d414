import { Command } from 'commander';
import type { GhsaImportResultJson } from '../../api/schemas/ghsa.ts';
import { apiFromEnv } from '../api-client.ts';
import { CLI_ACTOR, CLI_LABEL, withServices } from '../database.ts';
import { CliError } from '../errors.ts';
import { readTextFile } from '../input.ts';
import { out, table } from '../output.ts';

/**
 * GitHub Security Advisories import (docs/ghsa.md). `import` reads the JSON `gh api` wrote
 * (`gh api --paginate --slurp repos/OWNER/REPO/security-advisories > F`, or without --slurp: one array), `sync`
 * asks GitHub's API with the project's stored token. Both answer like POST …/ghsa/imports.
 */
interface Options {
  project: string;
  json?: boolean;
}

/** One array of advisories from an export: `--paginate --slurp` writes an array of pages, flattened here. */
function advisoriesOf(text: string, file: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON (expected the output of gh api repos/OWNER/REPO/security-advisories)`);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.every(Array.isArray) && list.length > 0 ? list.flat() : list;
}

function print(result: GhsaImportResultJson, json: boolean | undefined): void {
  if (json) return out(JSON.stringify(result, null, 2));
  out(table(['GHSA', 'TRACKING ID', 'OUTCOME'], result.items.map((i) => [i.ghsa_id, i.tracking_id, i.outcome])));
  out(`${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`);
}

const importCommand = (): Command =>
  new Command('import')
    .description("import repository security advisories from a JSON file written by gh api; re-importing updates, never duplicates")
    .requiredOption('--file <file>', 'the JSON of GET /repos/OWNER/REPO/security-advisories')
    .requiredOption('--project <slug>', 'project slug')
    .option('--json', 'print the API JSON instead of a table')
    .action(async (opts: Options & { file: string }) => {
      const advisories = advisoriesOf(await readTextFile(opts.file), opts.file);
      const api = apiFromEnv(process.env);
      const result = api
        ? await api.request<GhsaImportResultJson>('POST', `/api/v1/projects/${encodeURIComponent(opts.project)}/ghsa/imports`, { advisories })
        : await withServices(process.env, { bootstrap: false }, async (ctx) => {
            const [{ getProject }, { importGhsaExport }, { presentGhsaImport }] = await Promise.all([
              import('../../services/projects/projects.ts'),
              import('../../services/ghsa/import.ts'),
              import('../../api/present-ghsa.ts'),
            ]);
            const project = await getProject(ctx.db, opts.project);
            return presentGhsaImport(await importGhsaExport(ctx, project, CLI_ACTOR, CLI_LABEL, advisories, 'file'));
          });
      print(result, opts.json);
    });

const syncCommand = (): Command =>
  new Command('sync')
    .description("import every advisory of the project's GitHub repository through the API (its token is set with PUT …/ghsa/source)")
    .requiredOption('--project <slug>', 'project slug')
    .option('--json', 'print the API JSON instead of a table')
    .action(async (opts: Options) => {
      const api = apiFromEnv(process.env);
      const result = api
        ? await api.request<GhsaImportResultJson>('POST', `/api/v1/projects/${encodeURIComponent(opts.project)}/ghsa/sync`)
        : await withServices(process.env, { bootstrap: false }, async (ctx) => {
            const [{ getProject }, { syncGhsaSource }, { presentGhsaImport }] = await Promise.all([
              import('../../services/projects/projects.ts'),
              import('../../services/ghsa/source.ts'),
              import('../../api/present-ghsa.ts'),
            ]);
            const project = await getProject(ctx.db, opts.project);
            return presentGhsaImport(await syncGhsaSource(ctx, project, CLI_ACTOR, CLI_LABEL));
          });
      print(result, opts.json);
    });

export const ghsaCommand = (): Command =>
  new Command('ghsa').description('import GitHub Security Advisories (repository advisories, private vulnerability reports)').addCommand(importCommand()).addCommand(syncCommand());
