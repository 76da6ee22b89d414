import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { REPO, seedWorld, type World } from '../support/fixtures.ts';

/**
 * A large upload is parsed off the request thread (issue 13, item 3): while a 2 MB lockfile or a 190 KB
 * policy is being read, /healthz keeps answering within a second. Before the parse pool, the same upload held
 * the event loop for seconds.
 */
const P = '/api/v1/projects/privastream';

/** A valid pnpm-lock.yaml in flow style (outside the fast block reader): seconds of YAML parsing on one thread. */
function bigPnpmLock(entries: number): string {
  const lines = ["lockfileVersion: '6.0'", 'packages:'];
  for (let i = 0; i < entries; i++) lines.push(`  /pkg-${i}@1.0.${i % 50}: {resolution: {integrity: "sha512-${'a'.repeat(80)}"}, dev: false}`);
  return `${lines.join('\n')}\n`;
}

/** Runs `work` while polling /healthz; returns the slowest health answer seen and the work's result. */
async function healthWhile<T>(rt: TestServer, work: () => Promise<T>): Promise<{ worstMs: number; polls: number; result: T }> {
  let done = false;
  let worstMs = 0;
  let polls = 0;
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      const res = await rt.app.inject({ url: '/healthz' });
      assert.equal(res.statusCode, 200);
      worstMs = Math.max(worstMs, performance.now() - started);
      polls++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const result = await work();
    return { worstMs, polls, result };
  } finally {
    done = true;
    await poller;
  }
}

for (const engine of ENGINES.filter((e) => e.name === 'pglite')) {
  describe(`parsing hostile uploads does not stall the server (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt?.close());

    // 12,000 packages: seconds of YAML parsing on one thread, while the work after the parse (matching, storing) on
    // the request thread stays small enough not to be what is measured.
    test('a 2 MB lockfile: /healthz answers within a second while it is parsed, and the scan completes', async () => {
      const content = bigPnpmLock(12_000);
      assert.ok(content.length > 1_700_000);
      const { worstMs, polls, result } = await healthWhile(rt, () =>
        rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as('triager'), payload: { filename: 'pnpm-lock.yaml', content } }),
      );
      assert.equal(result.statusCode, 201, result.body.slice(0, 300));
      assert.ok(polls >= 3, `only ${polls} health checks ran: the upload was too quick to tell anything`);
      assert.ok(worstMs < 1000, `/healthz took ${Math.round(worstMs)} ms during the parse`);
    });

    test('a 190 KB policy: /healthz answers within a second while it is parsed', async () => {
      const base = readFileSync(join(REPO, 'examples', 'policies', 'privastream.yaml'), 'utf8');
      const extra = Array.from({ length: 1900 }, (_, i) => `  - title: "Section ${i}"\n    body: "${'x'.repeat(60)}"`).join('\n');
      const yaml = base.replace('sections:\n', `sections:\n${extra}\n`);
      assert.ok(yaml.length > 180_000 && yaml.length < 200_000);
      const { worstMs, result } = await healthWhile(rt, () => rt.app.inject({ method: 'PUT', url: `${P}/policy`, headers: world.as('admin'), payload: { policy_yaml: yaml } }));
      assert.equal(result.statusCode, 200, result.body.slice(0, 300));
      assert.ok(worstMs < 1000, `/healthz took ${Math.round(worstMs)} ms during the parse`);
    });
  });
}
