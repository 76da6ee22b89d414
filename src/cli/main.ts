import { Command, CommanderError, Help } from 'commander';
import { isDomainError } from '../core/errors.ts';
import { ConfigError } from '../server/config.ts';
import { attachCommands, CATALOG } from './catalog.ts';
import { ApiError, CliError, problemsOf } from './errors.ts';
import { err, indentedProblem } from './output.ts';
import { packageVersion } from './version.ts';

const program = new Command('embargo')
  .description('Embargo CLI: uses the HTTP API when EMBARGO_URL and EMBARGO_TOKEN are set, else opens the database itself')
  .version(packageVersion());
// Only the command being run is loaded (catalog.ts); the others are listed by name, term and description.
const terms = await attachCommands(program, CATALOG, process.argv.slice(2));
const helpConfig: Partial<Help> = {
  subcommandTerm(this: Help, sub: Command) {
    return terms.get(sub) ?? Help.prototype.subcommandTerm.call(this, sub);
  },
};

// addCommand does not pass settings down, and commander's own exit code for usage errors is 1, not 2.
const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
for (const c of everyCommand(program)) {
  c.exitOverride();
  if (c.commands.some((sub) => terms.has(sub))) c.configureHelp(helpConfig);
}

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
