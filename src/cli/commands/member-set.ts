import { Argument, Command } from 'commander';
import { PROJECT_ROLES, type ProjectRole } from '../../core/access/permissions.ts';
import { apiFromEnv } from '../api-client.ts';
import { CLI_LABEL, withServices } from '../database.ts';
import { out } from '../output.ts';

export const memberSetCommand = (): Command =>
  new Command('set')
    .description("give a user a role on a project, or remove them from it with 'none'")
    .argument('<slug>', 'project slug')
    .argument('<email>', "the user's email")
    .addArgument(new Argument('<role>', 'the role, or none to remove').choices([...PROJECT_ROLES, 'none']))
    .action(async (slug: string, email: string, roleArg: ProjectRole | 'none') => {
      const role = roleArg === 'none' ? null : roleArg;
      const api = apiFromEnv(process.env);
      const result = api
        ? await api.request<{ email: string; role: ProjectRole | null }>('PUT', `/api/v1/projects/${encodeURIComponent(slug)}/members`, { email, role })
        : await withServices(process.env, { bootstrap: false }, async (ctx) => (await import('../../services/access/users.ts')).setMembership(ctx, slug, email, role, CLI_LABEL));
      out(result.role ? `${result.email} is ${result.role} of ${slug}` : `${result.email} is no longer a member of ${slug}`);
    });
