import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, validReport, type World } from '../support/fixtures.ts';
import { twoInstancesOnOnePostgres } from '../support/runtime-from-env.ts';

const INTAKE = '/api/v1/projects/privastream/reports';

/** Fires `n` submissions at once, spread round-robin over the given runtimes. */
async function submitConcurrently(runtimes: TestServer[], n: number) {
  const responses = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      runtimes[i % runtimes.length]!.app.inject({ method: 'POST', url: INTAKE, payload: validReport({ title: `Concurrent report ${i}` }) }),
    ),
  );
  return responses;
}

function assertSequence(trackingIds: string[], n: number) {
  assert.equal(new Set(trackingIds).size, n, 'tracking IDs are distinct');
  for (const id of trackingIds) assert.match(id, /^PRIV-2026-\d{4,}$/);
  const numbers = trackingIds.map((id) => Number(id.split('-')[2])).sort((a, b) => a - b);
  assert.deepEqual(numbers, Array.from({ length: n }, (_, i) => i + 1), `tracking IDs form exactly 0001..${String(n).padStart(4, '0')}`);
}

async function assertChainVerifies(rt: TestServer, world: World, minEntries: number) {
  const res = await rt.app.inject({ url: '/api/v1/audit/verify', headers: world.as('siteAdmin') });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { ok: boolean; entries: number; problems: unknown[] };
  assert.equal(body.ok, true, res.body);
  assert.ok(body.entries >= minEntries, `audit has ${body.entries} entries, expected at least ${minEntries}`);
}

for (const engine of ENGINES) {
  describe(`concurrent intake on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test('200 concurrent submissions: 200 × 201, tracking IDs exactly 0001..0200, 200 rows, chain verifies', async () => {
      const responses = await submitConcurrently([rt], 200);
      for (const res of responses) assert.equal(res.statusCode, 201, res.body);
      const ids = responses.map((r) => (r.json() as { tracking_id: string }).tracking_id);
      assertSequence(ids, 200);

      const rows = await rt.ctx.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), 200);
      const submitted = await rt.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'report.submitted').executeTakeFirstOrThrow();
      assert.equal(Number(submitted.n), 200, 'one audit entry per submission');
      await assertChainVerifies(rt, world, 200);
    });
  });
}

const postgres = ENGINES.find((e) => e.name === 'postgres');
if (postgres) {
  describe('two servers sharing one PostgreSQL database', () => {
    // A second "server": its own compose(), pool and Fastify instance over the same DATABASE_URL.
    const servers = twoInstancesOnOnePostgres(postgres);

    test('100 submissions split across both, concurrently: 100 distinct IDs 0001..0100, chain verifies', async () => {
      const { first, second, world } = servers;
      const responses = await submitConcurrently([first, second], 100);
      for (const res of responses) assert.equal(res.statusCode, 201, res.body);
      const ids = responses.map((r) => (r.json() as { tracking_id: string }).tracking_id);
      assertSequence(ids, 100);

      const rows = await second.ctx.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), 100);
      // Each server verifies the chain the other one wrote into.
      await assertChainVerifies(first, world, 100);
      await assertChainVerifies(second, world, 100);
    });

    test('failed sign-ins for one address count across both servers: ten in all, then each refuses it', async () => {
      const { first, second } = servers;
      const tryOn = (rt: typeof first, i: number) =>
        rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'admin@example.org', password: `guess ${i}` } });
      for (let i = 0; i < 10; i++) assert.equal((await tryOn(i % 2 ? second : first, i)).statusCode, 401);
      for (const rt of [first, second]) {
        const locked = await tryOn(rt, 99);
        assert.equal(locked.statusCode, 429, locked.body);
        assert.match(locked.body, /Too many failed sign-ins for this address/);
      }
    });
  });
}
