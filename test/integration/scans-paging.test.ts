import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { encodeCursor } from '../../src/services/paging.ts';

/**
 * The scans list is keyset-paged (docs/scanner.md): `limit` and `cursor` in, `scans` and `next_cursor` out, newest
 * first with ties on the time kept apart by id; a cursor belongs to its project's list.
 */
const P = '/api/v1/projects/privastream';
const C = '/api/v1/projects/personal-chatter';

/** A SARIF log with `n` results: its scan counts `n` findings. */
const sarif = (n: number): string =>
  JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Bandit', rules: [{ id: 'B602' }] } },
        results: Array.from({ length: n }, (_, i) => ({
          ruleId: 'B602',
          level: 'error',
          message: { text: 'B602 issue' },
          locations: [{ physicalLocation: { artifactLocation: { uri: `app/run_${i}.py` }, region: { startLine: i + 1 } } }],
        })),
      },
    ],
  });

interface Row {
  id: string;
  filename: string;
  findings: number;
  created_at: string;
}
interface ScanPage {
  scans: Row[];
  next_cursor: string | null;
}

/** The list's order: newest first, then id (PostgreSQL compares uuids as their lower-case hex does). */
const listOrder = (a: { id: string; created_at: string }, b: { id: string; created_at: string }) =>
  Date.parse(b.created_at) - Date.parse(a.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

for (const engine of ENGINES) {
  describe(`scans list pages on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    /** The scans made, as their upload answered (id, filename, created_at) with the findings they were given. */
    const made: Row[] = [];

    const upload = async (base: string, filename: string, findings: number): Promise<Row> => {
      const res = await rt.app.inject({ method: 'POST', url: `${base}/scans`, headers: world.as('siteAdmin'), payload: { filename, content: sarif(findings) } });
      assert.equal(res.statusCode, 201, res.body);
      const scan = res.json() as { id: string; filename: string; created_at: string };
      return { id: scan.id, filename: scan.filename, created_at: scan.created_at, findings };
    };
    const list = async (query: string, base = P) => rt.app.inject({ url: `${base}/scans${query ? `?${query}` : ''}`, headers: world.as('viewer') });
    const admin = async (query: string, base: string) => rt.app.inject({ url: `${base}/scans${query ? `?${query}` : ''}`, headers: world.as('siteAdmin') });

    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      // Seven scans in two clock readings (a CI matrix uploading at once): 3 then 4 share a created_at, so pages
      // of 2 end inside a tie. Each has i % 3 findings.
      for (let i = 0; i < 7; i++) {
        if (i === 0 || i === 3) rt.clock.advance(1000);
        made.push(await upload(P, `ci-${i}.sarif`, i % 3));
      }
      assert.equal(new Set(made.map((m) => m.created_at)).size, 2, 'two clock readings');
      // Another project's scans, for its cursors.
      await upload(C, 'other-0.sarif', 1);
      await upload(C, 'other-1.sarif', 1);
    });
    after(() => rt?.close());

    test('pages of `limit` follow the cursor: every scan once, newest first, ties by id, counts per scan; next_cursor null on the last', async () => {
      const expected = [...made].sort(listOrder);
      const seen: Row[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await list(`limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(res.statusCode, 200, res.body);
        const page = res.json() as ScanPage;
        if (page.next_cursor) assert.equal(page.scans.length, 2, 'only the last page is short');
        else assert.ok(page.scans.length >= 1 && page.scans.length <= 2);
        seen.push(...page.scans);
        cursor = page.next_cursor;
        pages++;
        assert.ok(pages <= 4, 'no page repeats');
      } while (cursor);
      assert.equal(pages, 4);
      assert.deepEqual(
        seen.map((s) => s.id),
        expected.map((s) => s.id),
        'no duplicate, no gap, in the list order across the ties',
      );
      assert.deepEqual(
        seen.map((s) => [s.filename, s.findings]),
        expected.map((s) => [s.filename, s.findings]),
      );
      // One page of everything is the same list.
      const all = (await list('limit=200')).json() as ScanPage;
      assert.deepEqual(
        all.scans.map((s) => s.id),
        expected.map((s) => s.id),
      );
      assert.equal(all.next_cursor, null);
      // Without a limit: up to 50, and the fields clients read before paging are still there.
      const plain = (await list('')).json() as ScanPage;
      assert.equal(plain.scans.length, 7);
      assert.equal(plain.next_cursor, null);
    });

    test('a page size outside 1..200 is a 400', async () => {
      for (const limit of ['0', '201', 'many']) assert.equal((await list(`limit=${limit}`)).statusCode, 400, `limit=${limit}`);
    });

    test('a scan uploaded while paging does not shift the later pages', async () => {
      const first = (await list('limit=3')).json() as ScanPage;
      assert.ok(first.next_cursor);
      rt.clock.advance(1000);
      const newer = await upload(P, 'ci-late.sarif', 0);
      const rest: Row[] = [];
      let cursor: string | null = first.next_cursor;
      while (cursor) {
        const page = (await list(`limit=3&cursor=${encodeURIComponent(cursor)}`)).json() as ScanPage;
        rest.push(...page.scans);
        cursor = page.next_cursor;
      }
      assert.deepEqual(
        [...first.scans, ...rest].map((s) => s.id),
        [...made].sort(listOrder).map((s) => s.id),
        'the pages after the first continue where it ended',
      );
      assert.equal(((await list('limit=1')).json() as ScanPage).scans[0]?.id, newer.id, 'a new list starts with it');
      made.push(newer);
    });

    test('a cursor that is not one, or one of another list, is a 400', async () => {
      for (const bad of ['bm9wZQ', 'not base64 at all!', Buffer.from(JSON.stringify({ f: 'x', p: [1, 'not-a-uuid'] })).toString('base64url')]) {
        const res = await list(`cursor=${encodeURIComponent(bad)}`);
        assert.equal(res.statusCode, 400, `${bad}: ${res.body}`);
        assert.match(res.body, /cursor/);
      }
      // The review queue's cursors have the same shape (time, id) and bind the same project, but are another list's.
      const project = await rt.ctx.db.selectFrom('projects').select('id').where('slug', '=', 'privastream').executeTakeFirstOrThrow();
      const review = encodeCursor('review', { project: project.id }, [Date.parse(made[0]!.created_at), made[0]!.id]);
      assert.equal((await list(`cursor=${encodeURIComponent(review)}`)).statusCode, 400);
    });

    test("a cursor of another project's scans list is refused, not continued here", async () => {
      const other = (await admin('limit=1', C)).json() as ScanPage;
      assert.ok(other.next_cursor, "the other project's list has a second page");
      const res = await admin(`cursor=${encodeURIComponent(other.next_cursor)}`, P);
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, /cursor/);
      // And this project's cursor is refused there.
      const mine = (await admin('limit=1', P)).json() as ScanPage;
      assert.equal((await admin(`cursor=${encodeURIComponent(mine.next_cursor ?? '')}`, C)).statusCode, 400);
    });
  });
}
