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
  'CycloneDX',
  'SPDX',
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
 * Why a dependency is not checked: `unpinned` has no single version (`flask>=1.0`); `non-registry` comes from
 * git, a URL, a local archive or another registry, so the registry's advisories do not describe its code. SBOM
 * components: `no-purl` has no package URL to say what it is, `invalid-purl` one that cannot be read,
 * `unsupported-type` one of an ecosystem Embargo has no version ordering for (Maven, RubyGems, Debian…).
 * `no-osv-data`: a registry package of an ecosystem the OSV data holds no records of at all (an npm lockfile
 * against PyPI's export): not checked, so never reported clean.
 */
export const UNCHECKED_REASONS = ['unpinned', 'non-registry', 'no-purl', 'invalid-purl', 'unsupported-type', 'no-osv-data'] as const;
export type UncheckedReason = (typeof UNCHECKED_REASONS)[number];

/** A dependency no advisory can be matched against. */
export interface UncheckedDependency {
  /** An ecosystem Embargo checks; for an SBOM component, the OSV ecosystem (or purl type) it names, '' if none. */
  ecosystem: Ecosystem | (string & {});
  name: string;
  /** As the file writes it: the requirement, the source URL, the package URL, or `name@version`. */
  spec: string;
  reason: UncheckedReason;
  line?: number;
  file: string;
  /** An SBOM component's identifier in the document (CycloneDX `bom-ref`, SPDX `SPDXID`). */
  ref?: string;
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
