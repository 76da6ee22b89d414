import assert from 'node:assert/strict';
import type { TestServer } from './harness.ts';

/** Tables a rejected request must leave untouched. */
export const WRITE_TABLES = ['reports', 'attachments', 'audit_log', 'messages', 'report_events', 'report_sequences', 'api_tokens', 'users'] as const;
export type RowCounts = Record<(typeof WRITE_TABLES)[number] | 'issued_tracking_numbers', number>;

export async function rowCounts(rt: TestServer): Promise<RowCounts> {
  const counts = {} as RowCounts;
  for (const table of WRITE_TABLES) {
    const r = await rt.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(r.n);
  }
  // A sequence bumped but not rolled back would leave a gap in tracking IDs even though no report row exists.
  const seq = await rt.ctx.db.selectFrom('report_sequences').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('last_value'), eb.lit(0)).as('n')).executeTakeFirstOrThrow();
  counts.issued_tracking_numbers = Number(seq.n);
  return counts;
}

/** Runs `fn` and asserts that no row was added to or removed from any table in WRITE_TABLES. */
export async function assertNoWrites<T>(rt: TestServer, fn: () => Promise<T>, label = 'rejected request'): Promise<T> {
  const before = await rowCounts(rt);
  const result = await fn();
  assert.deepEqual(await rowCounts(rt), before, `${label} must not write anything`);
  return result;
}
