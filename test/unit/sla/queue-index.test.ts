import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReportState } from '../../../src/core/reports/states.ts';
import { computeDeadlines, summarize } from '../../../src/core/sla/clock.ts';
import { queueIndexOf, queueOrderOf, RANK_LAST, RANK_NO_DEADLINE, RANK_PAUSED, RANK_RUNNING } from '../../../src/core/sla/queue-index.ts';
import type { SlaEvent } from '../../../src/core/sla/types.ts';
import { personalChatter } from './seed-policies.ts';

const H = 3_600_000;
const at = (h: number) => new Date(Date.parse('2026-03-02T09:00:00Z') + h * H).toISOString();
const submitted: SlaEvent = { kind: 'submitted', at: at(0) };
const moved = (h: number, to: ReportState): SlaEvent => ({ kind: 'state', at: at(h), to });
const created = new Date(at(0));

const indexAt = (events: SlaEvent[], h: number, state: ReportState, severity: string | null = null) =>
  queueIndexOf({ state, severity, createdAt: created }, computeDeadlines(events, personalChatter, new Date(at(h))));

test('a running deadline places the report by its due instant, overdue or not, and names it', () => {
  for (const h of [1, 30]) {
    const index = indexAt([submitted], h, 'new');
    assert.equal(index.rank, RANK_RUNNING);
    assert.equal(index.nextClock, 'acknowledge');
    assert.equal(index.nextDueAt, at(24));
    assert.equal(index.key, Date.parse(at(24)), 'the key does not move with time');
    assert.deepEqual(
      index.deadlines.map((d) => [d.clock, d.rank, d.dueAt]),
      [
        ['acknowledge', RANK_RUNNING, at(24)],
        ['assess', RANK_RUNNING, at(72)],
        ['detailed_response', RANK_RUNNING, at(7 * 24)],
      ],
    );
  }
});

test('waiting on the reporter: rank after every running report, keyed by the time left', () => {
  const events = [submitted, moved(2, 'acknowledged'), moved(10, 'needs-info')];
  const index = indexAt(events, 10, 'needs-info');
  assert.equal(index.rank, RANK_PAUSED);
  const next = summarize(computeDeadlines(events, personalChatter, new Date(at(10))));
  assert.equal(next?.status, 'paused');
  assert.equal(index.nextClock, next?.clock);
  assert.equal(index.key, next?.remainingMs);
  assert.equal(indexAt(events, 40, 'needs-info').key, index.key, 'hours stand still while paused');
});

test('no outstanding deadline, or no longer open: ranked by severity, newest first', () => {
  const closed = [submitted, moved(1, 'acknowledged'), moved(2, 'rejected')];
  const critical = indexAt(closed, 3, 'rejected', 'critical');
  const unset = indexAt(closed, 3, 'rejected', null);
  assert.equal(critical.rank, RANK_NO_DEADLINE);
  assert.equal(unset.rank, RANK_LAST);
  assert.equal(critical.key, -created.getTime());
  assert.deepEqual([critical.nextDueAt, critical.nextClock, critical.deadlines], [null, null, []]);
  // A closed report keeps breached deadlines on record, but is out of the SLA view and the urgent ranks.
  const late = indexAt([submitted, moved(200, 'rejected')], 201, 'rejected', 'low');
  assert.equal(late.rank, RANK_NO_DEADLINE + 3);
  assert.deepEqual(late.deadlines, []);
});

test('queueOrderOf sorts as strings exactly like (rank, key, id)', () => {
  const ids = ['00000000-0000-0000-0000-000000000001', 'ffffffff-0000-0000-0000-000000000000'];
  const positions: [number, number, string][] = [];
  for (const rank of [0, 1, 2, 7]) for (const key of [-1_800_000_000_000, -5, 0, 7, 259_200_000, 1_790_000_000_000, 4_100_000_000_000]) for (const id of ids) positions.push([rank, key, id]);
  const byTuple = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  const byString = [...positions].sort((a, b) => (queueOrderOf(...a) < queueOrderOf(...b) ? -1 : 1));
  assert.deepEqual(byString, byTuple);
});
