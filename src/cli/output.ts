import type { FieldProblem } from '../core/errors.ts';

export const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
export const err = (text: string): void => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);

/** `FILE:LINE: field: message`, the shape editors and CI annotators jump to. */
export const fileProblem = (file: string, p: FieldProblem): string =>
  `${file}${p.line === undefined ? '' : `:${p.line}`}: ${p.field}: ${p.message}`;

export const indentedProblem = (p: FieldProblem): string => `  ${p.field}: ${p.message}${p.line === undefined ? '' : ` (line ${p.line})`}`;

/** Columns padded to their widest cell, separated by two spaces. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** "2d 4h", "3h 20m", "45m"; negative (overdue) durations keep their sign: "-3h 20m". */
export function humanDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const sign = ms < 0 && minutes > 0 ? '-' : '';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return sign + (d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`);
}
