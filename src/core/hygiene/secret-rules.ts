import type { Severity } from '../severity.ts';

/**
 * The secret detectors, kept as data: each names the credential it finds, the regular expression (the secret is
 * capture group `group`), an optional minimum Shannon entropy of the secret (bits per character) below which a
 * match is a placeholder, and its severity. test/unit/hygiene/secret-rules.test.ts holds a true and a false
 * positive for every rule and fails for a rule without them.
 */
export interface SecretRule {
  id: string;
  title: string;
  pattern: string;
  flags?: string;
  group: number;
  minEntropy?: number;
  severity: Severity;
}

export const SECRET_RULES: readonly SecretRule[] = [
  { id: 'aws-access-key-id', title: 'AWS access key ID', pattern: String.raw`\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`, group: 1, minEntropy: 3, severity: 'high' },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    pattern: String.raw`aws[\w.-]{0,20}?(?:secret|private)[\w.-]{0,20}?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])`,
    flags: 'i',
    group: 1,
    minEntropy: 4,
    severity: 'critical',
  },
  { id: 'github-token', title: 'GitHub token', pattern: String.raw`\b(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,255})\b`, group: 1, minEntropy: 3.5, severity: 'critical' },
  { id: 'gitlab-token', title: 'GitLab token', pattern: String.raw`\b(gl(?:pat|dt|rt|ptt|cbt)-[A-Za-z0-9_-]{20,64})(?![A-Za-z0-9_-])`, group: 1, minEntropy: 3.5, severity: 'critical' },
  { id: 'slack-token', title: 'Slack token', pattern: String.raw`\b(xox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{10,})`, group: 1, minEntropy: 3, severity: 'high' },
  { id: 'slack-webhook', title: 'Slack incoming webhook', pattern: String.raw`(https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})`, group: 1, severity: 'high' },
  { id: 'stripe-live-key', title: 'Stripe live secret key', pattern: String.raw`\b((?:sk|rk)_live_[A-Za-z0-9]{20,247})\b`, group: 1, minEntropy: 3.5, severity: 'critical' },
  { id: 'google-api-key', title: 'Google API key', pattern: String.raw`\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])`, group: 1, minEntropy: 3.5, severity: 'high' },
  {
    id: 'private-key',
    title: 'Private key block',
    pattern: String.raw`(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----[\r\n]+(?:[A-Za-z0-9-]{1,40}: [^\r\n]{0,200}[\r\n]+){0,8}[A-Za-z0-9+/=\r\n]{64,20000}?-----END)`,
    group: 1,
    severity: 'critical',
  },
  {
    id: 'generic-secret',
    title: 'High-entropy value assigned to a secret-like name',
    pattern: String.raw`\b[\w.-]{0,40}(?:secret|token|passw(?:or)?d|passwd|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[\w-]{0,40}["']?\s*(?::=|=>|[:=])\s*["'\x60]([^"'\x60\s]{8,200})["'\x60]`,
    flags: 'i',
    group: 1,
    minEntropy: 3.2,
    severity: 'medium',
  },
];

/** A line holding this (in any comment syntax) is not searched for secrets. */
export const ALLOW_COMMENT = 'embargo:allow-secret';
