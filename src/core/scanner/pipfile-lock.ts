import { parseJsonLockfile, jsonObjectKeyLines } from './json-lockfile.ts';
import { isRecord, lockfileError } from './lockfile-error.ts';
import type { LockfileContents } from './types.ts';

/**
 * Pipfile.lock: `default` and `develop` map names to `{ version: "==1.2.3" }`; entries with `git`, `file` or a
 * URL are not PyPI releases; `path` entries are the project's own code.
 */
export function parsePipfileLock(text: string, file: string): LockfileContents {
  const doc = parseJsonLockfile(text, file);
  if (!isRecord(doc) || !isRecord(doc._meta)) throw lockfileError(file, 1, 'not a Pipfile.lock: no _meta');
  const keyLines = jsonObjectKeyLines(text);
  const out: LockfileContents = { packages: [], unchecked: [] };
  for (const section of ['default', 'develop'] as const) {
    const entries = doc[section] ?? {};
    if (!isRecord(entries)) throw lockfileError(file, keyLines.get(section) ?? 1, `${section} is not an object`);
    for (const [name, entry] of Object.entries(entries)) {
      const line = keyLines.get(name) ?? 1;
      if (!isRecord(entry)) throw lockfileError(file, line, `${section}["${name}"] is not an object`);
      if (typeof entry.path === 'string') continue;
      if (typeof entry.version === 'string') {
        const pin = /^===?\s*(\S+)$/.exec(entry.version.trim());
        if (pin) out.packages.push({ ecosystem: 'PyPI', name, version: pin[1] ?? '', line, file });
        else out.unchecked.push({ ecosystem: 'PyPI', name, spec: entry.version, reason: 'unpinned', line, file });
      } else if (typeof entry.git === 'string' || typeof entry.file === 'string') {
        out.unchecked.push({ ecosystem: 'PyPI', name, spec: String(entry.git ?? entry.file), reason: 'non-registry', line, file });
      } else {
        throw lockfileError(file, line, `${section}["${name}"] has no version, git, file or path`);
      }
    }
  }
  return out;
}
