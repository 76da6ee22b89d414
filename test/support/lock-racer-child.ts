import { lockDataDir } from '../../src/adapters/db/data-dir-lock.ts';

/**
 * One contender of the stale-lock race (test/integration/data-dir-lock.test.ts): for each round it waits for the
 * agreed instant, tries to lock that round's directory and keeps what it won (so its pid stays a live owner).
 * Prints one line: the rounds it won.
 */
const { dirs, startAt, stepMs } = JSON.parse(process.argv[2] ?? '{}') as { dirs: string[]; startAt: number; stepMs: number };
const won: number[] = [];
dirs.forEach((dir, round) => {
  const goAt = startAt + round * stepMs;
  while (Date.now() < goAt) {
    // Busy-wait: both contenders leave the line within the same millisecond.
  }
  try {
    lockDataDir(dir);
    won.push(round);
  } catch {
    // Lost this round.
  }
});
process.stdout.write(`${JSON.stringify(won)}\n`);
// Stay alive until the parent has read both answers, so every lock won still has a live owner.
setTimeout(() => process.exit(0), 2000);
