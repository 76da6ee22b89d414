import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SlaPolicy } from '../../../src/core/sla/clock.ts';
import { keptDeadlines, type PolicyVersion } from '../../../src/core/sla/promises.ts';
import type { SlaEvent } from '../../../src/core/sla/types.ts';
import type { ResponseTimes } from '../../../src/core/policy/types.ts';
import { privastream } from './seed-policies.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-03-02T10:00:00Z');
const at = (hours: number): string => new Date(T0 + hours * H).toISOString();
/** privastream's promises with only these response clocks (UTC, no disclosure date). */
const withResponse = (response: Omit<ResponseTimes, 'timezone'>): SlaPolicy => ({ response: { timezone: 'UTC', ...response }, disclosure: privastream.disclosure });
const ack = (within: string): SlaPolicy => withResponse({ acknowledge: { within } });
const version = (n: number, madeAtHours: number, policy: SlaPolicy): PolicyVersion => ({ version: n, effectiveAt: at(madeAtHours), policy });
const submitted: SlaEvent = { kind: 'submitted', at: at(0) };
const due = (events: SlaEvent[], versions: PolicyVersion[], nowHours: number) => keptDeadlines(events, versions, new Date(T0 + nowHours * H)).find((d) => d.clock === 'acknowledge');

describe('promises kept as made', () => {
  test('a less generous version leaves the promise; a more generous one wins; stepping back keeps the better one', () => {
    assert.equal(due([submitted], [version(1, -1, ack('48h')), version(2, 1, ack('72h'))], 2)?.dueAt, at(48));
    assert.equal(due([submitted], [version(1, -1, ack('48h')), version(2, 1, ack('24h'))], 2)?.dueAt, at(24));
    assert.equal(due([submitted], [version(1, -1, ack('48h')), version(2, 1, ack('24h')), version(3, 2, ack('48h'))], 3)?.dueAt, at(24));
  });

  test('a version saved after `now` is not yet a promise (any moment replays)', () => {
    assert.equal(due([submitted], [version(1, -1, ack('48h')), version(2, 10, ack('24h'))], 5)?.dueAt, at(48));
  });

  test('a stricter promise cannot fall due before it was made: due at the change, judged against that', () => {
    const v = [version(1, -1, ack('48h')), version(2, 30, ack('24h'))];
    const pending = due([submitted], v, 30);
    assert.deepEqual([pending?.dueAt, pending?.status, pending?.remainingMs], [at(30), 'pending', 0]);
    assert.equal(due([submitted], v, 31)?.status, 'breached');
    const met = due([submitted, { kind: 'state', at: at(30), to: 'acknowledged' }], v, 40);
    assert.deepEqual([met?.status, met?.metAt], ['met', at(30)]);
    const metBefore = due([submitted, { kind: 'state', at: at(26), to: 'acknowledged' }], v, 40);
    assert.deepEqual([metBefore?.status, metBefore?.dueAt], ['met', at(48)], 'met under the old promise before the new one existed');
  });

  test('a change made after the report left the open states does not apply to it', () => {
    const events: SlaEvent[] = [submitted, { kind: 'state', at: at(1), to: 'rejected', reason: 'invalid' }];
    const held = [version(1, -1, withResponse({ acknowledge: { within: '48h' }, assess: { within: '7d' } })), version(2, 5, ack('1h'))];
    assert.deepEqual(
      keptDeadlines(events, held, new Date(T0 + 10 * H)).map((d) => `${d.clock} ${d.status}`),
      ['acknowledge met', 'assess met'],
    );
  });

  test('a clock only a later version has is a new promise: it applies', () => {
    const cadence = withResponse({ acknowledge: { within: '48h' }, update_cadence: { within: '7d' } });
    const events: SlaEvent[] = [submitted, { kind: 'state', at: at(1), to: 'acknowledged' }];
    const clocks = keptDeadlines(events, [version(1, -1, ack('48h')), version(2, 2, cadence)], new Date(T0 + 3 * H)).map((d) => d.clock);
    assert.deepEqual(clocks, ['acknowledge', 'next_update']);
  });
});
