import { DomainError } from '../errors.ts';

/** A lockfile Embargo cannot read: the message starts with `FILE:LINE:` so editors and CI can jump to it. */
export const lockfileError = (file: string, line: number, message: string): DomainError =>
  new DomainError('validation', `${file}:${line}: ${message}`, { file, line, problems: [{ field: file, message, line }] });

/** 1-based line of the character at `offset`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
