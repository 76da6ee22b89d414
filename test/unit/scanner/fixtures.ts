import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLockfile } from '../../../src/core/scanner/parse-lockfile.ts';
import type { ParsedLockfile } from '../../../src/core/scanner/types.ts';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'scanner');

export const fixtureText = (relative: string): string => readFileSync(join(FIXTURES, relative), 'utf8');

/** Reads files the way the CLI does: null when missing. */
export const readFixtureFile = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Parses a fixture lockfile; `relative` is under test/fixtures/scanner. */
export const parseFixture = (relative: string): ParsedLockfile => parseLockfile(join(FIXTURES, relative), fixtureText(relative), readFixtureFile);

/** `name@version` of every package, sorted, for compact assertions. */
export const nameVersions = (parsed: ParsedLockfile): string[] => parsed.packages.map((p) => `${p.name}@${p.version}`).sort();
