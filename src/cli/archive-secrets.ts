import { readTextFile } from './input.ts';
import { promptHidden } from './input.ts';
import { CliError } from './errors.ts';

type Env = Record<string, string | undefined>;

/**
 * The passphrase of a backup or export archive: --passphrase-file, else EMBARGO_BACKUP_PASSPHRASE, else asked on
 * the terminal (twice when making an archive). Never a command-line argument: those show in `ps` and shell history.
 */
export async function archivePassphrase(file: string | undefined, env: Env, opts: { confirm: boolean; optional: boolean }): Promise<string | undefined> {
  if (file) return (await readTextFile(file)).replace(/\r?\n$/, '');
  if (env.EMBARGO_BACKUP_PASSPHRASE) return env.EMBARGO_BACKUP_PASSPHRASE;
  if (opts.optional || !process.stdin.isTTY) return undefined;
  const first = await promptHidden('Archive passphrase: ');
  if (opts.confirm && (await promptHidden('Again: ')) !== first) throw new CliError('The passphrases differ');
  return first;
}

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export async function readKeyFiles(files: readonly string[]): Promise<string[]> {
  return Promise.all(files.map((f) => readTextFile(f)));
}
