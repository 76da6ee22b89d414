import { spawn } from 'node:child_process';
import { REPO } from './fixtures.ts';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI child: this process's, without the test runner's own settings (a DATABASE_URL, an EMBARGO_URL, the test context). */
export const cliBaseEnv = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(EMBARGO_|DATABASE_URL$|DATA_DIR$|NODE_TEST_CONTEXT$)/.test(e[0])),
  );

/**
 * Runs the real CLI as a child process, as installed (`bin/embargo.mjs` over the compiled build the test tier made:
 * a quarter of the start-up of transpiling src/ through tsx in every child); async, so an in-process server keeps
 * answering meanwhile. `input` goes to its standard input.
 */
export function runEmbargo(args: string[], env: Record<string, string> = {}, opts: { input?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['bin/embargo.mjs', ...args], { cwd: REPO, env: { ...cliBaseEnv(), ...env }, timeout: opts.timeoutMs ?? 120_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {});
  child.stdin.end(opts.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
