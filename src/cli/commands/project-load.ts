import { Command } from 'commander';
import { apiFromEnv } from '../api-client.ts';
import { CLI_LABEL, withServices } from '../database.ts';
import { CliError, codeOf, problemsOf } from '../errors.ts';
import { readTextFile } from '../input.ts';
import { fileProblem, out } from '../output.ts';

interface Loaded {
  slug: string;
  name: string;
  created: boolean;
}

export const projectLoadCommand = (): Command =>
  new Command('load')
    .description('create the project a policy file names, or replace its policy (the slug is the key)')
    .argument('<file>', 'policy YAML file')
    .action(async (file: string) => {
      const yaml = await readTextFile(file);
      const api = apiFromEnv(process.env);
      let loaded: Loaded;
      try {
        if (api) {
          const { status, body } = await api.send<{ slug: string; name: string }>('POST', '/api/v1/projects', { policy_yaml: yaml });
          loaded = { slug: body.slug, name: body.name, created: status === 201 };
        } else {
          loaded = await withServices(process.env, { bootstrap: true }, async (ctx) => {
            const { savePolicy } = await import('../../services/projects/projects.ts');
            const { project, created } = await savePolicy(ctx, yaml, CLI_LABEL);
            return { slug: project.slug, name: project.name, created };
          });
        }
      } catch (e) {
        const problems = problemsOf(e);
        if (codeOf(e) !== 'policy_invalid' || !problems.length) throw e;
        throw new CliError(`${file}: the policy has ${problems.length} problem(s)`, 1, problems.map((p) => fileProblem(file, p)));
      }
      out(`${loaded.created ? 'Created' : 'Updated'} project ${loaded.slug} (${loaded.name})`);
    });
