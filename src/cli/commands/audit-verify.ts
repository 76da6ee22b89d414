import { Command } from 'commander';
import type { AuditVerify } from '../../api/schemas/audit.ts';
import { apiFromEnv } from '../api-client.ts';
import { withServices } from '../database.ts';
import { err, out } from '../output.ts';

export const auditVerifyCommand = (): Command =>
  new Command('verify')
    .description('check the audit hash chain for edited, removed or relinked entries: from the last verified checkpoint, or all of it with --full')
    .option('--full', 'check every entry from the first, not only those after the last verified checkpoint')
    .action(async (opts: { full?: boolean }) => {
      const full = opts.full ?? false;
      const api = apiFromEnv(process.env);
      const result = api
        ? await api.request<AuditVerify>('GET', `/api/v1/audit/verify${full ? '?full=true' : ''}`)
        : await withServices(process.env, { bootstrap: false }, async (ctx) => {
            const [{ verifyAudit }, { presentAuditVerification }] = await Promise.all([import('../../services/audit/audit-log.ts'), import('../../api/present-audit.ts')]);
            return presentAuditVerification(await verifyAudit(ctx.db, { full, at: ctx.now() }));
          });
      const scope = result.from_seq > 1 ? ` (${result.checked} checked after the checkpoint at entry ${result.from_seq - 1}; --full checks every entry)` : '';
      if (!result.problems.length) return out(`audit log OK: ${result.entries} ${result.entries === 1 ? 'entry' : 'entries'}${scope}`);
      for (const p of result.problems) out(`seq ${p.seq}: ${p.problem}: ${p.message}`);
      err(`audit log FAILED verification: ${result.problems.length} problem(s) in ${result.entries} entries${scope}`);
      process.exitCode = 1;
    });
