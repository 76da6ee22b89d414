import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHallOfFame, type PublishedCredits } from '../../../src/core/recognition/hall-of-fame.ts';

const adv = (publicId: string, publishedAt: string, credits: PublishedCredits['credits']): PublishedCredits => ({ publicId, title: `Title of ${publicId}`, publishedAt, credits });

const CASES: Array<{ name: string; input: PublishedCredits[]; order: string[]; anonymous: number; credited: number }> = [
  { name: 'no advisories', input: [], order: [], anonymous: 0, credited: 0 },
  {
    name: 'most advisories first',
    input: [
      adv('X-SA-2026-0001', '2026-01-01T00:00:00Z', [{ name: 'Bob', type: 'finder' }]),
      adv('X-SA-2026-0002', '2026-02-01T00:00:00Z', [{ name: 'Ada', type: 'finder' }]),
      adv('X-SA-2026-0003', '2026-03-01T00:00:00Z', [{ name: 'Ada', type: 'reporter' }]),
    ],
    order: ['Ada', 'Bob'],
    anonymous: 0,
    credited: 3,
  },
  {
    name: 'ties broken by the first credit, then by name',
    input: [
      adv('X-SA-2026-0002', '2026-02-01T00:00:00Z', [{ name: 'Zed', type: 'finder' }, { name: 'Carl', type: 'finder' }]),
      adv('X-SA-2026-0001', '2026-01-01T00:00:00Z', [{ name: 'Mia', type: 'finder' }]),
    ],
    order: ['Mia', 'Carl', 'Zed'],
    anonymous: 0,
    credited: 2,
  },
  {
    name: 'anonymous credits are counted, not named; maintainers credited for the fix are not listed',
    input: [
      adv('X-SA-2026-0001', '2026-01-01T00:00:00Z', [{ name: null, type: 'finder' }, { name: 'Dev Maintainer', type: 'remediation developer' }]),
      adv('X-SA-2026-0002', '2026-01-02T00:00:00Z', [{ name: '  ', type: 'reporter' }, { name: 'Ada', type: 'finder' }]),
      adv('X-SA-2026-0003', '2026-01-03T00:00:00Z', [{ name: 'Tool', type: 'tool' }]),
    ],
    order: ['Ada'],
    anonymous: 2,
    credited: 2,
  },
  {
    name: 'one person, spelled with other case and spaces, credited twice on one advisory, counts once',
    input: [
      adv('X-SA-2026-0001', '2026-01-01T00:00:00Z', [{ name: 'Ada  R.', type: 'finder' }, { name: 'ada r.', type: 'reporter' }]),
      adv('X-SA-2026-0002', '2026-01-05T00:00:00Z', [{ name: 'Bob', type: 'finder' }]),
    ],
    order: ['Ada R.', 'Bob'],
    anonymous: 0,
    credited: 2,
  },
];

for (const c of CASES) {
  test(`hall of fame: ${c.name}`, () => {
    const hof = buildHallOfFame(c.input);
    assert.deepEqual(hof.entries.map((e) => e.name), c.order);
    assert.equal(hof.anonymousCredits, c.anonymous);
    assert.equal(hof.creditedAdvisories, c.credited);
  });
}

test('an entry lists its advisories chronologically with the first credit date', () => {
  const hof = buildHallOfFame([
    adv('X-SA-2026-0003', '2026-03-01T00:00:00Z', [{ name: 'Ada', type: 'finder' }]),
    adv('X-SA-2026-0001', '2026-01-01T00:00:00Z', [{ name: 'Ada', type: 'finder' }]),
  ]);
  assert.deepEqual(hof.entries[0], {
    name: 'Ada',
    firstCreditedAt: '2026-01-01T00:00:00Z',
    advisories: [
      { publicId: 'X-SA-2026-0001', title: 'Title of X-SA-2026-0001', publishedAt: '2026-01-01T00:00:00Z' },
      { publicId: 'X-SA-2026-0003', title: 'Title of X-SA-2026-0003', publishedAt: '2026-03-01T00:00:00Z' },
    ],
  });
});
