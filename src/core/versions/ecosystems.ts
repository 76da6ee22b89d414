import { cargoScheme } from './cargo.ts';
import { goScheme } from './go.ts';
import { npmScheme } from './npm.ts';
import { pep440Scheme } from './pep440.ts';
import type { VersionScheme } from './scheme.ts';

/** The OSV ecosystems whose lockfiles Embargo reads, spelled as OSV spells them. */
export const ECOSYSTEMS = ['npm', 'PyPI', 'Go', 'crates.io'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export const isEcosystem = (value: string): value is Ecosystem => (ECOSYSTEMS as readonly string[]).includes(value);

const SCHEMES: Record<Ecosystem, VersionScheme> = {
  npm: npmScheme as VersionScheme,
  PyPI: pep440Scheme as VersionScheme,
  Go: goScheme as VersionScheme,
  'crates.io': cargoScheme as VersionScheme,
};

/** The ordering of `ECOSYSTEM` ranges in this ecosystem. */
export const schemeFor = (ecosystem: Ecosystem): VersionScheme => SCHEMES[ecosystem];

/**
 * The key under which a registry treats two names as the same package: PEP 503 for PyPI (runs of `-_.` become
 * one `-`, lower case), crates.io's own rule (`-` and `_` equal, case-insensitive); npm and Go names are exact.
 */
export function normalisePackageName(ecosystem: Ecosystem, name: string): string {
  switch (ecosystem) {
    case 'PyPI':
      return name.replace(/[-_.]+/g, '-').toLowerCase();
    case 'crates.io':
      return name.replace(/_/g, '-').toLowerCase();
    case 'npm':
    case 'Go':
      return name;
  }
}

/** The key the advisory index files a package under: ecosystem and normalised name, `\0` between. */
export const packageKey = (ecosystem: Ecosystem, name: string): string => `${ecosystem}\0${normalisePackageName(ecosystem, name)}`;
