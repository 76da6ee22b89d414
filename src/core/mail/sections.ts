/**
 * A mailed report is free text, but policies may require fields (steps to reproduce, impact …). A reporter can
 * give them as labelled sections — a line starting with the label and a colon, optionally a Markdown heading:
 *
 *   Steps to reproduce:
 *   1. …
 *   Impact: arbitrary file read
 *
 * Text before the first label is the description. Labels are matched case-insensitively, only at line starts.
 */

export type MailField = 'steps_to_reproduce' | 'impact' | 'affected_version' | 'environment' | 'proof_of_concept' | 'suggested_fix' | 'category' | 'cvss_vector' | 'ai_disclosure';

export const SECTION_LABELS: ReadonlyArray<readonly [string, MailField]> = [
  ['steps to reproduce', 'steps_to_reproduce'],
  ['impact', 'impact'],
  ['affected version', 'affected_version'],
  ['environment', 'environment'],
  ['proof of concept', 'proof_of_concept'],
  ['suggested fix', 'suggested_fix'],
  ['category', 'category'],
  ['cvss vector', 'cvss_vector'],
  ['cvss', 'cvss_vector'],
  ['ai tools', 'ai_disclosure'],
  ['ai use', 'ai_disclosure'],
  ['ai disclosure', 'ai_disclosure'],
];

const LABEL_LINE = new RegExp(`^[ \\t]*(?:#{1,6}[ \\t]*)?(?:\\*\\*)?(${SECTION_LABELS.map(([l]) => l.replace(/ /g, '[ \\t]+')).join('|')})(?:\\*\\*)?[ \\t]*:(?:\\*\\*)?[ \\t]*(.*)$`, 'i');

export interface MailSections {
  description: string;
  fields: Partial<Record<MailField, string>>;
}

export function splitSections(text: string): MailSections {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const description: string[] = [];
  const fields: Partial<Record<MailField, string[]>> = {};
  let current: string[] = description;
  for (const line of lines) {
    const m = LABEL_LINE.exec(line);
    if (m) {
      const label = (m[1] as string).toLowerCase().replace(/[ \t]+/g, ' ');
      const field = SECTION_LABELS.find(([l]) => l === label)?.[1] as MailField;
      // A repeated label continues the same field rather than dropping the first one.
      current = fields[field] ?? (fields[field] = []);
      if (m[2]?.trim()) current.push(m[2]);
      continue;
    }
    current.push(line);
  }
  const out: Partial<Record<MailField, string>> = {};
  for (const [k, v] of Object.entries(fields) as Array<[MailField, string[]]>) {
    const t = v.join('\n').trim();
    if (t) out[k] = t;
  }
  const desc = description.join('\n').trim();
  return { description: desc || text.trim(), fields: out };
}
