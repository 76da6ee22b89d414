import { compareSemver, parseSemver, semverEquals, type Semver } from './semver.ts';
import type { VersionScheme } from './scheme.ts';

/** node-semver's limit; longer strings are rejected before matching. */
const MAX_LENGTH = 256;

/**
 * npm versions as node-semver reads them (not loose): SemVer 2.0.0 after trimming, with an optional `v` in
 * front. Prereleases sort before their release, numeric identifiers numerically, build metadata ignored.
 */
export function parseNpmVersion(text: string): Semver | null {
  if (text.length > MAX_LENGTH) return null;
  const trimmed = text.trim();
  return parseSemver(trimmed.startsWith('v') ? trimmed.slice(1) : trimmed);
}

export const npmScheme: VersionScheme<Semver> = {
  name: 'npm semver',
  parse: parseNpmVersion,
  compare: compareSemver,
  equals: semverEquals,
};
