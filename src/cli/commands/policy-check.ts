import { Command } from 'commander';
import { parsePolicy } from '../../core/policy/index.ts';
import { readTextFile } from '../input.ts';
import { fileProblem, out } from '../output.ts';

export const policyCheckCommand = (): Command =>
  new Command('check')
    .description('validate policy files without a database; every problem is printed as FILE:LINE: field: message')
    .argument('<files...>', 'policy YAML files')
    .action(async (files: string[]) => {
      let failed = false;
      for (const file of files) {
        const { policy, problems } = parsePolicy(await readTextFile(file), { now: new Date() });
        if (policy && !problems.length) {
          out(`${file}: OK (${policy.project.slug})`);
          continue;
        }
        failed = true;
        for (const p of problems) out(fileProblem(file, p));
      }
      if (failed) process.exitCode = 1;
    });
