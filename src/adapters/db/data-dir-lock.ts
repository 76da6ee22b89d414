import { closeSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../core/errors.ts';

export interface DataDirLock {
  path: string;
  release(): void;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const ownerOf = (path: string): number | null => {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
};

/**
 * Creates `path` holding our pid, or fails with EEXIST: written to a private file first and hard-linked into place,
 * so nobody ever reads a lock file that is still empty.
 */
function createOwned(path: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } finally {
    unlinkSync(tmp);
  }
}

/** Runs `fn` while holding `<lock>.takeover`, so only one process at a time may replace a stale lock. */
function withTakeover<T>(lockPath: string, fn: () => T): T | undefined {
  const takeover = `${lockPath}.takeover`;
  try {
    createOwned(takeover);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // Someone else is replacing the stale lock right now; a takeover left by a dead process is cleared for next time.
    const owner = ownerOf(takeover);
    if (owner !== null && !isAlive(owner)) unlinkSync(takeover);
    return undefined;
  }
  try {
    return fn();
  } finally {
    unlinkSync(takeover);
  }
}

/**
 * PGlite does not lock its directory, and two processes writing one data directory corrupt it.
 * An exclusive lock file holding the owner's pid keeps a second process out; a lock left by a dead
 * process (SIGKILL, power loss) is taken over — by one process only, under a takeover lock, after checking again
 * that the lock is still the stale one.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'embargo.lock');
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      createOwned(path);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          if (ownerOf(path) === process.pid) unlinkSync(path);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = ownerOf(path);
    if (owner !== null && (owner === process.pid || isAlive(owner))) {
      throw new DomainError(
        'locked',
        `The data directory ${dataDir} is in use by ${owner === process.pid ? 'this process already' : `another Embargo process (pid ${owner})`}. ` +
          'Stop it first, or point DATA_DIR elsewhere; the CLI can talk to a running server with EMBARGO_URL.',
        { pid: owner, lockFile: path },
      );
    }
    withTakeover(path, () => {
      // Still the same stale lock? Only then remove it; the loop then races for the free name like anyone else.
      const now = ownerOf(path);
      if (now !== owner || (now !== null && isAlive(now))) return;
      try {
        unlinkSync(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    });
    // Let the takeover's holder finish before looking again.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
  }
  throw new DomainError('locked', `Could not lock the data directory ${dataDir}`);
}
