import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { Command, Option } from 'commander';
import { sha256Hex } from '../../adapters/crypto/tokens.ts';
import { runHygieneChecks } from '../../adapters/hygiene/run-checks.ts';
import { folderTree } from '../../adapters/hygiene/tree.ts';
import { isDomainError } from '../../core/errors.ts';
import { renderHygieneSarif } from '../../core/hygiene/render-sarif.ts';
import type { HygieneFinding } from '../../core/hygiene/types.ts';
import { severityRank } from '../../core/severity.ts';
import { table } from '../output.ts';
import { packageVersion } from '../version.ts';

export const HYGIENE_FORMATS = ['table', 'json', 'sarif'] as const;
export type HygieneFormat = (typeof HYGIENE_FORMATS)[number];

export interface HygieneOptions {
  format: HygieneFormat;
  /** An allow-list file to use instead of each tree's own `.embargo-allow`. */
  allow?: string;
}

export interface HygieneIo {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Runs every hygiene check over the trees and returns the exit code: 0 clean, 1 findings, 2 an input could not
 * be read or is over the limits. A finding's `file` is the path as given plus its place in the tree; its
 * fingerprint depends only on the place in the tree, so it is the same from any working folder.
 */
export function runHygiene(paths: string[], options: HygieneOptions, io: HygieneIo): number {
  const errors: { file: string; message: string }[] = [];
  const findings: HygieneFinding[] = [];
  const skipped: { file: string; reason: string }[] = [];
  let files = 0;
  let allowed = 0;
  let allowText: string | undefined;
  if (options.allow) {
    try {
      allowText = readFileSync(options.allow, 'utf8');
    } catch (e) {
      io.err(`embargo: ${options.allow}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return 2;
    }
  }
  for (const root of paths) {
    try {
      const isFolder = statSync(root).isDirectory();
      const shown = (file: string): string => (isFolder ? posix.join(root.split('\\').join('/'), file) : file);
      const run = runHygieneChecks(folderTree(root), sha256Hex, allowText);
      files += run.files;
      allowed += run.allowed;
      findings.push(...run.findings.map((f) => ({ ...f, file: shown(f.file) })));
      skipped.push(...run.skipped.map((s) => ({ ...s, file: shown(s.file) })));
      for (const p of run.allowListProblems) io.err(`embargo: ${options.allow ?? posix.join(root, '.embargo-allow')}: ${p}`);
    } catch (e) {
      errors.push({ file: root, message: isDomainError(e) ? e.message : `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
  }
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  if (options.format === 'json') {
    io.out(JSON.stringify({ files, allowed, findings: findings.map(({ file, line, check, rule, severity, message, fingerprint }) => ({ file, ...(line !== undefined ? { line } : {}), check, rule, severity, message, fingerprint })), skipped, errors }, null, 2));
  } else if (options.format === 'sarif') {
    io.out(JSON.stringify(renderHygieneSarif(findings, packageVersion()), null, 2));
  } else {
    if (findings.length) {
      io.out(table(['SEVERITY', 'CHECK', 'RULE', 'WHERE', 'WHAT'], findings.map((f) => [f.severity, f.check, f.rule, `${f.file}${f.line ? `:${f.line}` : ''}`, f.message])));
    }
    io.out(`${files} file(s) checked: ${findings.length ? `${findings.length} finding(s)` : 'no findings'}${allowed ? `, ${allowed} allowed by the allow-list` : ''}`);
    for (const s of skipped) io.out(`  skipped ${s.file}: ${s.reason}`);
  }
  for (const e of errors) io.err(`embargo: ${e.message.startsWith(e.file) ? e.message : `${e.file}: ${e.message}`}`);
  if (errors.length) return 2;
  return findings.length ? 1 : 0;
}

/** `embargo hygiene PATH… [--format table|json|sarif] [--allow FILE]`. */
export function hygieneCommand(): Command {
  return new Command('hygiene')
    .description('search folders for hardcoded secrets and unsafe model files (pickles that import code, broken safetensors); exit 0 when clean, 1 on findings, 2 on an input error')
    .argument('<paths...>', 'folders or files (.git, node_modules, vendor and virtualenv folders skipped)')
    .addOption(new Option('--format <format>', 'output format').choices(HYGIENE_FORMATS).default('table'))
    .addOption(new Option('--allow <file>', "an allow-list file to use instead of each folder's .embargo-allow"))
    .action((paths: string[], opts: { format: HygieneFormat; allow?: string }) => {
      process.exitCode = runHygiene(paths, { format: opts.format, ...(opts.allow ? { allow: opts.allow } : {}) }, {
        out: (text) => void process.stdout.write(`${text}\n`),
        err: (text) => void process.stderr.write(`${text}\n`),
      });
    });
}
