import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLockfile } from '../../core/scanner/parse-lockfile.ts';
import type { ParsedLockfile, ReadFile } from '../../core/scanner/types.ts';

const MAGIC = 'EMBARGO-LOCKFILE-CACHE 1';
/** Entries kept: the oldest beyond this are removed when one is written. */
const MAX_ENTRIES = 256;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface Entry {
  /** Files the parser asked `readFile` for, with the sha256 of what it got (null: unreadable). */
  includes: [string, string | null][];
  parsed: ParsedLockfile;
}

/**
 * `parseLockfile` through a cache of parsed lockfiles in `dir`, one file per (Embargo version, path as named,
 * content hash): a lockfile that did not change is not parsed again. Files it includes (requirements `-r`) are
 * read again and must hash as they did. An entry that does not verify is parsed again and rewritten; a cache
 * that cannot be written only costs the parse. Errors are never cached.
 */
export function parseLockfileCached(file: string, text: string, readFile: ReadFile, dir: string | null, version: string): ParsedLockfile {
  if (!dir) return parseLockfile(file, text, readFile);
  const key = createHash('sha256').update(`${version}\0${file}\0`).update(text).digest('hex');
  const path = join(dir, `${key}.json`);
  const hit = readEntry(path, readFile);
  if (hit) return hit;
  const includes: [string, string | null][] = [];
  const parsed = parseLockfile(file, text, (p) => {
    const content = readFile(p);
    includes.push([p, content === null ? null : sha256(content)]);
    return content;
  });
  writeEntry(dir, path, { includes, parsed });
  return parsed;
}

function readEntry(path: string, readFile: ReadFile): ParsedLockfile | null {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const newline = raw.indexOf('\n');
  const body = raw.slice(newline + 1);
  if (newline < 0 || raw.slice(0, newline) !== `${MAGIC} ${sha256(body)}`) return null;
  try {
    const entry = JSON.parse(body) as Entry;
    for (const [p, hash] of entry.includes) {
      const content = readFile(p);
      if ((content === null ? null : sha256(content)) !== hash) return null;
    }
    return entry.parsed;
  } catch {
    return null;
  }
}

function writeEntry(dir: string, path: string, entry: Entry): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    const body = JSON.stringify(entry);
    writeFileSync(temporary, `${MAGIC} ${sha256(body)}\n${body}`);
    renameSync(temporary, path);
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    if (names.length > MAX_ENTRIES) {
      const byAge = names.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
      for (const { n } of byAge.slice(0, names.length - MAX_ENTRIES)) rmSync(join(dir, n), { force: true });
    }
  } catch {
    // Only an optimisation: the next scan parses again.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}
