import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
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

/** The lock file's text, or null when there is none. */
const contentOf = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

const pidIn = (text: string | null): number | null => {
  const pid = text === null ? Number.NaN : Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) ? pid : null;
};

const ownerOf = (path: string): number | null => pidIn(contentOf(path));

/** A private file holding our pid, to be put in place whole (nobody ever reads a lock file still being written). */
function ownedTemp(path: string): string {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/** Creates `path` holding our pid, or fails with EEXIST (a hard link never replaces an existing name). */
function createOwned(path: string): void {
  const tmp = ownedTemp(path);
  try {
    linkSync(tmp, path);
  } finally {
    unlinkSync(tmp);
  }
}

/** Replaces `path` with one holding our pid in one step (rename): the name is never absent meanwhile. */
function replaceOwned(path: string): void {
  renameSync(ownedTemp(path), path);
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
  const held = (): DataDirLock => {
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        if (ownerOf(path) === process.pid) unlinkSync(path);
      },
    };
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      createOwned(path);
      return held();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const seen = contentOf(path);
    if (seen === null) continue; // released meanwhile: race for the free name again
    const owner = pidIn(seen);
    if (owner !== null && (owner === process.pid || isAlive(owner))) {
      throw new DomainError(
        'locked',
        `The data directory ${dataDir} is in use by ${owner === process.pid ? 'this process already' : `another Embargo process (pid ${owner})`}. ` +
          'Stop it first, or point DATA_DIR elsewhere; the CLI can talk to a running server with EMBARGO_URL.',
        { pid: owner, lockFile: path },
      );
    }
    // A stale lock is replaced, never removed: were the name ever absent, a process outside the takeover could
    // create it between our check and our write, and both would hold the lock (the race test caught exactly that).
    const took = withTakeover(path, () => {
      if (contentOf(path) !== seen) return false; // someone took it over since we looked
      replaceOwned(path);
      return true;
    });
    if (took) return held();
    // Let the takeover's holder finish before looking again.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
  }
  throw new DomainError('locked', `Could not lock the data directory ${dataDir}`);
}
