import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { REPO, seedWorld, validReport, type World } from '../support/fixtures.ts';
import { runEmbargo, type CliRun } from '../support/cli-process.ts';

type Run = CliRun;

const embargo = (args: string[], env: Record<string, string>): Promise<Run> => runEmbargo(args, env);

const P = '/api/v1/projects/privastream';

/** Submits `n` reports from an address: held while it is blocked. Returns their tracking IDs. */
async function submitFrom(rt: TestServer, email: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await rt.app.inject({ method: 'POST', url: `${P}/reports`, payload: validReport({ title: `From ${email} #${i}`, reporter_email: email }) });
    assert.equal(res.statusCode, 201, res.body);
    ids.push(res.json().tracking_id as string);
  }
  return ids;
}

/**
 * `embargo block add|list|remove` and `embargo review list|release|discard` (docs/cli.md): the same through the API
 * (EMBARGO_URL/EMBARGO_TOKEN, as the token's user) and on the database, their JSON the API's.
 */
describe('embargo block and review, API mode', () => {
  let rt: TestServer;
  let world: World;
  let env: Record<string, string>;
  before(async () => {
    rt = await startTestRuntime(ENGINES[0]!);
    world = await seedWorld(rt);
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    env = { EMBARGO_URL: `http://127.0.0.1:${(rt.app.server.address() as AddressInfo).port}`, EMBARGO_TOKEN: world.tokens.triager, DATA_DIR: rt.env.DATA_DIR ?? '' };
  });
  after(() => rt.close());

  test('block a sender, list, review their held submissions (every page), release one, discard one, lift the block', async () => {
    const added = await embargo(['block', 'add', 'privastream', 'Junk@Example.org', '--note', 'wave of junk', '--json'], env);
    assert.equal(added.code, 0, added.stderr);
    const block = JSON.parse(added.stdout) as { id: string; value: string; active: boolean; note: string };
    assert.deepEqual([block.value, block.active, block.note], ['junk@example.org', true, 'wave of junk']);
    const listed = await embargo(['block', 'list', 'privastream'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${block.id}\\s+email\\s+junk@example\\.org\\s+yes`));

    // More than one page of the API (200): the CLI follows next_cursor to the end.
    const held = await submitFrom(rt, 'junk@example.org', 203);
    const json = await embargo(['review', 'list', 'privastream', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const list = JSON.parse(json.stdout) as { total: number; items: { tracking_id: string; reason: string }[]; next_cursor: string | null };
    assert.equal(list.total, 203);
    // Oldest first; these share the test clock's time, so the order among them is by id.
    assert.deepEqual(list.items.map((i) => i.tracking_id).sort(), [...held].sort());
    assert.equal(new Set(list.items.map((i) => i.tracking_id)).size, 203);
    assert.equal(list.next_cursor, null);
    assert.ok(list.items.every((i) => i.reason === 'blocked'));
    const direct = (await rt.app.inject({ url: `${P}/review?limit=3`, headers: world.as('triager') })).json() as typeof list;
    assert.deepEqual(list.items.slice(0, 3), direct.items, 'the API JSON');
    const human = await embargo(['review', 'list', 'privastream'], env);
    assert.match(human.stdout, new RegExp(`${held[0]}\\s+blocked\\s+\\S+`));

    const released = await embargo(['review', 'release', 'privastream', held[0]!], env);
    assert.equal(released.code, 0, released.stderr);
    assert.match(released.stdout, new RegExp(`Released ${held[0]}`));
    assert.equal((await rt.app.inject({ url: `${P}/reports/${held[0]}`, headers: world.as('triager') })).json().state, 'new');
    const discarded = await embargo(['review', 'discard', 'privastream', held[1]!], env);
    assert.equal(discarded.code, 0, discarded.stderr);
    assert.equal((await rt.app.inject({ url: `${P}/review/${held[1]}`, headers: world.as('triager') })).statusCode, 404);
    const again = await embargo(['review', 'discard', 'privastream', held[1]!], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`No held submission ${held[1]}`));

    const removed = await embargo(['block', 'remove', 'privastream', block.id], env);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /Lifted the block of junk@example\.org/);
    const after = (await rt.app.inject({ url: `${P}/blocks`, headers: world.as('triager') })).json() as { blocks: { id: string; active: boolean }[] };
    assert.equal(after.blocks.find((b) => b.id === block.id)?.active, false);

    // A viewer's token may not review: the API's 404/403 comes back as an error, exit 1.
    const viewer = await embargo(['review', 'list', 'privastream'], { ...env, EMBARGO_TOKEN: world.tokens.viewer });
    assert.equal(viewer.code, 1);
  });
});

for (const engine of ENGINES) {
  describe(`embargo block and review, database mode on ${engine.name}`, () => {
    let env: Record<string, string>;
    let held: string[];
    before(async () => {
      const rt = await startTestRuntime(engine);
      const world = await seedWorld(rt);
      await rt.app.inject({ method: 'POST', url: `${P}/blocks`, headers: world.as('triager'), payload: { kind: 'email', value: 'held@example.org' } });
      held = await submitFrom(rt, 'held@example.org', 2);
      env = rt.env;
      // The embedded database admits one process: the CLI opens it once the server is gone.
      await rt.close();
    });

    test('lists, releases and discards held submissions and adds, lists and lifts blocks on the database itself', async () => {
      const list = await embargo(['review', 'list', 'privastream', '--json'], env);
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual((JSON.parse(list.stdout) as { items: { tracking_id: string }[] }).items.map((i) => i.tracking_id).sort(), [...held].sort());
      assert.equal((await embargo(['review', 'release', 'privastream', held[0]!], env)).code, 0);
      assert.equal((await embargo(['review', 'discard', 'privastream', held[1]!], env)).code, 0);
      assert.match((await embargo(['review', 'list', 'privastream'], env)).stdout, /Nothing is waiting for review in privastream/);

      const added = await embargo(['block', 'add', 'privastream', '203.0.113.0/24', '--kind', 'network', '--json'], env);
      assert.equal(added.code, 0, added.stderr);
      const block = JSON.parse(added.stdout) as { id: string; kind: string; created_by: string };
      assert.equal(block.kind, 'network');
      assert.equal(block.created_by, 'cli');
      const blocks = JSON.parse((await embargo(['block', 'list', 'privastream', '--json'], env)).stdout) as { blocks: { id: string; active: boolean }[] };
      assert.deepEqual(blocks.blocks.filter((b) => b.active).length, 2);
      assert.equal((await embargo(['block', 'remove', 'privastream', block.id], env)).code, 0);
      const bad = await embargo(['block', 'add', 'privastream', 'x', '--kind', 'phone'], env);
      assert.equal(bad.code, 2, 'a bad --kind is a usage error');
    });
  });
}
