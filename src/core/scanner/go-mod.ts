import { parseGoVersion, withoutGoPrefix } from '../versions/go.ts';
import { lockfileError } from './lockfile-error.ts';
import type { LockfileContents } from './types.ts';

interface Require {
  path: string;
  version: string;
  line: number;
}

interface Replace {
  path: string;
  version: string | null;
  target: string;
  targetVersion: string | null;
}

const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'replace', 'exclude', 'retract', 'tool', 'ignore']);

/** Fields of one go.mod line: `"quoted"` and `` `raw` `` paths unquoted, `//` comments dropped. */
function fields(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\/\/.*)|(\S+)/g)) {
    if (m[3] !== undefined) break;
    out.push(m[1] ?? m[2] ?? m[4] ?? '');
  }
  return out;
}

/** Local directories replace a module with the project's own code (Go: a path starting with ./, ../ or /). */
const isLocalPath = (target: string): boolean => /^(?:\.\.?[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(target) || target === '.' || target === '..';

/**
 * go.mod: every `require` (Go 1.17+ lists the whole build list), after `replace` directives: a module replaced by
 * another module is reported as the replacement; one replaced by a local folder is the project's own code.
 * The `go` line is a minimum language version, not the toolchain that builds, so the standard library is not checked.
 */
export function parseGoMod(text: string, file: string): LockfileContents {
  const requires: Require[] = [];
  const replaces: Replace[] = [];
  let block: { verb: string; line: number } | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const f = fields(lines[i] ?? '');
    if (!f.length) continue;
    if (block) {
      if (f[0] === ')' && f.length === 1) block = null;
      else readDirective(block.verb, f, line, file, requires, replaces);
      continue;
    }
    const [verb, ...args] = f;
    if (!DIRECTIVES.has(verb ?? '')) throw lockfileError(file, line, `unknown directive ${JSON.stringify(verb)}`);
    if (args.length === 1 && args[0] === '(') block = { verb: verb ?? '', line };
    else readDirective(verb ?? '', args, line, file, requires, replaces);
  }
  if (block) throw lockfileError(file, block.line, `${block.verb} ( block is not closed`);
  const out: LockfileContents = { packages: [], unchecked: [] };
  for (const req of requires) {
    // A replacement of this very version takes precedence over one of every version.
    const rep = replaces.find((r) => r.path === req.path && r.version === req.version) ?? replaces.find((r) => r.path === req.path && r.version === null);
    if (rep?.targetVersion === null) continue;
    const [path, version] = rep ? [rep.target, rep.targetVersion ?? ''] : [req.path, req.version];
    out.packages.push({ ecosystem: 'Go', name: path, version: withoutGoPrefix(version), line: req.line, file });
  }
  return out;
}

function readDirective(verb: string, args: string[], line: number, file: string, requires: Require[], replaces: Replace[]): void {
  const checkVersion = (v: string | undefined): string => {
    if (!v || !parseGoVersion(v) || !v.startsWith('v')) throw lockfileError(file, line, `${JSON.stringify(v ?? '')} is not a module version`);
    return v;
  };
  if (verb === 'require') {
    if (args.length !== 2) throw lockfileError(file, line, 'require needs a module path and a version');
    requires.push({ path: args[0] ?? '', version: checkVersion(args[1]), line });
  } else if (verb === 'replace') {
    const arrow = args.indexOf('=>');
    const [left, right] = [args.slice(0, arrow), args.slice(arrow + 1)];
    if (arrow === -1 || left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
      throw lockfileError(file, line, 'replace needs `path [version] => path [version]`');
    }
    if (right.length === 1 && !isLocalPath(right[0] ?? '')) throw lockfileError(file, line, 'a replacement module needs a version');
    replaces.push({
      path: left[0] ?? '',
      version: left[1] === undefined ? null : checkVersion(left[1]),
      target: right[0] ?? '',
      targetVersion: right[1] === undefined ? null : checkVersion(right[1]),
    });
  }
}
