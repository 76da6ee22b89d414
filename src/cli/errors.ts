import { isDomainError, type FieldProblem } from '../core/errors.ts';

/** A failure the CLI explains itself; `lines` are printed after the message (problems, hints). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly lines: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** An error answer of the HTTP API, in the shape the server's error mapping produces. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Field problems carried by a domain error or an API error, whichever mode produced it. */
export function problemsOf(e: unknown): FieldProblem[] {
  if (e instanceof ApiError) return e.problems;
  if (isDomainError(e) && Array.isArray(e.details.problems)) return e.details.problems as FieldProblem[];
  return [];
}

/** The error code of a domain or API error, or null for anything else. */
export const codeOf = (e: unknown): string | null => (e instanceof ApiError || isDomainError(e) ? e.code : null);
