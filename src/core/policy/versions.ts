import { parseSemver, type Semver } from './semver.ts';
import { matchesVersion, parseVersionMatch } from './version-match.ts';
import type { Policy, SupportStatus } from './types.ts';

export interface VersionClassification {
  status: SupportStatus | 'unknown';
  /** Label of the supported-versions row that matched. */
  matched?: string;
}

const VERSION_TOKEN = /(?<![\w.])[vV]?\d+(?:\.\d+){1,2}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?!\.?\w)/g;

/** Finds the version in a reporter's free text: "v1.2.0", "version 1.0", "PrivaStream 1.0.3 on Docker". */
export function extractVersion(text: string): Semver | null {
  const trimmed = text.trim().replace(/^(?:version|ver\.?)\s*/i, '');
  const whole = parseSemver(trimmed);
  if (whole) return whole;
  // Only an unambiguous mention counts: "upgraded 0.1.9 to 0.2.0" names two versions.
  const tokens = new Set(trimmed.match(VERSION_TOKEN) ?? []);
  const [only] = tokens;
  return tokens.size === 1 && only !== undefined ? parseSemver(only) : null;
}

/** The first supported-versions row matching the reporter's affected version decides its status. */
export function classifyVersion(policy: Pick<Policy, 'supported_versions'>, versionText: string): VersionClassification {
  if (versionText.trim() === '') return { status: 'unknown' };
  const version = extractVersion(versionText);
  for (const row of policy.supported_versions) {
    const matcher = parseVersionMatch(row.match ?? row.label);
    if (matcher && matchesVersion(matcher, versionText, version)) return { status: row.status, matched: row.label };
  }
  return { status: 'unknown' };
}
