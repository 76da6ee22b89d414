import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endOfDayUtc, expiryChoices } from '../../../web/src/token-expiry.ts';
import { TOKEN_MAX_DAYS } from '../../../src/core/access/tokens.ts';

test('the expiry field offers tomorrow to the last day the server accepts, 90 days by default', () => {
  assert.deepEqual(expiryChoices(new Date('2026-03-10T00:00:00Z')), { min: '2026-03-11', initial: '2026-06-08', max: '2027-03-10' });
  // Late in the day (UTC) the range is the same; a local evening in another zone does not move it.
  assert.deepEqual(expiryChoices(new Date('2026-03-10T23:59:59Z')), { min: '2026-03-11', initial: '2026-06-08', max: '2027-03-10' });
});

test('the latest day offered ends within the server limit from any moment of today', () => {
  for (const now of ['2026-03-10T00:00:00Z', '2026-03-10T23:59:59Z', '2028-02-29T12:00:00Z']) {
    const t = new Date(now);
    const expires = Date.parse(endOfDayUtc(expiryChoices(t).max) ?? assert.fail('max is a date'));
    assert.ok(expires <= t.getTime() + TOKEN_MAX_DAYS * 86_400_000, now);
    assert.ok(Date.parse(endOfDayUtc(expiryChoices(t).min) ?? '') > t.getTime(), `the earliest day offered is still ahead at ${now}`);
  }
});

test('endOfDayUtc takes a calendar date only', () => {
  assert.equal(endOfDayUtc('2026-06-08'), '2026-06-08T23:59:59.000Z');
  for (const bad of ['', '2026-6-8', '2026-02-30', 'tomorrow', '2026-06-08T10:00']) assert.equal(endOfDayUtc(bad), null, bad);
});
