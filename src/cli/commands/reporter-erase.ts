import { Command } from 'commander';
import { CLI_LABEL, withServices } from '../database.ts';
import { out } from '../output.ts';

export const reporterEraseCommand = (): Command =>
  new Command('erase')
    .description("erase a reporter's contact data from every report they sent and held mail from their address, on their request; the reports stay")
    .argument('<email>', "the reporter's email address")
    .action(async (email: string) => {
      const done = await withServices(process.env, { bootstrap: false }, async (ctx) => (await import('../../services/retention/retention.ts')).eraseReporterByAddress(ctx, email, CLI_LABEL));
      const reports = done.reports.map((r) => r.trackingId);
      out(`${reports.length ? `erased ${email} from ${reports.join(', ')}` : `no report holds ${email}`}; ${done.quarantineRows} held message(s) erased`);
    });
