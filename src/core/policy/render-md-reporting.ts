import { formatDuration, parseDuration } from './duration.ts';
import { blocks, bullets, link, mailLink, sentence, table } from './markdown.ts';
import type { PhaseCommitment, Policy, ReportFieldName, ResponseTimes, SupportStatus } from './types.ts';

const STATUS_WORDS: Record<SupportStatus, string> = {
  supported: 'Supported',
  limited: 'Limited support',
  unsupported: 'Not supported',
};

const FIELD_WORDS: Record<ReportFieldName, string> = {
  steps_to_reproduce: 'steps to reproduce',
  impact: 'the impact',
  affected_version: 'the affected version',
  environment: 'your environment',
  proof_of_concept: 'a proof of concept',
  suggested_fix: 'a suggested fix',
  category: 'the vulnerability category',
  cvss_vector: 'a CVSS vector',
  reporter_email: 'your contact email',
};

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'] as const;

export const durationWords = (text: string): string => formatDuration(parseDuration(text));
export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function renderVersions(policy: Policy): string {
  const withNotes = policy.supported_versions.some((v) => v.note);
  const rows = policy.supported_versions.map((v) => [v.label, STATUS_WORDS[v.status], ...(withNotes ? [v.note ?? ''] : [])]);
  return blocks(
    '## Supported Versions',
    `Security updates are provided for the following versions of ${policy.project.name}:`,
    table(['Version', 'Status', ...(withNotes ? ['Notes'] : [])], rows),
  );
}

export function renderReporting(policy: Policy, reportUrl: string | undefined): string {
  const { contacts, intake } = policy;
  const channels = [
    reportUrl && `**Web form**: ${link(reportUrl)} (you receive a tracking ID and a private link to follow your report)`,
    contacts.email && `**Email**: ${mailLink(contacts.email)}`,
    ...(contacts.other ?? []).map((c) => `**${c.label}**${channelTarget(c)}`),
  ].filter((c): c is string => typeof c === 'string');
  const required = intake.required_fields ?? [];
  return blocks(
    '## Reporting a Vulnerability',
    intake.no_public_issues && '**Please do not report security vulnerabilities through public issues.**',
    `Instead, report them privately through ${channels.length > 1 ? 'one of these channels' : 'this channel'}:`,
    bullets(channels),
    contacts.pgp?.availability === 'published' && 'You may encrypt your report with our PGP key (see Encrypted Communication).',
    intake.requested_information.length > 0 && blocks('### What to Include', 'Please include the following information:', bullets(intake.requested_information)),
    required.length > 0 && `A report must include ${joinWords(required.map((f) => FIELD_WORDS[f]))}.`,
    intake.require_terms_acceptance && 'Submitting a report means accepting the terms of this policy (see Safe Harbor).',
  );
}

export function channelTarget(c: { url?: string; email?: string; note?: string }): string {
  const target = [c.url && link(c.url), c.email && mailLink(c.email)].filter(Boolean).join(', ');
  const parts = [target, c.note].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? `: ${parts.join(' — ')}` : '';
}

export function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function usesBusinessDays(response: ResponseTimes): boolean {
  const phases = [response.acknowledge, response.assess, response.detailed_response, response.update_cadence, ...Object.values(response.fix ?? {})];
  return phases.some((p) => p && [p.within, p.target].some((d) => d !== undefined && parseDuration(d).unit === 'business_days'));
}

/** [1,2,3,4,7] → "Monday to Thursday and Sunday". */
function weekdayWords(days: number[]): string {
  const name = (d: number): string => WEEKDAYS[d - 1] ?? String(d);
  const runs: number[][] = [];
  for (const day of [...days].sort((a, b) => a - b)) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] === day - 1) run.push(day);
    else runs.push([day]);
  }
  const words = runs.flatMap((run) => (run.length > 2 ? [`${name(run[0] ?? 1)} to ${name(run[run.length - 1] ?? 7)}`] : run.map(name)));
  return joinWords(words);
}

function clockNote(response: ResponseTimes): string {
  const zone = `Times are counted in the ${response.timezone} time zone.`;
  if (!usesBusinessDays(response)) return zone;
  const holidays = response.holidays ?? [];
  return `${zone} Business days are ${weekdayWords(response.business_days ?? [1, 2, 3, 4, 5])}${
    holidays.length > 0 ? `, excluding ${joinWords(holidays)}` : ''
  }.`;
}

const phaseRow = (phase: string, p: PhaseCommitment, deadline = durationWords(p.within)): string[] => [
  phase,
  p.text ?? '',
  p.target ? durationWords(p.target) : '',
  deadline,
];

/** The Goal column only appears when some phase has an earlier target. */
function phaseTable(first: string, rows: string[][]): string {
  const withGoal = rows.some((r) => r[2] !== '');
  const pick = (r: string[]): string[] => (withGoal ? r : r.filter((_, i) => i !== 2));
  return table(pick([first, 'What we do', 'Goal', 'At the latest']), rows.map(pick));
}

export function renderTimeline(response: ResponseTimes): string {
  const rows = [
    response.acknowledge && phaseRow('Acknowledgment', response.acknowledge),
    response.assess && phaseRow('Assessment', response.assess),
    response.detailed_response && phaseRow('Detailed response', response.detailed_response),
    response.update_cadence && phaseRow('Progress updates', response.update_cadence, `at least every ${durationWords(response.update_cadence.within)}`),
  ].filter((r): r is string[] => Array.isArray(r));
  const fixRows = SEVERITY_ORDER.flatMap((s) => {
    const p = response.fix?.[s];
    return p ? [phaseRow(capitalize(s), p)] : [];
  });
  const promises = response.promises ?? [];
  if (rows.length + fixRows.length + promises.length === 0) return '';
  return blocks(
    '## Response Timeline',
    rows.length > 0 && 'Counted from when your report reaches us:',
    rows.length > 0 && phaseTable('Phase', rows),
    promises.length > 0 && bullets(promises.map(sentence)),
    fixRows.length > 0 &&
      blocks('### Fix Deadlines', 'Counted from when we accept the report, by severity:', phaseTable('Severity', fixRows)),
    clockNote(response),
  );
}
