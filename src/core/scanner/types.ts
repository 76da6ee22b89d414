import type { Ecosystem } from '../versions/ecosystems.ts';

export const LOCKFILE_FORMATS = [
  'package-lock.json',
  'yarn.lock v1',
  'yarn.lock berry',
  'pnpm-lock.yaml',
  'requirements.txt',
  'poetry.lock',
  'Pipfile.lock',
  'Cargo.lock',
  'go.mod',
  'go.sum',
] as const;
export type LockfileFormat = (typeof LOCKFILE_FORMATS)[number];

/** One installed release of a registry package. */
export interface LockedPackage {
  ecosystem: Ecosystem;
  /** As the lockfile writes it. */
  name: string;
  version: string;
  /** 1-based line in `file` where it is declared, when the format is line-oriented enough to say. */
  line?: number;
  /** The file that declares it (a requirements file may pull others in with `-r`). */
  file: string;
}

/**
 * A dependency no advisory can be matched against: `unpinned` has no single version (`flask>=1.0`),
 * `non-registry` comes from git, a URL or a local archive, so registry advisories do not describe its code.
 */
export interface UncheckedDependency {
  ecosystem: Ecosystem;
  name: string;
  spec: string;
  reason: 'unpinned' | 'non-registry';
  line?: number;
  file: string;
}

export interface ParsedLockfile {
  file: string;
  format: LockfileFormat;
  /** One entry per (ecosystem, normalised name, version). */
  packages: LockedPackage[];
  unchecked: UncheckedDependency[];
}

/** Reads another file a lockfile refers to (`-r other.txt`); null when it cannot be read. */
export type ReadFile = (path: string) => string | null;

/** What a single-file parser returns; `parseLockfile` adds the format and removes duplicates. */
export interface LockfileContents {
  packages: LockedPackage[];
  unchecked: UncheckedDependency[];
}
