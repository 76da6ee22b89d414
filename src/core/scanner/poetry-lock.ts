import { isRecord } from './lockfile-error.ts';
import { packageTables } from './toml.ts';
import type { LockfileContents } from './types.ts';

/**
 * poetry.lock: one `[[package]]` per installed distribution. A `[package.source]` of type `directory` is the
 * project's own code; `git`, `file` and `url` sources are not PyPI releases; `legacy` (another index) is.
 */
export function parsePoetryLock(text: string, file: string): LockfileContents {
  const out: LockfileContents = { packages: [], unchecked: [] };
  for (const { entry, line } of packageTables(text, file)) {
    const sourceType = isRecord(entry.source) && typeof entry.source.type === 'string' ? entry.source.type : 'pypi';
    if (sourceType === 'directory') continue;
    if (sourceType === 'pypi' || sourceType === 'legacy') out.packages.push({ ecosystem: 'PyPI', name: entry.name, version: entry.version, line, file });
    else {
      const url = isRecord(entry.source) && typeof entry.source.url === 'string' ? entry.source.url : sourceType;
      out.unchecked.push({ ecosystem: 'PyPI', name: entry.name, spec: url, reason: 'non-registry', line, file });
    }
  }
  return out;
}
