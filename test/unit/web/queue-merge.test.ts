import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasMore, showMore, startMerge, type FetchPage } from '../../../web/src/queue-merge.ts';

/** Sorted streams served a page at a time, counting the fetches. */
function streams(data: Record<string, string[]>, pageSize: number) {
  const fetches: string[] = [];
  const fetch: FetchPage<string> = async (key, cursor) => {
    fetches.push(`${key}@${cursor ?? 0}`);
    const from = Number(cursor ?? 0);
    const rows = data[key] ?? [];
    const items = rows.slice(from, from + pageSize);
    return { items, next: from + pageSize < rows.length ? String(from + pageSize) : null };
  };
  return { fetch, fetches };
}

const id = (s: string) => s;

test('merges sorted project queues into one order, every row once, fetching only what is shown', async () => {
  const data = { a: ['a1', 'c1', 'e1', 'g1', 'h1'], b: ['b1', 'd1'], c: [] as string[], d: ['f1', 'z1', 'z2', 'z3', 'z4', 'z5'] };
  const { fetch, fetches } = streams(data, 2);
  let m = startMerge<string>(Object.keys(data));
  m = await showMore(m, 3, id, fetch);
  assert.deepEqual(m.shown, ['a1', 'b1', 'c1']);
  assert.deepEqual(fetches.sort(), ['a@0', 'b@0', 'c@0', 'd@0'], 'one first page each, no more');
  assert.equal(hasMore(m), true);
  const before = m;
  m = await showMore(m, 4, id, fetch);
  assert.deepEqual(m.shown, ['a1', 'b1', 'c1', 'd1', 'e1', 'f1', 'g1']);
  assert.deepEqual(before.shown, ['a1', 'b1', 'c1'], 'the old state is left as it was');
  m = await showMore(m, 100, id, fetch);
  assert.deepEqual(m.shown, [...Object.values(data).flat()].sort());
  assert.equal(hasMore(m), false);
  assert.deepEqual(await showMore(m, 5, id, fetch), m, 'nothing more');
});

test('a page that comes back empty but says there is more is followed', async () => {
  let calls = 0;
  const fetch: FetchPage<string> = async (_key, cursor) => {
    calls++;
    if (cursor === null) return { items: [], next: 'x' };
    return { items: ['only'], next: null };
  };
  const m = await showMore(startMerge<string>(['p']), 10, id, fetch);
  assert.deepEqual(m.shown, ['only']);
  assert.equal(calls, 2);
});
