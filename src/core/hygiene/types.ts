import type { Severity } from '../severity.ts';

/** What found it: a secret detector, the model-file analysis, an imported SARIF run, or a dependency check. */
export const HYGIENE_CHECKS = ['secret', 'model', 'sarif', 'dependency'] as const;
export type HygieneCheck = (typeof HYGIENE_CHECKS)[number];

/**
 * One hygiene finding. `message` never holds a found secret in full (a prefix and a hash); `fingerprint` is
 * stable across re-scans (rule and location, never the line number alone) and decides deduplication.
 */
export interface HygieneFinding {
  file: string;
  line?: number;
  check: HygieneCheck;
  rule: string;
  severity: Severity;
  message: string;
  fingerprint: string;
}

/** A hash the caller passes in (sha-256 hex in Embargo): the core reads no clock and imports no crypto. */
export type HashHex = (text: string) => string;

/** A finding before its fingerprint: `key` is what identifies it within its file and rule. */
export interface RawFinding extends Omit<HygieneFinding, 'fingerprint'> {
  key: string;
}

export const withFingerprint = (f: RawFinding, hash: HashHex): HygieneFinding => {
  const { key, ...rest } = f;
  return { ...rest, fingerprint: hash(`${f.check}\0${f.rule}\0${f.file}\0${key}`).slice(0, 32) };
};
