import { normalisePackageName } from '../versions/ecosystems.ts';
import { parseCargoLock } from './cargo-lock.ts';
import { detectFormat } from './detect-format.ts';
import { parseGoMod } from './go-mod.ts';
import { parseGoSum } from './go-sum.ts';
import { lockfileError } from './lockfile-error.ts';
import { parseNpmPackageLock } from './npm-package-lock.ts';
import { parsePipfileLock } from './pipfile-lock.ts';
import { parsePnpmLock } from './pnpm-lock.ts';
import { parsePoetryLock } from './poetry-lock.ts';
import { parseRequirements } from './pip-requirements.ts';
import { parseCycloneDx, parseSpdx } from './sbom.ts';
import type { LockedPackage, LockfileContents, LockfileFormat, ParsedLockfile, ReadFile } from './types.ts';
import { parseYarnLockBerry } from './yarn-lock-berry.ts';
import { parseYarnLockV1 } from './yarn-lock-v1.ts';

const noIncludes: ReadFile = () => null;

function parseAs(format: LockfileFormat, text: string, file: string, readFile: ReadFile): LockfileContents {
  switch (format) {
    case 'package-lock.json':
      return parseNpmPackageLock(text, file);
    case 'yarn.lock v1':
      return parseYarnLockV1(text, file);
    case 'yarn.lock berry':
      return parseYarnLockBerry(text, file);
    case 'pnpm-lock.yaml':
      return parsePnpmLock(text, file);
    case 'requirements.txt':
      return parseRequirements(text, file, readFile);
    case 'poetry.lock':
      return parsePoetryLock(text, file);
    case 'Pipfile.lock':
      return parsePipfileLock(text, file);
    case 'Cargo.lock':
      return parseCargoLock(text, file);
    case 'go.mod':
      return parseGoMod(text, file);
    case 'go.sum':
      return parseGoSum(text, file);
    case 'CycloneDX':
      return parseCycloneDx(text, file);
    case 'SPDX':
      return parseSpdx(text, file);
  }
}

/** One entry per (ecosystem, normalised name, version), the first declaration's line kept. */
function distinct(packages: LockedPackage[]): LockedPackage[] {
  const seen = new Map<string, LockedPackage>();
  for (const p of packages) {
    const key = `${p.ecosystem}\0${normalisePackageName(p.ecosystem, p.name)}\0${p.version}`;
    if (!seen.has(key)) seen.set(key, p);
  }
  return [...seen.values()];
}

/**
 * Reads a lockfile of any supported format, detected from its name and content. `readFile` resolves files it
 * refers to (requirements `-r`). Throws a `DomainError` naming file and line for anything it cannot read; an
 * unrecognised format is an error too, never an empty result.
 */
export function parseLockfile(file: string, text: string, readFile: ReadFile = noIncludes): ParsedLockfile {
  const format = detectFormat(file, text);
  if (!format) throw lockfileError(file, 1, 'not a lockfile format Embargo reads (package-lock.json, yarn.lock, pnpm-lock.yaml, requirements.txt, poetry.lock, Pipfile.lock, Cargo.lock, go.mod, go.sum, CycloneDX or SPDX JSON)');
  let contents: LockfileContents;
  try {
    contents = parseAs(format, text, file, readFile);
  } catch (e) {
    // Nesting deep enough to exhaust the stack (a parser's recursion): refused like any other unreadable input.
    if (e instanceof RangeError) throw lockfileError(file, 1, 'the document nests too deeply to read');
    throw e;
  }
  return { file, format, packages: distinct(contents.packages), unchecked: contents.unchecked };
}
