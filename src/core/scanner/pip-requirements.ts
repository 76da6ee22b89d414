import { parsePep440 } from '../versions/pep440.ts';
import { lockfileError } from './lockfile-error.ts';
import { resolveBeside } from './relative-path.ts';
import type { LockfileContents, ReadFile } from './types.ts';

/** Options that take a value and change nothing about what is installed. */
const VALUE_OPTIONS = new Set(['-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--trusted-host', '--no-binary', '--only-binary', '--use-feature', '--progress-bar']);
const FLAG_OPTIONS = new Set(['--no-index', '--pre', '--prefer-binary', '--require-hashes', '-Z', '--always-unzip']);
/** Options a requirement line may carry after the requirement itself. */
const PER_REQUIREMENT_OPTION = /\s--(?:hash|global-option|install-option|config-settings)(?:[=\s]\S+)/g;

const NAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?';
const REQUIREMENT = new RegExp(`^(${NAME})\\s*(?:\\[([^\\]]*)\\])?\\s*(.*)$`);
const SPECIFIER = /^\s*(===|~=|==|!=|<=|>=|<|>)\s*([^\s,;]+)\s*$/;

interface LogicalLine {
  text: string;
  line: number;
}

/** Physical lines joined at trailing backslashes, comments removed, each tagged with the line it starts on. */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = text.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    let joined = physical[i] ?? '';
    while (joined.endsWith('\\') && i + 1 < physical.length) joined = joined.slice(0, -1) + (physical[++i] ?? '');
    const withoutComment = joined.replace(/(?:^|\s)#.*$/, '').trim();
    if (withoutComment) out.push({ text: withoutComment, line: start + 1 });
  }
  return out;
}

/** `-r x`, `-rx`, `--requirement x`, `--requirement=x` → ['-r', 'x']. */
function readOption(text: string): [string, string] {
  const long = /^(--[a-z-]+)(?:[=\s]\s*(.*))?$/.exec(text);
  if (long) return [long[1] ?? '', (long[2] ?? '').trim()];
  return [text.slice(0, 2), text.slice(2).trim()];
}

/**
 * pip requirements files: `name[extras]==version ; markers --hash=…` lines are pinned; any other specifier is
 * reported as unpinned; URLs, paths, VCS links and editables as not from the registry. `-r` includes are read
 * through `readFile` relative to the including file (each file once); `-c` constraints install nothing.
 * Markers are not evaluated: a pin is checked whatever platform it is for.
 */
export function parseRequirements(text: string, file: string, readFile: ReadFile, seen = new Set<string>([file])): LockfileContents {
  const out: LockfileContents = { packages: [], unchecked: [] };
  for (const { text: entry, line } of logicalLines(text)) {
    if (entry.startsWith('-')) {
      const [option, value] = readOption(entry);
      if (option === '-r' || option === '--requirement') {
        if (!value) throw lockfileError(file, line, `${option} needs a file name`);
        const included = resolveBeside(file, value);
        if (seen.has(included)) continue;
        seen.add(included);
        const content = readFile(included);
        if (content === null) throw lockfileError(file, line, `cannot read included requirements file ${included}`);
        const inner = parseRequirements(content, included, readFile, seen);
        out.packages.push(...inner.packages);
        out.unchecked.push(...inner.unchecked);
      } else if (option === '-e' || option === '--editable') {
        out.unchecked.push({ ecosystem: 'PyPI', name: eggName(value) ?? value, spec: entry, reason: 'non-registry', line, file });
      } else if (!(VALUE_OPTIONS.has(option) || FLAG_OPTIONS.has(option) || option === '-c' || option === '--constraint')) {
        throw lockfileError(file, line, `unknown option ${option}`);
      }
      continue;
    }
    readRequirement(entry.replace(PER_REQUIREMENT_OPTION, ' ').trim(), line, file, out);
  }
  return out;
}

const eggName = (spec: string): string | null => /[#&]egg=([^&\s]+)/.exec(spec)?.[1] ?? null;

function readRequirement(entry: string, line: number, file: string, out: LockfileContents): void {
  if (/^(?:[a-z+]+:\/\/|\.|\/|[a-z]+\+)/i.test(entry) || /\.(?:whl|tar\.gz|zip)$/i.test(entry)) {
    out.unchecked.push({ ecosystem: 'PyPI', name: eggName(entry) ?? entry, spec: entry, reason: 'non-registry', line, file });
    return;
  }
  const m = REQUIREMENT.exec(entry);
  if (!m) throw lockfileError(file, line, `cannot read requirement ${JSON.stringify(entry)}`);
  const name = m[1] ?? '';
  const rest = (m[3] ?? '').split(';')[0]?.trim() ?? '';
  if (rest.startsWith('@')) {
    out.unchecked.push({ ecosystem: 'PyPI', name, spec: entry, reason: 'non-registry', line, file });
    return;
  }
  const specifiers = rest.replace(/^\((.*)\)$/, '$1').split(',').map((s) => s.trim()).filter(Boolean);
  const parsed = specifiers.map((s) => SPECIFIER.exec(s));
  const bad = parsed.findIndex((p) => !p);
  if (bad !== -1) throw lockfileError(file, line, `cannot read version specifier ${JSON.stringify(specifiers[bad])} of ${name}`);
  const only = parsed.length === 1 ? parsed[0] : null;
  const [op, version] = [only?.[1], only?.[2] ?? ''];
  if (op === '==' && !version.endsWith('.*')) {
    if (!parsePep440(version)) throw lockfileError(file, line, `${name}==${version}: not a PEP 440 version`);
    out.packages.push({ ecosystem: 'PyPI', name, version, line, file });
  } else if (op === '===') {
    out.packages.push({ ecosystem: 'PyPI', name, version, line, file });
  } else {
    out.unchecked.push({ ecosystem: 'PyPI', name, spec: entry, reason: 'unpinned', line, file });
  }
}
