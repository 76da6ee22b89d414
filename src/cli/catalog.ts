import { Command } from 'commander';

/**
 * Every `embargo` command, with what the help lists for it and how to load it. A command's module (and what it
 * imports) is loaded only when that command runs or shows its own help: `embargo --help` and `embargo cvss …` do
 * not load the database, OpenPGP or the scanner. `term` and `description` repeat the real command's (commander's
 * `Help.subcommandTerm` and `.description()`); test/unit/cli/catalog.test.ts keeps them equal.
 */
export interface LeafEntry {
  name: string;
  term: string;
  description: string;
  load: () => Promise<Command>;
}

export interface GroupEntry {
  name: string;
  description: string;
  children: LeafEntry[];
}

export type CatalogEntry = LeafEntry | GroupEntry;

export const isGroup = (e: CatalogEntry): e is GroupEntry => 'children' in e;

export const CATALOG: CatalogEntry[] = [
  {
    name: 'policy',
    description: 'check and render policy files (no database)',
    children: [
      {
        name: 'check',
        term: 'check <files...>',
        description: 'validate policy files without a database; every problem is printed as FILE:LINE: field: message',
        load: async () => (await import('./commands/policy-check.ts')).policyCheckCommand(),
      },
      {
        name: 'render',
        term: 'render [options] <file>',
        description: 'print the SECURITY.md or security.txt the policy yields, without a database',
        load: async () => (await import('./commands/policy-render.ts')).policyRenderCommand(),
      },
    ],
  },
  {
    name: 'project',
    description: 'manage projects',
    children: [
      {
        name: 'load',
        term: 'load <file>',
        description: 'create the project a policy file names, or replace its policy (the slug is the key)',
        load: async () => (await import('./commands/project-load.ts')).projectLoadCommand(),
      },
      {
        name: 'export',
        term: 'export [options] <slug>',
        description: "write a project's reports, threads, attachments, advisories and audit entries in clear to a tar archive (project admins; docs/operations.md)",
        load: async () => (await import('./commands/project-export.ts')).projectExportCommand(),
      },
      {
        name: 'import',
        term: 'import [options] <file>',
        description: 'load a project export into this instance, tracking IDs kept; refuses a project or tracking ID it already has (site admins)',
        load: async () => (await import('./commands/project-import.ts')).projectImportCommand(),
      },
    ],
  },
  {
    name: 'admin',
    description: 'manage site administrators (database mode only)',
    children: [
      {
        name: 'create',
        term: 'create [options]',
        description: 'create a site administrator directly in the database (bootstraps a new instance)',
        load: async () => (await import('./commands/admin-create.ts')).adminCreateCommand(),
      },
    ],
  },
  {
    name: 'member',
    description: 'manage project members',
    children: [
      {
        name: 'set',
        term: 'set <slug> <email> <role>',
        description: "give a user a role on a project, or remove them from it with 'none'",
        load: async () => (await import('./commands/member-set.ts')).memberSetCommand(),
      },
    ],
  },
  {
    name: 'code-index',
    description: "a project's file paths and function names, for the quality signals",
    children: [
      {
        name: 'upload',
        term: 'upload [options] <slug> <files>',
        description: "replace a project's code index (file paths, function names) that the quality signals check reports against",
        load: async () => (await import('./commands/code-index.ts')).codeIndexUploadCommand(),
      },
    ],
  },
  {
    name: 'block',
    description: "a project's blocked senders: their submissions wait in the review queue",
    children: [
      {
        name: 'add',
        term: 'add [options] <slug> <value>',
        description: 'block a sender by email address, OpenPGP fingerprint or network (IP or CIDR): their submissions wait in the review queue',
        load: async () => (await import('./commands/block.ts')).blockAddCommand(),
      },
      {
        name: 'list',
        term: 'list [options] <slug>',
        description: 'the blocked senders, active first (lifted and expired ones too)',
        load: async () => (await import('./commands/block.ts')).blockListCommand(),
      },
      {
        name: 'remove',
        term: 'remove [options] <slug> <id>',
        description: 'lift a block (it stays listed, lifted)',
        load: async () => (await import('./commands/block.ts')).blockRemoveCommand(),
      },
    ],
  },
  {
    name: 'review',
    description: 'the review queue of held submissions (blocked senders, first-time reporters)',
    children: [
      {
        name: 'list',
        term: 'list [options] <slug>',
        description: 'the held submissions of a project, oldest first: not reports until released',
        load: async () => (await import('./commands/review.ts')).reviewListCommand(),
      },
      {
        name: 'release',
        term: 'release <slug> <tracking-id>',
        description: 'release a held submission: it becomes a report (its clocks start, its sender is acknowledged now)',
        load: async () => (await import('./commands/review.ts')).reviewReleaseCommand(),
      },
      {
        name: 'discard',
        term: 'discard <slug> <tracking-id>',
        description: "discard a held submission: it is deleted and its sender's link opens nothing",
        load: async () => (await import('./commands/review.ts')).reviewDiscardCommand(),
      },
    ],
  },
  {
    name: 'sso',
    description: 'single sign-on identities (database mode only)',
    children: [
      {
        name: 'unlink',
        term: 'unlink <email>',
        description: 'forget the single sign-on identities linked to an account; its next SSO sign-in links it again by verified email',
        load: async () => (await import('./commands/sso-unlink.ts')).ssoUnlinkCommand(),
      },
    ],
  },
  {
    name: 'reporter',
    description: "reporters' personal data (database mode only)",
    children: [
      {
        name: 'erase',
        term: 'erase <email>',
        description: "erase a reporter's contact data from every report they sent and held mail from their address, on their request; the reports stay",
        load: async () => (await import('./commands/reporter-erase.ts')).reporterEraseCommand(),
      },
    ],
  },
  {
    name: 'key',
    term: 'key',
    description: "a project's OpenPGP key (admins; API or database mode)",
    load: async () => (await import('./commands/key.ts')).keyCommand(),
  },
  {
    name: 'token',
    description: 'manage API tokens (database mode only)',
    children: [
      {
        name: 'create',
        term: 'create [options]',
        description: 'create an API token for a user directly in the database; it is printed once, alone on stdout',
        load: async () => (await import('./commands/token-create.ts')).tokenCreateCommand(),
      },
    ],
  },
  {
    name: 'sla',
    term: 'sla [options] <slug>',
    description: 'outstanding SLA deadlines of open reports, breached first, then soonest due',
    load: async () => (await import('./commands/sla.ts')).slaCommand(),
  },
  {
    name: 'advisory',
    term: 'advisory',
    description: 'security advisories',
    load: async () => (await import('./commands/advisory.ts')).advisoryCommand(),
  },
  {
    name: 'ghsa',
    term: 'ghsa',
    description: 'import GitHub Security Advisories (repository advisories, private vulnerability reports)',
    load: async () => (await import('./commands/ghsa.ts')).ghsaCommand(),
  },
  {
    name: 'cvss',
    term: 'cvss [options] <vector>',
    description: 'score a CVSS v3.0, v3.1 or v4.0 vector (no database); an invalid vector exits 2',
    load: async () => (await import('./commands/cvss.ts')).cvssCommand(),
  },
  {
    name: 'audit',
    description: 'audit log',
    children: [
      {
        name: 'verify',
        term: 'verify [options]',
        description: 'check the audit hash chain for edited, removed or relinked entries: from the last verified checkpoint, or all of it with --full',
        load: async () => (await import('./commands/audit-verify.ts')).auditVerifyCommand(),
      },
    ],
  },
  {
    name: 'hygiene',
    term: 'hygiene [options] <paths...>',
    description: 'search folders for hardcoded secrets and unsafe model files (pickles that import code, broken safetensors); exit 0 when clean, 1 on findings, 2 on an input error',
    load: async () => (await import('./commands/hygiene.ts')).hygieneCommand(),
  },
  {
    name: 'backup',
    term: 'backup [options]',
    description: 'write a consistent, encrypted backup of the whole instance, also while the server runs (site admins; docs/operations.md)',
    load: async () => (await import('./commands/backup.ts')).backupCommand(),
  },
  {
    name: 'restore',
    term: 'restore [options] <file>',
    description: 'restore a backup into an empty data directory or database, then verify it (counts, audit chain, every report); database mode',
    load: async () => (await import('./commands/restore.ts')).restoreCommand(),
  },
  {
    name: 'osv',
    description: 'OSV advisory database for API scans (database mode only)',
    children: [
      {
        name: 'import',
        term: 'import <path>',
        description: 'import OSV records (folder, .json or .zip) into the database; a re-import writes only newer records',
        load: async () => (await import('./commands/osv-import.ts')).osvImportCommand(),
      },
    ],
  },
  {
    name: 'scan',
    term: 'scan [options] <paths...>',
    description: 'check lockfiles and SBOMs against a local OSV database; exit 0 when clean, 1 on findings, 2 on an input error or an ecosystem the OSV data has no records of',
    // registerScanCommand adds the command to the program it is given; take it from a scratch one.
    load: async () => (await import('./commands/scan.ts')).registerScanCommand(new Command()).commands[0] as Command,
  },
];

/** The words of a command line that name commands: arguments not starting with '-', `help` skipped. */
const words = (argv: readonly string[]): string[] => argv.filter((a) => !a.startsWith('-') && a !== 'help');

/**
 * Adds `entries` to `parent`: the real command for the one `argv` names (its module loaded now), a stand-in with
 * the same name and description for every other. Returns the stand-ins' help terms for `Help.subcommandTerm`.
 */
export async function attachCommands(parent: Command, entries: CatalogEntry[], argv: readonly string[], terms = new WeakMap<Command, string>()): Promise<WeakMap<Command, string>> {
  const [wanted, ...rest] = words(argv);
  for (const entry of entries) {
    if (isGroup(entry)) {
      const group = new Command(entry.name).description(entry.description);
      parent.addCommand(group);
      await attachCommands(group, entry.children, entry.name === wanted ? rest : [], terms);
    } else if (entry.name === wanted) {
      parent.addCommand(await entry.load());
    } else {
      const standIn = new Command(entry.name).description(entry.description);
      terms.set(standIn, entry.term);
      parent.addCommand(standIn);
    }
  }
  return terms;
}
