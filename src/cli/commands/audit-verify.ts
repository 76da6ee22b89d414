import { Command } from 'commander';
import type { ChainProblem } from '../../core/audit/chain.ts';
import { apiFromEnv } from '../api-client.ts';
import { withServices } from '../database.ts';
import { err, out } from '../output.ts';

export const auditVerifyCommand = (): Command =>
  new Command('verify')
    .description('check the whole audit hash chain for edited, removed or relinked entries')
    .action(async () => {
      const api = apiFromEnv(process.env);
      const result = api
        ? await api.request<{ entries: number; problems: ChainProblem[] }>('GET', '/api/v1/audit/verify')
        : await withServices(process.env, { bootstrap: false }, async (ctx) => (await import('../../services/audit/audit-log.ts')).verifyAudit(ctx.db));
      if (!result.problems.length) return out(`audit log OK: ${result.entries} ${result.entries === 1 ? 'entry' : 'entries'}`);
      for (const p of result.problems) out(`seq ${p.seq}: ${p.problem}: ${p.message}`);
      err(`audit log FAILED verification: ${result.problems.length} problem(s) in ${result.entries} entries`);
      process.exitCode = 1;
    });
