import type { FieldProblem } from '../errors.ts';
import { expiresProblem } from './expires.ts';
import { LANGUAGE_TAG, RFC3339, hasScheme } from './formats.ts';

/** RFC 9116 §2.5 fields (plus CSAF, registered by CSAF 2.0 §7.1.8) with the URI schemes each accepts. */
const URI_SCHEMES: Record<string, readonly string[]> = {
  Acknowledgments: ['https:'],
  Canonical: ['https:'],
  Contact: ['https:', 'mailto:', 'tel:'],
  CSAF: ['https:'],
  Encryption: ['https:', 'dns:', 'openpgp4fpr:'],
  Hiring: ['https:'],
  Policy: ['https:'],
};
const KNOWN = [...Object.keys(URI_SCHEMES), 'Expires', 'Preferred-Languages'];
const FIELD_LINE = /^([A-Za-z0-9-]+):[ \t]*(.*?)[ \t]*$/;

interface Line {
  text: string;
  number: number;
}

/** The signed body of an OpenPGP cleartext signature (RFC 4880 §7), else every line. */
function bodyLines(text: string): Line[] {
  const all = text.split(/\r?\n/).map((t, i) => ({ text: t, number: i + 1 }));
  if (all[0]?.text !== '-----BEGIN PGP SIGNED MESSAGE-----') return all;
  const start = all.findIndex((l, i) => i > 0 && l.text === '');
  const end = all.findIndex((l) => l.text === '-----BEGIN PGP SIGNATURE-----');
  return all.slice(start + 1, end < 0 ? undefined : end).map((l) => ({ ...l, text: l.text.replace(/^- /, '') }));
}

const canonicalName = (name: string): string => KNOWN.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;

/** Checks a security.txt against RFC 9116 at `now`; unknown fields are allowed as the RFC requires. */
export function validateSecurityTxt(text: string, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  for (const { text: line, number } of bodyLines(text)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = FIELD_LINE.exec(line);
    if (!m) {
      problems.push({ field: '(line)', message: 'must be a "Field: value" line, a # comment or blank', line: number });
      continue;
    }
    const name = canonicalName(m[1] ?? '');
    const value = m[2] ?? '';
    seen.set(name, (seen.get(name) ?? 0) + 1);
    const at = (message: string): void => void problems.push({ field: name, message, line: number });
    const schemes = URI_SCHEMES[name];
    if (schemes && !hasScheme(value, schemes)) at(`must be a URI starting with ${schemes.join(' or ')}`);
    if (name === 'Expires') {
      if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) at('must be an RFC 3339 date-time such as 2026-12-31T23:59:59Z');
      else {
        const problem = expiresProblem(new Date(value), now);
        if (problem) at(problem);
      }
      if (seen.get(name) === 2) at('must appear only once');
    }
    if (name === 'Preferred-Languages') {
      if (!value.split(',').every((tag) => LANGUAGE_TAG.test(tag.trim()))) at('must be comma-separated language tags such as en, de');
      if (seen.get(name) === 2) at('must appear only once');
    }
  }
  if (!seen.has('Contact')) problems.push({ field: 'Contact', message: 'at least one Contact field is required' });
  if (!seen.has('Expires')) problems.push({ field: 'Expires', message: 'an Expires field is required' });
  return problems;
}
