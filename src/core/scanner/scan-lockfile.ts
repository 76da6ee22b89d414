import type { AdvisoryIndex } from './advisory-index.ts';
import { findVulnerabilities, type Finding } from './find-vulnerabilities.ts';
import { parseLockfile } from './parse-lockfile.ts';
import type { LockfileFormat, ReadFile, UncheckedDependency } from './types.ts';

export interface LockfileScan {
  file: string;
  format: LockfileFormat;
  /** Distinct registry packages checked. */
  packages: number;
  unchecked: UncheckedDependency[];
  findings: Finding[];
}

/** Parses one lockfile and matches its packages against the index. */
export function scanLockfile(file: string, text: string, index: AdvisoryIndex, readFile?: ReadFile): LockfileScan {
  const parsed = parseLockfile(file, text, readFile);
  return {
    file,
    format: parsed.format,
    packages: parsed.packages.length,
    unchecked: parsed.unchecked,
    findings: findVulnerabilities(parsed.packages, index),
  };
}
