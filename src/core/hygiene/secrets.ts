import { ALLOW_COMMENT, SECRET_RULES, type SecretRule } from './secret-rules.ts';
import type { HashHex, RawFinding } from './types.ts';

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Values that are not secrets whatever their shape: documentation examples (AWS's `AKIAIOSFODNN7EXAMPLE`),
 * templates (`<your-token>`, `${TOKEN}`, `{{ secret }}`, `%(pw)s`), masks and the usual stand-ins.
 */
const PLACEHOLDER = /example|<[^>]*>|\$\{|\{\{|%\(|\$\(|changeme|change_me|placeholder|dummy|redacted|your[_-]|^[x*.#-]+$|(.)\1{5,}/i;
/** The name of an environment lookup or a variable, not a value (`password = "$DB_PASSWORD"`). */
const REFERENCE = /^\$[A-Za-z_]\w*$|^process\.env|os\.environ|getenv\(/;

export const isPlaceholder = (value: string): boolean => PLACEHOLDER.test(value) || REFERENCE.test(value);

/**
 * For the generic rule only (a name like `*_SECRET` assigned a string): values that read as words or paths, not
 * as a generated credential — `same-origin`, `/app/reset-password`, `a-long-shared-secret-for-tests`.
 */
const WORDY = /^[a-z][a-z0-9]*(?:[-_. ][a-z0-9]+)+$|^[./~]|^https?:|secret|passw|token|test|sample|fake|never|not-the-real|abcdef|123456|qwerty/i;
export const isWordy = (value: string): boolean => WORDY.test(value) || /^[a-z]+$/i.test(value);

/** A secret as it may be shown: a short prefix, its length and a hash, never the value. */
export function redact(secret: string, hash: HashHex): string {
  const shown = secret.startsWith('-----') ? '' : secret.slice(0, Math.min(4, Math.floor(secret.length / 4)));
  return `${shown}… (${secret.length} chars, sha256:${secretHash(secret, hash)})`;
}

/** The 12 hex digits that name a secret in output and in the allow-list file. */
export const secretHash = (secret: string, hash: HashHex): string => hash(secret).slice(0, 12);

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

const compiled = new WeakMap<SecretRule, RegExp>();
const regexOf = (rule: SecretRule): RegExp => {
  let re = compiled.get(rule);
  if (!re) {
    re = new RegExp(rule.pattern, `g${rule.flags ?? ''}`);
    compiled.set(rule, re);
  }
  re.lastIndex = 0;
  return re;
};

/** At most this many secrets are reported per file (a dump of keys is one problem, not ten thousand). */
export const MAX_SECRETS_PER_FILE = 100;

/**
 * The secrets in one text file: every rule's matches, less placeholders, values below the rule's entropy, lines
 * carrying the allow comment, and a match another rule already reported at the same place. Each finding's
 * message shows the secret redacted; `key` is its hash, so a re-scan of a moved line keeps its fingerprint.
 */
export function scanSecrets(file: string, text: string, hash: HashHex, rules: readonly SecretRule[] = SECRET_RULES): RawFinding[] {
  const starts = lineStarts(text);
  const found: RawFinding[] = [];
  const taken = new Set<string>();
  for (const rule of rules) {
    const re = regexOf(rule);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex++;
      const secret = m[rule.group];
      if (!secret) continue;
      const index = m.index + m[0].indexOf(secret);
      const line = lineAt(starts, index);
      const lineText = text.slice(starts[line - 1] ?? 0, starts[line] ?? text.length);
      if (lineText.includes(ALLOW_COMMENT)) continue;
      if (rule.id !== 'private-key' && isPlaceholder(secret)) continue;
      if (rule.id === 'generic-secret' && isWordy(secret)) continue;
      if (rule.minEntropy !== undefined && entropy(secret) < rule.minEntropy) continue;
      const where = `${line}\0${secret}`;
      if (taken.has(where) || [...taken].some((t) => t.startsWith(`${line}\0`) && (t.includes(secret) || secret.includes(t.slice(t.indexOf('\0') + 1))))) continue;
      taken.add(where);
      found.push({ file, line, check: 'secret', rule: rule.id, severity: rule.severity, message: `${rule.title}: ${redact(secret, hash)}`, key: secretHash(secret, hash) });
      if (found.length >= MAX_SECRETS_PER_FILE) return found;
    }
  }
  return found.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
