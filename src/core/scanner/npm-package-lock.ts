import { parseJsonLockfile, jsonObjectKeyLines } from './json-lockfile.ts';
import { isRecord, lockfileError } from './lockfile-error.ts';
import { npmSourceOf } from './npm-source.ts';
import type { LockfileContents } from './types.ts';

/** package-lock.json and npm-shrinkwrap.json: v2/v3 `packages` (v2 also carries v1's tree), else v1 `dependencies`. */
export function parseNpmPackageLock(text: string, file: string): LockfileContents {
  const doc = parseJsonLockfile(text, file);
  if (!isRecord(doc)) throw lockfileError(file, 1, 'expected a JSON object');
  const keyLines = jsonObjectKeyLines(text);
  const out: LockfileContents = { packages: [], unchecked: [] };
  if (isRecord(doc.packages)) readPackages(doc.packages, file, keyLines, out);
  else if (isRecord(doc.dependencies)) readDependencies(doc.dependencies, file, keyLines, out);
  else if (doc.lockfileVersion === undefined) throw lockfileError(file, 1, 'not a package-lock: no lockfileVersion, packages or dependencies');
  return out;
}

function readPackages(packages: Record<string, unknown>, file: string, keyLines: Map<string, number>, out: LockfileContents): void {
  for (const [path, entry] of Object.entries(packages)) {
    const at = path.lastIndexOf('node_modules/');
    // "" is the root project and other keys without node_modules/ are workspace folders: the project's own code.
    if (at === -1) continue;
    const line = keyLines.get(path) ?? 1;
    if (!isRecord(entry)) throw lockfileError(file, line, `packages["${path}"] is not an object`);
    if (entry.link === true) continue;
    const name = typeof entry.name === 'string' ? entry.name : path.slice(at + 'node_modules/'.length);
    if (typeof entry.version !== 'string') throw lockfileError(file, line, `packages["${path}"] has no version`);
    const resolved = typeof entry.resolved === 'string' ? entry.resolved : undefined;
    const source = npmSourceOf(resolved);
    if (source === 'registry') out.packages.push({ ecosystem: 'npm', name, version: entry.version, line, file });
    else if (source === 'non-registry') out.unchecked.push({ ecosystem: 'npm', name, spec: resolved ?? entry.version, reason: 'non-registry', line, file });
  }
}

function readDependencies(deps: Record<string, unknown>, file: string, keyLines: Map<string, number>, out: LockfileContents): void {
  for (const [key, entry] of Object.entries(deps)) {
    const line = keyLines.get(key) ?? 1;
    if (!isRecord(entry) || typeof entry.version !== 'string') throw lockfileError(file, line, `dependencies["${key}"] has no version`);
    // An alias (`"cjs": { "version": "npm:string-width@4.2.3" }`) installs the package it names.
    const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(entry.version);
    const [name, version] = alias ? [alias[1] ?? key, alias[2] ?? ''] : [key, entry.version];
    const source = alias || /^\d/.test(entry.version) ? 'registry' : npmSourceOf(entry.version);
    if (source === 'registry') out.packages.push({ ecosystem: 'npm', name, version, line, file });
    else if (source === 'non-registry') out.unchecked.push({ ecosystem: 'npm', name, spec: entry.version, reason: 'non-registry', line, file });
    if (entry.dependencies !== undefined) {
      if (!isRecord(entry.dependencies)) throw lockfileError(file, line, `dependencies["${key}"].dependencies is not an object`);
      readDependencies(entry.dependencies, file, keyLines, out);
    }
  }
}
