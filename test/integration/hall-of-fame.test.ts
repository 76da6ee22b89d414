import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertGolden } from '../support/golden.ts';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, REPO, seedWorld, type World } from '../support/fixtures.ts';
import { advisoryContent, createAdvisory, move, publishedAdvisory } from '../support/advisory-fixtures.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';

const GOLDEN = join(REPO, 'test', 'fixtures', 'golden', 'hall-of-fame', 'privastream.html');
const DAY = 86_400_000;


const credits = (...list: Array<[string | null, string]>) => ({ credits: list.map(([name, type]) => ({ name, type })) });

for (const engine of ENGINES) {
  describe(`hall of fame on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt?.close());

    test('a project whose policy keeps no Hall of Fame has none: 404 for the page and the JSON', async () => {
      for (const url of ['/projects/privastream/hall-of-fame', '/api/v1/projects/privastream/hall-of-fame', '/projects/no-such-project/hall-of-fame']) {
        const res = await rt.app.inject({ url });
        assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
      }
    });

    test('an empty Hall of Fame says so', async () => {
      await savePolicy(rt.ctx, examplePolicy('privastream').replace('hall_of_fame: false', 'hall_of_fame: true'), 'test');
      const res = await rt.app.inject({ url: '/projects/privastream/hall-of-fame' });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /No published advisory credits a reporter yet/);
      const json = (await rt.app.inject({ url: '/api/v1/projects/privastream/hall-of-fame' })).json();
      assert.deepEqual([json.entries, json.anonymous_credits, json.credited_advisories], [[], 0, 0]);
    });

    test('credited reporters with their published advisories, anonymous ones counted; golden page', async () => {
      // Published, on three days: Ada twice, Bob once (with an anonymous co-finder), a maintainer credited for the fix.
      const a1 = await publishedAdvisory(rt, world, advisoryContent(credits(['Ada R.', 'finder'])));
      rt.clock.advance(DAY);
      const a2 = await publishedAdvisory(rt, world, advisoryContent({ title: 'Stored XSS in <the> "room" names', ...credits(['Bob <b>&</b>', 'finder'], [null, 'finder']) }));
      rt.clock.advance(DAY);
      const a3 = await publishedAdvisory(rt, world, advisoryContent({ title: 'Token leak in logs', ...credits(['ada  r.', 'reporter'], ['Dev Maintainer', 'remediation developer']) }));
      // Not counted: a draft, a scheduled advisory, and one withdrawn after publication.
      await createAdvisory(rt, world, advisoryContent(credits(['Carol Draft', 'finder'])));
      const scheduled = await createAdvisory(rt, world, advisoryContent({ ...credits(['Eve Scheduled', 'finder']), embargo_until: new Date(rt.clock.now.getTime() + 30 * DAY).toISOString() }));
      await move(rt, world, scheduled.advisory.id, 'in-review');
      await move(rt, world, scheduled.advisory.id, 'scheduled');
      const withdrawn = await publishedAdvisory(rt, world, advisoryContent(credits(['Mallory Withdrawn', 'finder'])));
      await move(rt, world, withdrawn.advisory.id, 'withdrawn', 'Not a vulnerability after all');

      const json = await rt.app.inject({ url: '/api/v1/projects/privastream/hall-of-fame' });
      assert.equal(json.statusCode, 200, json.body);
      const body = json.json();
      assert.deepEqual(
        body.entries.map((e: { name: string; advisory_count: number; advisories: Array<{ id: string }> }) => [e.name, e.advisory_count, e.advisories.map((a) => a.id)]),
        [
          ['Ada R.', 2, [a1.advisory.id, a3.advisory.id]],
          ['Bob <b>&</b>', 1, [a2.advisory.id]],
        ],
      );
      assert.equal(body.anonymous_credits, 1);
      assert.equal(body.credited_advisories, 3);
      assert.equal(body.entries[0].advisories[0].url, `https://embargo.test/projects/privastream/advisories/${a1.advisory.id}`);
      assert.equal(body.entries[0].first_credited_at, '2026-03-02T09:00:00Z');
      for (const hidden of ['Carol', 'Eve', 'Mallory', 'Dev Maintainer']) assert.ok(!json.body.includes(hidden), `${hidden} must not appear`);

      const page = await rt.app.inject({ url: '/projects/privastream/hall-of-fame' });
      assert.equal(page.statusCode, 200);
      assert.match(page.headers['content-type'] as string, /^text\/html/);
      assert.match(page.headers['content-security-policy'] as string, /script-src 'self'/);
      assert.ok(!/<script|\sstyle=|\son[a-z]+=/i.test(page.body), 'no scripts, inline styles or handlers');
      assert.ok(page.body.includes('Bob &lt;b&gt;&amp;&lt;/b&gt;'), 'names are escaped');
      assert.ok(page.body.includes(`href="/projects/privastream/advisories/${a2.advisory.id}"`));
      assertGolden(GOLDEN, page.body);
    });

    test('HEAD works like GET and the page can be cached briefly', async () => {
      const res = await rt.app.inject({ method: 'HEAD', url: '/projects/privastream/hall-of-fame' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'public, max-age=300');
    });
  });
}
