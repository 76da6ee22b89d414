import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { apiFromEnv } from '../api-client.ts';
import { CLI_ACTOR, CLI_LABEL, withServices } from '../database.ts';
import { CliError } from '../errors.ts';
import { out } from '../output.ts';

const FORMATS = ['osv', 'cve', 'csaf', 'csaf-vex', 'openvex'] as const;
type Format = (typeof FORMATS)[number];

interface ExportOptions {
  project: string;
  format: Format;
  out?: string;
  cnaOrgId?: string;
}

/** The export as GET /api/v1/projects/:slug/advisories/:id?format= answers it; database mode builds the same. */
async function load(id: string, opts: ExportOptions): Promise<unknown> {
  const api = apiFromEnv(process.env);
  const query = `format=${opts.format}${opts.cnaOrgId ? `&cna_org_id=${encodeURIComponent(opts.cnaOrgId)}` : ''}`;
  if (api) return api.request<unknown>('GET', `/api/v1/projects/${encodeURIComponent(opts.project)}/advisories/${encodeURIComponent(id)}?${query}`);
  return withServices(process.env, { bootstrap: false }, async (ctx) => {
    const [{ getProject }, { exportStoredAdvisory }] = await Promise.all([import('../../services/projects/projects.ts'), import('../../services/advisories/exports.ts')]);
    const project = await getProject(ctx.db, opts.project);
    return (await exportStoredAdvisory(ctx, project, id, CLI_ACTOR, CLI_LABEL, { format: opts.format, cnaOrgId: opts.cnaOrgId })).document;
  });
}

const exportCommand = (): Command =>
  new Command('export')
    .description('print (or write) an advisory as OSV 1.7, CVE JSON 5.1 or CSAF 2.0')
    .argument('<id>', 'advisory id, e.g. PRIV-SA-2026-0001')
    .requiredOption('--project <slug>', 'project slug')
    .addOption(new Option('--format <format>', 'export format').choices(FORMATS).makeOptionMandatory())
    .option('--out <file>', 'write the JSON to this file instead of standard output')
    .option('--cna-org-id <uuid>', "for --format cve: the CNA's organisation UUID (default EMBARGO_CVE_ORG_ID)")
    .action(async (id: string, opts: ExportOptions) => {
      const document = await load(id, opts);
      const text = `${JSON.stringify(document, null, 2)}\n`;
      if (!opts.out) return out(text.trimEnd());
      try {
        writeFileSync(opts.out, text);
      } catch (e) {
        throw new CliError(`Cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    });

export const advisoryCommand = (): Command => new Command('advisory').description('security advisories').addCommand(exportCommand());
