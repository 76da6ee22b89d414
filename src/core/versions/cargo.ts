import { compareSemver, parseSemver, semverEquals, type Semver } from './semver.ts';
import type { VersionScheme } from './scheme.ts';

/**
 * Cargo versions (the `semver` crate): strict SemVer 2.0.0, no `v` prefix, no leading zeros. Advisory ranges
 * compare by SemVer precedence, so `0.12.19+1.1.0` is inside a range that ends at `0.12.20`.
 */
export const cargoScheme: VersionScheme<Semver> = {
  name: 'Cargo semver',
  parse: parseSemver,
  compare: compareSemver,
  equals: semverEquals,
};
