import { isRecord, lockfileError } from './lockfile-error.ts';
import { npmSourceOf, type NpmSource } from './npm-source.ts';
import type { LockfileContents } from './types.ts';
import { yamlKeyLines, readYamlLockfile } from './yaml-lockfile.ts';

/** `name@protocol:rest` of a berry `resolution`; the scope's `@` is not the separator. */
function readResolution(resolution: string): { name: string; protocol: string; rest: string } | null {
  const m = /^((?:@[^/@]+\/)?[^@]+)@([a-z+-]+:)?(.*)$/.exec(resolution);
  return m ? { name: m[1] ?? '', protocol: m[2] ?? '', rest: m[3] ?? '' } : null;
}

function sourceOf(protocol: string, rest: string): NpmSource {
  if (protocol === 'npm:' || (protocol === 'patch:' && rest.includes('@npm%3A'))) return 'registry';
  if (protocol === 'file:') return npmSourceOf(`file:${rest}`);
  return protocol === 'workspace:' || protocol === 'link:' || protocol === 'portal:' ? 'local' : 'non-registry';
}

/**
 * yarn.lock of Yarn 2+ ("berry"), which is YAML: every entry's `resolution` says where the package came from:
 * `npm:` (and `patch:` of an npm package) is the registry; `workspace:`, `link:`, `portal:` and `file:` folders
 * are the project itself; anything else (git, URLs, `exec:`) is not from the registry.
 */
export function parseYarnLockBerry(text: string, file: string): LockfileContents {
  const doc = readYamlLockfile(text, file);
  if (!isRecord(doc)) throw lockfileError(file, 1, 'expected a mapping of entries');
  const keyLines = yamlKeyLines(text, 0);
  const out: LockfileContents = { packages: [], unchecked: [] };
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    const line = keyLines.get(key) ?? 1;
    if (!isRecord(entry) || typeof entry.resolution !== 'string' || typeof entry.version !== 'string') {
      throw lockfileError(file, line, `entry ${key} needs a version and a resolution`);
    }
    const r = readResolution(entry.resolution);
    if (!r) throw lockfileError(file, line, `cannot read resolution ${JSON.stringify(entry.resolution)}`);
    const source = sourceOf(r.protocol, r.rest);
    if (source === 'registry') out.packages.push({ ecosystem: 'npm', name: r.name, version: entry.version, line, file });
    else if (source === 'non-registry') out.unchecked.push({ ecosystem: 'npm', name: r.name, spec: entry.resolution, reason: 'non-registry', line, file });
  }
  return out;
}
