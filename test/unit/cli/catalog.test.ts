import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, Help } from 'commander';
import { attachCommands, CATALOG, isGroup, type LeafEntry } from '../../../src/cli/catalog.ts';

/** `embargo` lists every command without loading it (src/cli/catalog.ts): what it lists must be the real thing. */

const leaves: [string, LeafEntry][] = CATALOG.flatMap((e) => (isGroup(e) ? e.children.map((c): [string, LeafEntry] => [`${e.name} ${c.name}`, c]) : [[e.name, e]]));

for (const [path, leaf] of leaves) {
  test(`the catalog lists "embargo ${path}" as its module defines it`, async () => {
    const real = await leaf.load();
    assert.equal(real.name(), leaf.name);
    assert.equal(new Help().subcommandTerm(real), leaf.term);
    assert.equal(real.description(), leaf.description);
  });
}

const names = (c: Command): string[] => c.commands.map((s) => s.name());
/** A loaded command has its options or subcommands; a stand-in has neither. */
const loaded = (c: Command | undefined): boolean => !!c && (c.options.length > 0 || c.commands.length > 0 || c.registeredArguments.length > 0);

test('only the command a command line names is loaded; the others stand in with their names', async () => {
  const program = new Command('embargo');
  await attachCommands(program, CATALOG, ['cvss', '--json', 'CVSS:3.1/AV:N']);
  assert.deepEqual(names(program), CATALOG.map((e) => e.name));
  const byName = (n: string) => program.commands.find((c) => c.name() === n);
  assert.ok(loaded(byName('cvss')));
  for (const other of ['key', 'sla', 'advisory', 'scan']) assert.ok(!loaded(byName(other)), `${other} is a stand-in`);
  const policy = byName('policy');
  assert.deepEqual(policy && names(policy), ['check', 'render']);
  assert.ok(policy?.commands.every((c) => !loaded(c)));
});

test('within a group only the named subcommand is loaded, also after `help`', async () => {
  const program = new Command('embargo');
  await attachCommands(program, CATALOG, ['help', 'policy', 'render', '--format', 'txt', 'p.yaml']);
  const policy = program.commands.find((c) => c.name() === 'policy');
  assert.ok(loaded(policy?.commands.find((c) => c.name() === 'render')));
  assert.ok(!loaded(policy?.commands.find((c) => c.name() === 'check')));
});

test('--help and --version load no command', async () => {
  for (const argv of [['--help'], ['--version'], []]) {
    const program = new Command('embargo');
    await attachCommands(program, CATALOG, argv);
    const every = (c: Command): Command[] => c.commands.flatMap((s) => [s, ...every(s)]);
    assert.ok(every(program).every((c) => !loaded(c) || CATALOG.some((e) => isGroup(e) && e.name === c.name())), argv.join(' '));
  }
});
