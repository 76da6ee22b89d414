import { isRecord, lockfileError } from './lockfile-error.ts';
import { npmSourceOf, splitNameAndRange, type NpmSource } from './npm-source.ts';
import type { LockfileContents } from './types.ts';
import { yamlKeyLines, readYamlLockfile } from './yaml-lockfile.ts';

/**
 * The name and version a `packages` key names, in the three key styles pnpm has used:
 * v5 `/name/1.0.0_peer@2.0.0`, v6 `/name@1.0.0(peer@2.0.0)`, v9 `name@1.0.0`.
 */
function readKey(key: string, major: number): [string, string] | null {
  const path = key.startsWith('/') ? key.slice(1) : key;
  if (major < 6) {
    const at = path.lastIndexOf('/');
    if (at <= 0) return null;
    return [path.slice(0, at), (path.slice(at + 1).split('_')[0] ?? '')];
  }
  const [name, version] = splitNameAndRange(path.replace(/\(.*$/, ''));
  return version ? [name, version] : null;
}

/** A `directory` resolution is the project's own; a tarball or git one is judged by its URL; else the key's version. */
function sourceOf(resolution: Record<string, unknown>, remote: string | undefined, keyVersion: string): NpmSource {
  if (typeof resolution.directory === 'string') return 'local';
  if (remote !== undefined) return npmSourceOf(remote);
  return /^[0-9]/.test(keyVersion) ? 'registry' : npmSourceOf(keyVersion);
}

/** The top-level entries of a pnpm lockfile read here (importers and snapshots are most of the file). */
const PNPM_READS: ReadonlySet<string> = new Set(['lockfileVersion', 'packages']);

/** pnpm-lock.yaml, lockfile versions 5 to 9: one entry per package in `packages`; importers link to them. */
export function parsePnpmLock(text: string, file: string): LockfileContents {
  const doc = readYamlLockfile(text, file, PNPM_READS);
  if (!isRecord(doc) || doc.lockfileVersion === undefined) throw lockfileError(file, 1, 'not a pnpm lockfile: no lockfileVersion');
  const major = Number.parseInt(String(doc.lockfileVersion), 10);
  if (!Number.isFinite(major)) throw lockfileError(file, 1, `unreadable lockfileVersion ${JSON.stringify(doc.lockfileVersion)}`);
  const out: LockfileContents = { packages: [], unchecked: [] };
  if (doc.packages === undefined || doc.packages === '') return out;
  if (!isRecord(doc.packages)) throw lockfileError(file, yamlKeyLines(text, 0).get('packages') ?? 1, 'packages is not a mapping');
  const keyLines = yamlKeyLines(text, 2);
  for (const [key, entry] of Object.entries(doc.packages)) {
    const line = keyLines.get(key) ?? 1;
    const info = isRecord(entry) ? entry : {};
    const resolution = isRecord(info.resolution) ? info.resolution : {};
    const fromKey = readKey(key, major);
    // Tarball, git and directory packages write their real name and version as fields.
    const name = typeof info.name === 'string' ? info.name : fromKey?.[0];
    const keyVersion = fromKey?.[1] ?? '';
    const version = typeof info.version === 'string' ? info.version : keyVersion;
    if (!name || !version) throw lockfileError(file, line, `cannot tell the package and version of ${JSON.stringify(key)}`);
    const remote = typeof resolution.tarball === 'string' ? resolution.tarball : typeof resolution.repo === 'string' ? `git+${resolution.repo}` : undefined;
    const source = sourceOf(resolution, remote, keyVersion);
    if (source === 'registry') out.packages.push({ ecosystem: 'npm', name, version, line, file });
    else if (source === 'non-registry') out.unchecked.push({ ecosystem: 'npm', name, spec: remote ?? keyVersion, reason: 'non-registry', line, file });
  }
  return out;
}
