import { Command } from 'commander';
import { apiFromEnv } from '../api-client.ts';
import { CLI_ACTOR, CLI_LABEL, withServices } from '../database.ts';
import { readTextFile } from '../input.ts';
import { out } from '../output.ts';

/**
 * `embargo code-index upload <slug> <files-list> [--symbols <list>]`: replaces the project's code index (issue 18)
 * from text files with one entry a line — e.g. `git ls-files > files.txt`, `ctags -x --output-format=… | cut -f1`.
 * Read here, sent to the API (EMBARGO_URL/EMBARGO_TOKEN) or written to the database: nothing is fetched.
 */
const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

export const codeIndexUploadCommand = (): Command =>
  new Command('upload')
    .description("replace a project's code index (file paths, function names) that the quality signals check reports against")
    .argument('<slug>', 'project slug')
    .argument('<files>', 'a text file with one file path a line (e.g. the output of git ls-files)')
    .option('--symbols <file>', 'a text file with one function name a line (e.g. from ctags)')
    .action(async (slug: string, filesPath: string, opts: { symbols?: string }) => {
      const files = lines(await readTextFile(filesPath));
      const symbols = opts.symbols ? lines(await readTextFile(opts.symbols)) : [];
      const api = apiFromEnv(process.env);
      const result = api
        ? await api.request<{ files: number; symbols: number }>('PUT', `/api/v1/projects/${encodeURIComponent(slug)}/code-index`, { files, symbols })
        : await withServices(process.env, { bootstrap: false }, async (ctx) => {
            const { getProject } = await import('../../services/projects/projects.ts');
            const { replaceCodeIndex } = await import('../../services/triage/code-index.ts');
            return replaceCodeIndex(ctx, await getProject(ctx.db, slug), CLI_ACTOR, CLI_LABEL, { files, symbols });
          });
      out(`The code index of ${slug} now holds ${result.files} file paths and ${result.symbols} function names`);
    });
