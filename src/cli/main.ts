import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isDomainError } from '../core/errors.ts';
import { ConfigError } from '../server/config.ts';
import { adminCreateCommand } from './commands/admin-create.ts';
import { advisoryCommand } from './commands/advisory.ts';
import { auditVerifyCommand } from './commands/audit-verify.ts';
import { cvssCommand } from './commands/cvss.ts';
import { memberSetCommand } from './commands/member-set.ts';
import { keyCommand } from './commands/key.ts';
import { osvImportCommand } from './commands/osv-import.ts';
import { policyCheckCommand } from './commands/policy-check.ts';
import { policyRenderCommand } from './commands/policy-render.ts';
import { projectLoadCommand } from './commands/project-load.ts';
import { registerScanCommand } from './commands/scan.ts';
import { slaCommand } from './commands/sla.ts';
import { tokenCreateCommand } from './commands/token-create.ts';
import { ApiError, CliError, problemsOf } from './errors.ts';
import { err, indentedProblem } from './output.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const group = (name: string, description: string, ...commands: Command[]): Command =>
  commands.reduce((g, c) => g.addCommand(c), new Command(name).description(description));

const program = new Command('embargo')
  .description('Embargo CLI: uses the HTTP API when EMBARGO_URL and EMBARGO_TOKEN are set, else opens the database itself')
  .version(version)
  .addCommand(group('policy', 'check and render policy files (no database)', policyCheckCommand(), policyRenderCommand()))
  .addCommand(group('project', 'manage projects', projectLoadCommand()))
  .addCommand(group('admin', 'manage site administrators (database mode only)', adminCreateCommand()))
  .addCommand(group('member', 'manage project members', memberSetCommand()))
  .addCommand(keyCommand())
  .addCommand(group('token', 'manage API tokens (database mode only)', tokenCreateCommand()))
  .addCommand(slaCommand())
  .addCommand(advisoryCommand())
  .addCommand(cvssCommand())
  .addCommand(group('audit', 'audit log', auditVerifyCommand()))
  .addCommand(group('osv', 'OSV advisory database for API scans (database mode only)', osvImportCommand()));
registerScanCommand(program);

// addCommand does not pass settings down, and commander's own exit code for usage errors is 1, not 2.
const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
for (const c of everyCommand(program)) c.exitOverride();

function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
  if (e instanceof CliError) {
    err(`embargo: ${e.message}`);
    for (const line of e.lines) err(line);
    return e.exitCode;
  }
  if (isDomainError(e) || e instanceof ApiError || e instanceof ConfigError) {
    err(`embargo: ${e.message}`);
    for (const p of problemsOf(e)) err(indentedProblem(p));
    return 1;
  }
  err(`embargo: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return 1;
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = exitCodeFor(e);
}
