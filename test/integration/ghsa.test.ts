import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { REPO, seedWorld, type World } from '../support/fixtures.ts';
import { ADV, api } from '../support/advisory-fixtures.ts';
import type { GhsaImportResultJson } from '../../src/api/schemas/ghsa.ts';
import { nextLink } from '../../src/adapters/github/ghsa-client.ts';
import { ghsaCommand } from '../../src/cli/commands/ghsa.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * GitHub Security Advisories import (docs/ghsa.md) against recorded JSON of the REST shape, derived from GitHub's
 * documented example (test/fixtures/ghsa/), served by a local "GitHub" on 127.0.0.1 with Link-header pages.
 */
const P = '/api/v1/projects/privastream';
const TOKEN = 'ghp_testtoken0123456789abcdef';
const fixture = (name: string): Record<string, unknown>[] => JSON.parse(readFileSync(join(REPO, 'test/fixtures/ghsa', name), 'utf8')) as Record<string, unknown>[];
const PAGE1 = fixture('repository-advisories-example.json');
const PAGE2 = fixture('repository-advisories-page2.json');

interface FakeGithub {
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  /** Where page 1's next link points (default: page 2 on this server). */
  nextOrigin: string | null;
  close(): Promise<void>;
}

async function startFakeGithub(): Promise<FakeGithub> {
  const fake = { requests: [] as FakeGithub['requests'], nextOrigin: null as string | null };
  const server: Server = createServer((req, res) => {
    fake.requests.push({ path: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
      return;
    }
    if (url.pathname !== '/api/v3/repos/repo/a-package/security-advisories') {
      res.writeHead(404).end('{}');
      return;
    }
    const page = url.searchParams.get('page') ?? '1';
    const origin = fake.nextOrigin ?? `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const link = page === '1' ? `<${origin}/api/v3/repos/repo/a-package/security-advisories?per_page=100&page=2>; rel="next", <${origin}/api/v3/repos/repo/a-package/security-advisories?per_page=100&page=2>; rel="last"` : undefined;
    res.writeHead(200, { 'content-type': 'application/json', ...(link ? { link } : {}) }).end(JSON.stringify(page === '1' ? PAGE1 : PAGE2));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

test('nextLink reads rel="next" among several links', () => {
  assert.equal(nextLink('<https://h/a?page=2>; rel="next", <https://h/a?page=5>; rel="last"'), 'https://h/a?page=2');
  assert.equal(nextLink('<https://h/a?page=1>; rel="prev"'), null);
  assert.equal(nextLink(null), null);
});

for (const engine of ENGINES) {
  describe(`GitHub Security Advisories import (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    let github: FakeGithub;
    before(async () => {
      github = await startFakeGithub();
      rt = await startTestRuntime(engine, { EMBARGO_GITHUB_API_URL: github.url });
      world = await seedWorld(rt);
    });
    after(async () => {
      await rt.close();
      await github.close();
    });

    const importFile = (advisories: unknown[]) => rt.app.inject({ method: 'POST', url: `${P}/ghsa/imports`, headers: world.as('triager'), payload: { advisories } });
    const reportOf = (ghsaId: string) =>
      rt.ctx.db.selectFrom('ghsa_imports as g').innerJoin('reports as r', 'r.id', 'g.report_id').select(['r.id', 'r.tracking_id', 'r.state', 'r.severity', 'r.source', 'r.cvss_v3_vector', 'r.cvss_v4_vector', 'g.ghsa_state']).where('g.ghsa_id', '=', ghsaId).executeTakeFirstOrThrow();

    test('an admin sets the repository and token: sealed at rest, never answered; others may not', async () => {
      const triager = await rt.app.inject({ method: 'PUT', url: `${P}/ghsa/source`, headers: world.as('triager'), payload: { repository: 'repo/a-package', token: TOKEN } });
      assert.equal(triager.statusCode, 403);
      const set = await rt.app.inject({ method: 'PUT', url: `${P}/ghsa/source`, headers: world.as('admin'), payload: { repository: 'repo/a-package', token: TOKEN } });
      assert.equal(set.statusCode, 200, set.body);
      assert.ok(!set.body.includes(TOKEN));
      assert.deepEqual({ ...(set.json() as object), updated_at: null, updated_by: null }, { repository: 'repo/a-package', api_url: github.url, token_set: true, updated_by: null, updated_at: null, last_synced_at: null });
      const row = await rt.ctx.db.selectFrom('ghsa_sources').selectAll().executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.token_sealed).toString('latin1').includes(TOKEN), 'the token is sealed');
      const audit = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'ghsa.source-set').execute();
      assert.ok(audit.length === 1 && !JSON.stringify(audit).includes(TOKEN));
    });

    test('sync reads every page through the API and imports each advisory with its state, severity, CVSS, CWE, credits and packages', async () => {
      const res = await rt.app.inject({ method: 'POST', url: `${P}/ghsa/sync`, headers: world.as('triager') });
      assert.equal(res.statusCode, 200, res.body);
      const result = res.json() as GhsaImportResultJson;
      assert.deepEqual([result.created, result.updated, result.unchanged], [4, 0, 0]);
      assert.deepEqual(github.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('page') ?? '1'), ['1', '2'], 'followed the Link header');
      assert.equal(github.requests[0]?.headers.authorization, `Bearer ${TOKEN}`);

      const published = await reportOf('GHSA-abcd-1234-efgh');
      assert.equal(published.source, 'ghsa');
      assert.equal(published.state, 'disclosed');
      assert.equal(published.severity, 'critical');
      assert.equal(published.cvss_v3_vector, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
      assert.match(published.cvss_v4_vector ?? '', /^CVSS:4\.0\//);
      assert.equal((await reportOf('GHSA-qrst-7890-uvwx')).state, 'new');
      assert.equal((await reportOf('GHSA-mnop-4567-ijkl')).state, 'accepted');
      assert.equal((await reportOf('GHSA-mnop-4567-ijkl')).severity, 'medium');

      const detail = await rt.app.inject({ method: 'GET', url: `${P}/reports/${published.tracking_id}`, headers: world.as('triager') });
      assert.equal(detail.statusCode, 200, detail.body);
      const body = JSON.stringify(detail.json());
      for (const text of ['GHSA-abcd-1234-efgh', 'CWE-123', 'pip/a-package >= 1.0.0, < 1.0.1; patched: 1.0.1', 'octocat (analyst)']) assert.ok(body.includes(text), `${text} in ${body}`);
      // No reporter on Embargo's side: no acknowledge/assess clock is owed for a report waiting in GitHub's triage.
      const triage = await rt.app.inject({ method: 'GET', url: `${P}/reports/${(await reportOf('GHSA-qrst-7890-uvwx')).tracking_id}`, headers: world.as('triager') });
      const clocks = (triage.json() as { deadlines: { clock: string }[] }).deadlines.map((d) => d.clock);
      assert.ok(!clocks.includes('acknowledge') && !clocks.includes('assess'), JSON.stringify(clocks));

      const audit = await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', 'report.created-internal').execute();
      assert.equal(audit.filter((a) => (a.data as { ghsa_id?: string }).ghsa_id).length, 4, 'each import audited with its GHSA id');
      assert.ok(!JSON.stringify(await rt.ctx.db.selectFrom('audit_log').select('data').execute()).includes(TOKEN));
    });

    test('importing the same export again (a gh api file) changes nothing; an edit on GitHub updates the one report', async () => {
      const before = await rt.ctx.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const again = await importFile([...PAGE1, ...PAGE2]);
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual([(again.json() as GhsaImportResultJson).created, (again.json() as GhsaImportResultJson).unchanged], [0, 4]);

      const accepted = { ...PAGE2[0], state: 'draft', severity: 'critical', updated_at: '2026-02-25T10:00:00Z', summary: 'Heap overflow in frame parser (confirmed)' };
      const updated = await importFile([accepted]);
      assert.equal(updated.statusCode, 200, updated.body);
      assert.equal((updated.json() as GhsaImportResultJson).items[0]?.outcome, 'updated');
      const report = await reportOf('GHSA-qrst-7890-uvwx');
      assert.equal(report.state, 'accepted');
      assert.equal(report.ghsa_state, 'draft');
      const after = await rt.ctx.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n), 'never a duplicate');
      const audit = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'report.ghsa-updated').where('report_id', '=', report.id).execute();
      assert.equal(audit.length, 1);
      assert.deepEqual((audit[0]?.data as { state: unknown }).state, { from: 'new', to: 'accepted' });

      // An imported report behaves like any other: an advisory can be drafted from it.
      const advisory = await api(rt, world, 'POST', ADV, { report: report.tracking_id, ecosystem: 'PyPI', package: 'a-package' });
      assert.equal(advisory.statusCode, 201, advisory.body);
      const drafted = (advisory.json() as { advisory: { credits: unknown[]; cwe_ids: string[]; references: { url: string }[] } }).advisory;
      assert.deepEqual(drafted.credits, [{ name: 'monauser', type: 'reporter' }], "GitHub's credits carry over");
      assert.deepEqual(drafted.cwe_ids, ['CWE-456']);
      assert.deepEqual(drafted.references.map((r) => r.url), ['https://github.com/repo/a-package/security/advisories/GHSA-qrst-7890-uvwx']);
    });

    test('embargo ghsa import --file reads a gh api --paginate --slurp export (pages of advisories) through the API', async () => {
      const address = await rt.app.listen({ port: 0, host: '127.0.0.1' });
      const file = join(mkdtempSync(join(tmpdir(), 'ghsa-cli-')), 'advisories.json');
      const fresh = { ...PAGE2[1], ghsa_id: 'GHSA-wxyz-2345-abcd', summary: 'Imported from the CLI', identifiers: [] };
      writeFileSync(file, JSON.stringify([PAGE1, [fresh]]));
      const saved = { url: process.env.EMBARGO_URL, token: process.env.EMBARGO_TOKEN };
      const written: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.env.EMBARGO_URL = address;
      process.env.EMBARGO_TOKEN = world.tokens.triager;
      // Only the command's own text is kept (the test runner shares stdout for its binary protocol).
      process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (typeof chunk === 'string' && chunk.startsWith('{') ? written.push(chunk) > 0 : (write as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stdout.write;
      try {
        await ghsaCommand().parseAsync(['import', '--file', file, '--project', 'privastream', '--json'], { from: 'user' });
      } finally {
        process.stdout.write = write;
        if (saved.url === undefined) delete process.env.EMBARGO_URL;
        else process.env.EMBARGO_URL = saved.url;
        if (saved.token === undefined) delete process.env.EMBARGO_TOKEN;
        else process.env.EMBARGO_TOKEN = saved.token;
      }
      const result = JSON.parse(written.join('')) as GhsaImportResultJson;
      assert.deepEqual([result.created, result.unchanged], [1, 2]);
      assert.equal((await reportOf('GHSA-wxyz-2345-abcd')).state, 'accepted');
    });

    test('bad input is refused with every problem; viewers may not import', async () => {
      const bad = await importFile([{ ghsa_id: 'nope', state: 'published' }, { ...PAGE1[0], state: 'open' }]);
      assert.equal(bad.statusCode, 400, bad.body);
      assert.deepEqual((bad.json() as { problems: { field: string }[] }).problems.map((p) => p.field), ['[0].ghsa_id', '[1].state']);
      const viewer = await rt.app.inject({ method: 'POST', url: `${P}/ghsa/imports`, headers: world.as('viewer'), payload: { advisories: PAGE1 } });
      assert.equal(viewer.statusCode, 403);
      const viewerBad = await rt.app.inject({ method: 'POST', url: `${P}/ghsa/imports`, headers: world.as('viewer'), payload: { advisories: [{ ghsa_id: 'nope' }] } });
      assert.equal(viewerBad.statusCode, 403, 'the right is checked before the content is read');
    });

    test('a next page on another origin is refused (the token stays with the configured host); GitHub errors are 502', async () => {
      github.nextOrigin = 'http://localhost:1';
      const refused = await rt.app.inject({ method: 'POST', url: `${P}/ghsa/sync`, headers: world.as('triager') });
      github.nextOrigin = null;
      assert.equal(refused.statusCode, 502, refused.body);
      assert.match(refused.body, /another origin/);
      await rt.app.inject({ method: 'PUT', url: `${P}/ghsa/source`, headers: world.as('admin'), payload: { repository: 'repo/a-package', token: 'ghp_wrong' } });
      const denied = await rt.app.inject({ method: 'POST', url: `${P}/ghsa/sync`, headers: world.as('triager') });
      assert.equal(denied.statusCode, 502, denied.body);
      assert.ok(!denied.body.includes('ghp_wrong'));
    });
  });
}
