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

/**
 * A SARIF log of 20 results and `files` artifacts: most of a real log's bytes are every file the tool read. The
 * schema says the artifacts are unique items, a check that compares every pair: 40,000 of them take Ajv minutes.
 */
function bigSarif(tool: object, files: number): string {
  const results = Array.from({ length: 20 }, (_, i) => ({
    ruleId: i % 2 ? 'B602' : 'B105',
    level: i % 2 ? 'error' : 'warning',
    message: { text: `finding ${i}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: `app/mod${i}.py`, index: i }, region: { startLine: 1 + i } } }],
  }));
  const artifacts = Array.from({ length: files }, (_, i) => ({ location: { uri: `app/mod${i}.py` }, length: 100 + i, roles: ['analysisTarget'], mimeType: 'text/x-python' }));
  return JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [{ tool, artifacts, results }] });
}

/** Runs `work` while polling /healthz; returns the slowest health answer seen and the work's result. */
async function healthWhile<T>(rt: TestServer, work: () => Promise<T>): Promise<{ worstMs: number; worstGapMs: number; polls: number; result: T }> {
  let done = false;
  let worstMs = 0;
  let worstGapMs = 0;
  let polls = 0;
  let last = performance.now();
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      // The time since the last poll began: a stalled event loop also delays the 20 ms wait between polls.
      worstGapMs = Math.max(worstGapMs, started - last);
      last = started;
      const res = await rt.app.inject({ url: '/healthz' });
      assert.equal(res.statusCode, 200);
      worstMs = Math.max(worstMs, performance.now() - started);
      polls++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const result = await work();
    worstGapMs = Math.max(worstGapMs, performance.now() - last);
    return { worstMs, worstGapMs, polls, result };
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

    test('a large SARIF log is read and schema-checked on the parse pool: the event loop keeps answering, the import completes', async () => {
      const content = bigSarif({ driver: { name: 'Bandit' } }, 1500);
      assert.ok(content.length > 128 * 1024);
      const { worstGapMs, polls, result } = await healthWhile(rt, () => rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as('triager'), payload: { filename: 'bandit.sarif', content } }));
      assert.equal(result.statusCode, 201, result.body.slice(0, 300));
      const scan = result.json() as { kind: string; tool: string; issues: { rule: string; file: string; line: number }[] };
      assert.equal(scan.kind, 'sarif');
      assert.equal(scan.tool, 'Bandit');
      assert.equal(scan.issues.length, 20);
      assert.deepEqual(scan.issues.map((i) => `${i.rule} ${i.file}:${i.line}`).slice(0, 2), ['B105 app/mod0.py:1', 'B602 app/mod1.py:2']);
      assert.ok(worstGapMs < 300, `the event loop stood still for ${Math.round(worstGapMs)} ms during the import`);
      assert.ok(polls >= 3, `only ${polls} health checks ran: the upload was too quick to tell anything`);
      // A large log that breaks the schema is refused from the pool as on the request thread: a 400 naming the problem.
      const broken = await rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as('triager'), payload: { filename: 'x.sarif', content: bigSarif({}, 1500) } });
      assert.equal(broken.statusCode, 400, broken.body);
      assert.match(broken.body, /Not a valid SARIF 2\.1\.0 log/);
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

for (const engine of ENGINES.filter((e) => e.name === 'pglite')) {
  describe(`a SARIF log that would take long to check is stopped at the parse time limit (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine, { EMBARGO_PARSE_TIMEOUT_SECONDS: '2' });
      world = await seedWorld(rt);
    });
    after(() => rt?.close());

    // 40,000 artifacts: the schema's uniqueItems check held the request thread for about 100 s before the pool.
    test('refused with 413 naming the limit, while /healthz keeps answering', async () => {
      const content = bigSarif({ driver: { name: 'Bandit' } }, 40_000);
      const started = performance.now();
      const { worstGapMs, result } = await healthWhile(rt, () => rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as('triager'), payload: { filename: 'slow.sarif', content } }));
      assert.equal(result.statusCode, 413, result.body.slice(0, 300));
      assert.match(result.body, /parse time limit/);
      assert.ok(performance.now() - started < 15_000);
      assert.ok(worstGapMs < 1000, `the event loop stood still for ${Math.round(worstGapMs)} ms`);
    });
  });
}
