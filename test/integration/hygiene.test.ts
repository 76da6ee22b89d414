import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOsvPath } from '../../src/services/scanning/osv-import.ts';
import { after, before, describe, test } from 'node:test';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { multipartBody } from '../support/multipart.ts';
import { rng } from '../support/fuzz.ts';
import { buildZip } from '../support/zip.ts';

const P = '/api/v1/projects/privastream';
const MODELS = join(import.meta.dirname, '..', 'fixtures', 'hygiene', 'models');

interface ApiIssue { id: string; file: string; line: number | null; check: string; rule: string; severity: string | null; message: string; fingerprint: string; report_tracking_id: string | null }
interface ApiScan { id: string; kind: string; tool: string | null; format: string; issues: ApiIssue[]; resolved: { fingerprint: string; rule: string; report_tracking_id: string | null }[] }

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const mix = (n: number, seed: number): string => {
  const r = rng(seed);
  return Array.from({ length: n }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join('');
};
/** Built from parts at test time, so the repository holds no token a secret scanner takes for real. */
const TOKEN = ['gl', 'pat-', mix(20, 21)].join('');

/** A SARIF log as Bandit writes one (trimmed): two results, one with a rule giving security-severity. */
function banditSarif(results: { rule: string; file: string; line: number; level: string }[]): string {
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Bandit', rules: [{ id: 'B602', name: 'subprocess_popen_with_shell_equals_true', properties: { 'security-severity': '8.1' } }, { id: 'B105', name: 'hardcoded_password_string' }] } },
        results: results.map((r) => ({
          ruleId: r.rule,
          level: r.level,
          message: { text: `${r.rule} issue` },
          locations: [{ physicalLocation: { artifactLocation: { uri: r.file }, region: { startLine: r.line } } }],
        })),
      },
    ],
  });
}

