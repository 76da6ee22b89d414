import { Command, InvalidArgumentError, Option } from 'commander';
import { parsePolicy, renderSecurityMd, renderSecurityTxt } from '../../core/policy/index.ts';
import { CliError, problemsOf } from '../errors.ts';
import { readTextFile } from '../input.ts';
import { fileProblem, out } from '../output.ts';

export const isoInstant = (value: string): Date => {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO-8601 date or instant, e.g. 2026-03-02T09:00:00Z');
  return d;
};

export const policyRenderCommand = (): Command =>
  new Command('render')
    .description('print the SECURITY.md or security.txt the policy yields, without a database')
    .argument('<file>', 'policy YAML file')
    .addOption(new Option('--format <format>', 'what to render').choices(['security-md', 'security-txt']).makeOptionMandatory())
    .addOption(new Option('--now <iso>', 'the date stamped into the output and used for Expires (default: now)').argParser(isoInstant))
    .action(async (file: string, opts: { format: 'security-md' | 'security-txt'; now?: Date }) => {
      const now = opts.now ?? new Date();
      const { policy, problems } = parsePolicy(await readTextFile(file), { now });
      if (!policy || problems.length) throw new CliError(`${file}: the policy has ${problems.length} problem(s)`, 1, problems.map((p) => fileProblem(file, p)));
      try {
        out(opts.format === 'security-md' ? renderSecurityMd(policy, { now }) : renderSecurityTxt(policy, { now }));
      } catch (e) {
        const found = problemsOf(e);
        if (!found.length) throw e;
        throw new CliError(`${file}: ${(e as Error).message}`, 1, found.map((p) => `  ${p.field}: ${p.message}`));
      }
    });
