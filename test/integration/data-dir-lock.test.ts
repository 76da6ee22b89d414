import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/harness.ts';
import { REPO } from '../support/fixtures.ts';

const ROUNDS = 150;

/** The pid of a process that has exited: the owner of a stale lock. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid ?? assert.fail('no pid');

function contender(args: object): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test', 'support', 'lock-racer-child.ts'), JSON.stringify(args)], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
    });
    child.on('exit', (code) => (out.includes('\n') ? undefined : reject(new Error(`contender exited with ${code}`))));
  });
}

test('two processes taking over the same stale data-dir lock at the same instant: exactly one wins, every round', async () => {
  const base = tempDir('embargo-lock-race-');
  const stale = deadPid();
  const dirs = Array.from({ length: ROUNDS }, (_, i) => {
    const dir = join(base, `round-${i}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'embargo.lock'), `${stale}\n`);
    return dir;
  });
  // Both start their rounds at the same agreed instants, after both have loaded.
  const args = { dirs, startAt: Date.now() + 4000, stepMs: 20 };
  const [a, b] = await Promise.all([contender(args), contender(args)]);
  const winners = dirs.map((_, round) => Number(a.includes(round)) + Number(b.includes(round)));
  assert.deepEqual(winners, Array(ROUNDS).fill(1), `rounds won by both or neither: ${JSON.stringify({ a, b })}`);
});
