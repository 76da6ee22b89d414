import { compareSemver, parseSemver, semverEquals, type Semver } from './semver.ts';
import type { VersionScheme } from './scheme.ts';

/**
 * Go module versions: SemVer with a leading `v` (OSV writes them without it, so both are read). Pseudo-versions
 * (`v0.0.0-20221212164502-fae10dda9338`, `v1.2.4-0.20191109021931-daa7c04131f5`) are ordinary prereleases whose
 * fixed-width timestamps sort chronologically, so SemVer precedence orders them before the release they precede.
 * `+incompatible` is build metadata and does not change precedence.
 */
export function parseGoVersion(text: string): Semver | null {
  return parseSemver(text.startsWith('v') ? text.slice(1) : text);
}

// golang.org/x/mod/module's pseudo-version pattern, with the `v` optional.
const PSEUDO = /^v?\d+\.(?:0\.0-|\d+\.\d+-(?:[^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Whether `text` is a pseudo-version: a commit that carries no tag of its own. */
export const isPseudoVersion = (text: string): boolean => PSEUDO.test(text);

/** go.mod writes `v1.2.3`; OSV writes `1.2.3`. */
export const withoutGoPrefix = (text: string): string => (text.startsWith('v') ? text.slice(1) : text);

export const goScheme: VersionScheme<Semver> = {
  name: 'Go module version',
  parse: parseGoVersion,
  compare: compareSemver,
  equals: semverEquals,
};