for (const engine of ENGINES) {
  describe(`hygiene and SARIF scans on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt?.close());

    const post = async (payload: object) => rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as('triager'), payload });

    test('a SARIF log from another scanner is imported: rule, severity, location; resolved when it disappears', async () => {
      const first = await post({ filename: 'bandit.sarif', content: banditSarif([{ rule: 'B602', file: 'app/run.py', line: 12, level: 'error' }, { rule: 'B105', file: 'app/db.py', line: 3, level: 'warning' }]) });
      assert.equal(first.statusCode, 201, first.body);
      const scan = first.json() as ApiScan;
      assert.equal(scan.kind, 'sarif');
      assert.equal(scan.tool, 'Bandit');
      assert.deepEqual(scan.issues.map((i) => [i.check, i.rule, i.file, i.line, i.severity]), [['sarif', 'B602', 'app/run.py', 12, 'high'], ['sarif', 'B105', 'app/db.py', 3, 'medium']]);
      const b602 = scan.issues[0] as ApiIssue;
      const made = await rt.app.inject({ method: 'POST', url: `${P}/scans/${scan.id}/findings/${b602.id}/report`, headers: world.as('triager') });
      assert.equal(made.statusCode, 201, made.body);
      const trackingId = made.json().tracking_id as string;
      const report = (await rt.app.inject({ url: `${P}/reports/${trackingId}`, headers: world.as('viewer') })).json() as { title: string; source: string; severity: string; body: { description: string } };
      assert.equal(report.title, 'B602 in app/run.py:12');
      assert.equal(report.source, 'scan');
      assert.equal(report.severity, 'high');
      // The next scan still has B602 (same place): the same report, a 200; B105 is gone: resolved by it.
      const second = (await post({ filename: 'bandit.sarif', content: banditSarif([{ rule: 'B602', file: 'app/run.py', line: 12, level: 'error' }]) })).json() as ApiScan;
      assert.equal(second.issues[0]?.report_tracking_id, trackingId);
      assert.deepEqual(second.resolved.map((r) => r.rule), ['B105']);
      const again = await rt.app.inject({ method: 'POST', url: `${P}/scans/${second.id}/findings/${second.issues[0]?.id}/report`, headers: world.as('admin') });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().tracking_id, trackingId);
      // A third scan without it resolves the reported one; the audit entries say so.
      const third = (await post({ filename: 'bandit.sarif', content: banditSarif([]) })).json() as ApiScan;
      assert.deepEqual(third.resolved, [{ fingerprint: b602.fingerprint, rule: 'B602', report_tracking_id: trackingId }]);
      const audit = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'scan.created').execute();
      assert.deepEqual(audit.map((a) => (a.data as { resolved?: number }).resolved), [0, 1, 1]);
    });

    test('a document that breaks the SARIF schema is a 400 naming the problem', async () => {
      const res = await post({ filename: 'x.sarif', content: JSON.stringify({ version: '2.1.0', runs: [{ tool: {} }] }) });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, /driver/);
      const notJson = await post({ filename: 'x.sarif', content: '{"version": "2.1.0", "runs": [' });
      assert.equal(notJson.statusCode, 400, notJson.body);
    });

    test('a zip of a tree gets the hygiene checks: secrets redacted, unsafe models named, vendored folders skipped', async () => {
      const zip = buildZip(
        [
          { name: 'src/settings.py', text: `GITLAB = "${TOKEN}"\n`, deflate: true },
          { name: 'node_modules/x/index.js', text: `const t = "${TOKEN}";\n`, deflate: false },
          { name: 'models/model.pkl', text: readFileSync(join(MODELS, 'unsafe_os_system_p2.pkl')), deflate: true },
        ],
        false,
      );
      const fixed = zip;
      const mp = await multipartBody({}, [{ field: 'lockfile', filename: 'tree.zip', data: fixed, type: 'application/zip' }]);
      const res = await rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: { ...world.as('triager'), ...mp.headers }, payload: mp.payload });
      assert.equal(res.statusCode, 201, res.body);
      const scan = res.json() as ApiScan;
      assert.equal(scan.kind, 'hygiene');
      assert.ok(!res.body.includes(TOKEN) && !res.body.includes(TOKEN.slice(6)), 'the token is not in the answer');
      assert.deepEqual(scan.issues.map((i) => `${i.check}/${i.rule} ${i.file}`).sort(), ['model/pickle-dangerous-import models/model.pkl', 'secret/gitlab-token src/settings.py']);
      const stored = await rt.ctx.db.selectFrom('scan_issues').select('message').execute();
      assert.ok(stored.every((s) => !s.message.includes(TOKEN)));
      const secret = scan.issues.find((i) => i.check === 'secret') as ApiIssue;
      const made = await rt.app.inject({ method: 'POST', url: `${P}/scans/${scan.id}/findings/${secret.id}/report`, headers: world.as('triager') });
      assert.equal(made.statusCode, 201, made.body);
      const report = await rt.app.inject({ url: `${P}/reports/${made.json().tracking_id}`, headers: world.as('viewer') });
      assert.ok(!report.body.includes(TOKEN), 'the report does not hold the token');
      assert.equal(report.json().severity, 'critical');
      // The same zip as base64 JSON: the same fingerprints, nothing resolved.
      const again = (await post({ filename: 'tree.zip', content: fixed.toString('base64'), encoding: 'base64' })).json() as ApiScan;
      assert.deepEqual(again.issues.map((i) => i.fingerprint).sort(), scan.issues.map((i) => i.fingerprint).sort());
      assert.deepEqual(again.resolved, []);
      assert.equal(again.issues.find((i) => i.check === 'secret')?.report_tracking_id, made.json().tracking_id);
      const list = (await rt.app.inject({ url: `${P}/scans`, headers: world.as('viewer') })).json() as { scans: { kind: string; findings: number }[] };
      assert.ok(list.scans.some((s) => s.kind === 'hygiene' && s.findings === 2));
    });

    test('a larger zip is checked on the parse pool with the same result', async () => {
      const zip = buildZip([{ name: 'big/notes.txt', text: `${'lorem ipsum '.repeat(8000)}\ntoken = "${TOKEN}"\n`, deflate: false }], false);
      assert.ok(zip.length > 64 * 1024);
      const res = await post({ filename: 'big.zip', content: zip.toString('base64'), encoding: 'base64' });
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual((res.json() as ApiScan).issues.map((i) => `${i.rule} ${i.file}:${i.line}`), ['gitlab-token big/notes.txt:2']);
    });

    test('a dependency finding a later scan of the same lockfile no longer has is resolved by it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'embargo-osv-'));
      try {
        const record = { schema_version: '1.6.0', id: 'PYSEC-0000-1', modified: '2024-01-01T00:00:00Z', summary: 'demo', affected: [{ package: { ecosystem: 'PyPI', name: 'demo-pkg' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] }] };
        writeFileSync(join(dir, 'PYSEC-0000-1.json'), JSON.stringify(record));
        await importOsvPath(rt.ctx.db, dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const first = (await post({ filename: 'requirements.txt', content: 'demo-pkg==1.0\n' })).json() as ApiScan & { findings: { advisory: string }[] };
      assert.deepEqual(first.findings.map((f) => f.advisory), ['PYSEC-0000-1']);
      const fixed = (await post({ filename: 'requirements.txt', content: 'demo-pkg==2.0\n' })).json() as ApiScan;
      assert.equal(fixed.kind, 'dependency');
      assert.deepEqual(fixed.resolved.map((r) => r.rule), ['PYSEC-0000-1']);
      // Another lockfile's scan does not resolve this one's findings.
      const other = (await post({ filename: 'requirements.txt', content: 'demo-pkg==1.5\n' })).json() as ApiScan;
      assert.deepEqual(other.resolved, []);
    });
  });
}
