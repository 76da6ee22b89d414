import { parseGoVersion, withoutGoPrefix } from '../versions/go.ts';
import { compareSemver } from '../versions/semver.ts';
import { lockfileError } from './lockfile-error.ts';
import type { LockedPackage, LockfileContents } from './types.ts';

/**
 * go.sum: `path version h1:hash` lines. Lines for `version/go.mod` only record that a go.mod was read during
 * version selection, not that the module is built, so they are skipped; of several versions of one module the
 * highest is kept, as minimal version selection keeps it (go.sum also remembers versions it left behind).
 */
export function parseGoSum(text: string, file: string): LockfileContents {
  const best = new Map<string, { pkg: LockedPackage; parsed: NonNullable<ReturnType<typeof parseGoVersion>> }>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = (lines[i] ?? '').trim();
    if (!raw) continue;
    const f = raw.split(/\s+/);
    if (f.length !== 3 || !/^h\d+:/.test(f[2] ?? '')) throw lockfileError(file, line, 'expected `module version h1:hash`');
    const [path = '', version = ''] = f;
    if (version.endsWith('/go.mod')) {
      if (!parseGoVersion(version.slice(0, -'/go.mod'.length))) throw lockfileError(file, line, `${JSON.stringify(version)} is not a module version`);
      continue;
    }
    const parsed = parseGoVersion(version);
    if (!parsed || !version.startsWith('v')) throw lockfileError(file, line, `${JSON.stringify(version)} is not a module version`);
    const current = best.get(path);
    if (!current || compareSemver(parsed, current.parsed) > 0) {
      best.set(path, { pkg: { ecosystem: 'Go', name: path, version: withoutGoPrefix(version), line, file }, parsed });
    }
  }
  return { packages: [...best.values()].map((b) => b.pkg), unchecked: [] };
}
