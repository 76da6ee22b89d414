import { createHash } from 'node:crypto';
import { DomainError } from '../core/errors.ts';

/** Keyset pagination: a page is "the next `limit` rows after this position" in an indexed order. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface PageRequest {
  limit?: number | undefined;
  /** The `nextCursor` of the previous page; absent for the first. */
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Where the next page starts, or null when this one is the last. */
  nextCursor: string | null;
}

export type Position = readonly (string | number)[];
type Shape = readonly ('int' | 'uuid' | 'text')[];

export const pageSize = (limit: number | undefined): number => Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(limit ?? DEFAULT_PAGE_SIZE)));

const fingerprint = (list: string, filter: unknown): string => createHash('sha256').update(`${list}\n${JSON.stringify(filter)}`).digest('base64url').slice(0, 12);

/**
 * An opaque cursor: the position of the last row of a page in one list, bound to that list and its filters (a
 * cursor used with other filters is refused rather than silently continuing another list). Not a secret: forging
 * one only moves where a page starts within what the caller may read anyway.
 */
export function encodeCursor(list: string, filter: unknown, position: Position): string {
  return Buffer.from(JSON.stringify({ f: fingerprint(list, filter), p: position })).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeCursor(list: string, filter: unknown, cursor: string, shape: Shape): Position {
  const refuse = (why: string) => DomainError.validation([{ field: 'cursor', message: why }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('is not a cursor given by this list');
  }
  const { f, p } = (parsed ?? {}) as { f?: unknown; p?: unknown };
  if (!Array.isArray(p) || p.length !== shape.length || typeof f !== 'string') throw refuse('is not a cursor given by this list');
  const valid = shape.every((kind, i) => {
    const v: unknown = p[i];
    if (kind === 'int') return typeof v === 'number' && Number.isSafeInteger(v);
    if (kind === 'uuid') return typeof v === 'string' && UUID.test(v);
    return typeof v === 'string' && v.length <= 200;
  });
  if (!valid) throw refuse('is not a cursor given by this list');
  if (f !== fingerprint(list, filter)) throw refuse('belongs to the same list with other filters: start again from the first page');
  return p as Position;
}
