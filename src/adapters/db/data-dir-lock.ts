import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
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

/**
 * PGlite does not lock its directory, and two processes writing one data directory corrupt it.
 * An O_EXCL lock file holding the owner's pid keeps a second process out; a lock left by a dead
 * process (SIGKILL, power loss) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'embargo.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(owner) && (owner === process.pid || isAlive(owner))) {
        throw new DomainError(
          'locked',
          `The data directory ${dataDir} is in use by ${owner === process.pid ? 'this process already' : `another Embargo process (pid ${owner})`}. ` +
            'Stop it first, or point DATA_DIR elsewhere; the CLI can talk to a running server with EMBARGO_URL.',
          { pid: owner, lockFile: path },
        );
      }
      unlinkSync(path);
    }
  }
  throw new DomainError('locked', `Could not lock the data directory ${dataDir}`);
}
