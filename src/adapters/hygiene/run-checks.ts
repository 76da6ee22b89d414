import { isDomainError } from '../../core/errors.ts';
import { ALLOW_FILE, isAllowed, isPathAllowed, parseAllowList, type AllowList } from '../../core/hygiene/allow-list.ts';
import { modelKind } from '../../core/hygiene/model-findings.ts';
import { scanSecrets } from '../../core/hygiene/secrets.ts';
import { withFingerprint, type HashHex, type HygieneFinding, type RawFinding } from '../../core/hygiene/types.ts';
import { checkModelFile } from './model-file.ts';
import type { TreeFile } from './tree.ts';

/** Text files larger than this are not searched for secrets (generated bundles, data dumps). */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;

export interface HygieneRun {
  findings: HygieneFinding[];
  files: number;
  /** Files not examined, and why (too large, unreadable). */
  skipped: { file: string; reason: string }[];
  allowed: number;
  allowListProblems: string[];
}

const isBinary = (bytes: Buffer): boolean => bytes.subarray(0, 8000).includes(0);

/**
 * Every check over a tree: secrets in text files, pickles and safetensors among model files, then the
 * allow-list (`.embargo-allow` at the root, or `allowList`). Limits come from the tree; a file that cannot be
 * read is skipped with its reason, never a crash of the whole scan.
 */
export function runHygieneChecks(files: readonly TreeFile[], hash: HashHex, allowListText?: string): HygieneRun {
  const allowFile = files.find((f) => f.path === ALLOW_FILE);
  let text = allowListText;
  if (text === undefined && allowFile && allowFile.size < 1024 * 1024) {
    const s = allowFile.open();
    text = s.read(0, s.size).toString('utf8');
    allowFile.close?.();
  }
  const allow: AllowList = parseAllowList(text ?? '');
  const run: HygieneRun = { findings: [], files: 0, skipped: [], allowed: 0, allowListProblems: allow.problems };
  for (const f of files) {
    if (f.path === ALLOW_FILE || isPathAllowed(allow, f.path)) continue;
    run.files++;
    let raw: RawFinding[] = [];
    try {
      const source = f.open();
      if (modelKind(f.path)) raw = checkModelFile(f.path, source);
      else if (f.size > MAX_TEXT_BYTES) run.skipped.push({ file: f.path, reason: `over ${MAX_TEXT_BYTES >> 20} MB: not searched for secrets` });
      else {
        const bytes = source.read(0, f.size);
        if (!isBinary(bytes)) raw = scanSecrets(f.path, bytes.toString('utf8'), hash);
      }
    } catch (e) {
      if (!isDomainError(e) && !(e as NodeJS.ErrnoException).code) throw e;
      run.skipped.push({ file: f.path, reason: (e as Error).message });
    } finally {
      f.close?.();
    }
    for (const r of raw) {
      const finding = withFingerprint(r, hash);
      if (isAllowed(allow, finding)) run.allowed++;
      else run.findings.push(finding);
    }
  }
  return run;
}
