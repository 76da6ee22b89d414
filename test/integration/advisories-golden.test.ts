import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { readFileSync } from 'node:fs';
import { assertGolden } from '../support/golden.ts';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { advisoryContent, api, ADV, createAdvisory, move } from '../support/advisory-fixtures.ts';

/**
 * Golden files of the public pages and the feed for one fixed advisory at a fixed clock. `UPDATE_GOLDEN=1`
 * rewrites them (review the diff before committing it).
 */
const GOLDEN = join(import.meta.dirname, '..', 'fixtures', 'golden', 'advisories');
const HOUR = 3_600_000;

const golden = (name: string, actual: string): void => assertGolden(join(GOLDEN, name), actual);

const FIXED = advisoryContent({
  details: [
    'The `/recordings/<name>` handler joined the requested name to the media directory without normalising it,',
    'so `..%2f` sequences escaped it.',
    '',
    '## Workarounds',
    '',
    '- Put the media directory on its own file system.',
    '- Block `..` in request paths at the proxy.',
    '',
    'See [the fix](https://github.com/example/privastream/commit/abc123).',
  ].join('\n'),
  cvss: { v3: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', v4: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N' },
  credits: [
    { name: 'Ada R.', type: 'finder' },
    { name: null, type: 'reporter' },
  ],
});

for (const engine of ENGINES) {
  describe(`golden public pages on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    let id: string;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      const a = await createAdvisory(rt, world, FIXED);
      id = a.advisory.id;
      rt.clock.advance(HOUR);
      await move(rt, world, id, 'in-review');
      rt.clock.advance(HOUR);
      await move(rt, world, id, 'published');
      rt.clock.advance(24 * HOUR);
      const amended = await api(rt, world, 'PUT', `${ADV}/${id}`, { references: [...FIXED.references, { type: 'advisory', url: 'https://example.org/notice', name: 'Vendor notice' }], note: 'Added the vendor notice' });
      assert.equal(amended.statusCode, 200, amended.body);
      // A second, withdrawn advisory: the list and the feed show both states.
      const w = await createAdvisory(rt, world, advisoryContent({ title: 'Denial of service in the thumbnailer', cwe_ids: ['CWE-400'], cve_id: null, credits: [] }));
      await move(rt, world, w.advisory.id, 'in-review');
      await move(rt, world, w.advisory.id, 'published');
      rt.clock.advance(HOUR);
      await move(rt, world, w.advisory.id, 'withdrawn', 'Not reproducible on any released version');
    });
    after(() => rt.close());

    test('advisory page', async () => {
      assert.equal(id, 'PRIV-SA-2026-0001');
      const res = await rt.app.inject({ url: `/projects/privastream/advisories/${id}` });
      assert.equal(res.statusCode, 200);
      golden('page.html', res.body);
    });

    test('advisory list', async () => {
      golden('list.html', (await rt.app.inject({ url: '/projects/privastream/advisories' })).body);
    });

    test('Atom feed', async () => {
      const res = await rt.app.inject({ url: '/projects/privastream/advisories.atom' });
      golden('feed.atom', res.body);
      const rng = readFileSync(join(GOLDEN, '..', 'schemas', 'atom.rng'), 'utf8');
      const v = await validateXML({ xml: { fileName: 'feed.atom', contents: res.body }, schema: { fileName: 'atom.rng', contents: rng }, extension: 'relaxng' });
      assert.ok(v.valid, v.rawOutput);
    });
  });
}
