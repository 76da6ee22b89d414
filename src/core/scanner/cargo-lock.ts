import { lockfileError } from './lockfile-error.ts';
import { packageTables } from './toml.ts';
import type { LockfileContents } from './types.ts';

const CRATES_IO = new Set(['registry+https://github.com/rust-lang/crates.io-index', 'sparse+https://index.crates.io/']);

/**
 * Cargo.lock (v1 to v4): `[[package]]` with name and version. No `source` means a path dependency or a
 * workspace member, the project's own crates; git sources and other registries are not crates.io releases.
 */
export function parseCargoLock(text: string, file: string): LockfileContents {
  const out: LockfileContents = { packages: [], unchecked: [] };
  for (const { entry, line } of packageTables(text, file)) {
    if (entry.source === undefined) continue;
    if (typeof entry.source !== 'string') throw lockfileError(file, line, `source of ${entry.name} is not a string`);
    if (CRATES_IO.has(entry.source)) {
      out.packages.push({ ecosystem: 'crates.io', name: entry.name, version: entry.version, line, file });
    } else {
      out.unchecked.push({ ecosystem: 'crates.io', name: entry.name, spec: entry.source, reason: 'non-registry', line, file });
    }
  }
  return out;
}
