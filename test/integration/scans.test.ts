import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isEcosystem, normalisePackageName } from '../../src/core/versions/ecosystems.ts';
import { parseLockfile } from '../../src/core/scanner/parse-lockfile.ts';
import { MAX_SBOM_COMPONENTS } from '../../src/core/scanner/sbom.ts';
import { loadOsvRecords } from '../../src/adapters/osv/load-osv-records.ts';
import { buildAdvisoryIndex } from '../../src/core/scanner/advisory-index.ts';
import { findVulnerabilities } from '../../src/core/scanner/find-vulnerabilities.ts';
import { importOsvPath, RECORDS_PER_PAGE, type OsvImportResult } from '../../src/services/scanning/osv-import.ts';
import { matchStoredRecords } from '../../src/services/scanning/scans.ts';
import { cycloneDxFor, spdxFor } from '../support/sbom.ts';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { multipartBody } from '../support/multipart.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scanner');
const P = '/api/v1/projects/privastream';

interface PeerFinding {
  ecosystem: string;
  package: string;
  version: string;
  id: string;
  aliases: string[];
}

interface ApiFinding {
  id: string;
  ecosystem: string;
  package: string;
  version: string;
  line: number | null;
  advisory: string;
  aliases: string[];
  summary: string;
  severity: string | null;
  fixed: string[];
  report_tracking_id: string | null;
}

interface ApiScan {
  id: string;
  filename: string;
  format: string;
  packages: number;
  advisories_checked: number;
  findings: ApiFinding[];
  unchecked: Array<{ reason: string }>;
}

const keyOf = (f: { ecosystem: string; package: string; version: string; id: string }): string =>
  `${f.ecosystem} ${isEcosystem(f.ecosystem) ? normalisePackageName(f.ecosystem, f.package) : f.package} ${f.version} ${f.id}`;

/** The same lockfiles, expected results and documented differences as scan-crosscheck.test.ts. */
const COMPARED: Record<string, { packages?: number; extraAliases?: Record<string, string[]> }> = {
  'awx-2021-02/requirements.txt': {},
  'documenso-2023-12/package-lock.json': { packages: 1434 },
  'outline-2021-04/yarn.lock': {},
  'osvdev-2024-07/poetry.lock': {},
  'nushell-2021/Cargo.lock': { packages: 651, extraAliases: { '0.1.8 RUSTSEC-2019-0036': ['RUSTSEC-2020-0036'] } },
  'osv-scanner-2022/go.mod': {},
};

const lockfile = (path: string) => ({ filename: path.split('/').pop() as string, content: readFileSync(join(FIXTURES, 'lockfiles', path), 'utf8') });
const peer = (path: string) => JSON.parse(readFileSync(join(FIXTURES, 'expected', `${path.replace('/', '.')}.json`), 'utf8')) as { packages: number; findings: PeerFinding[] };

function assertSameFindings(ours: ApiFinding[], theirs: PeerFinding[], extraAliases: Record<string, string[]> = {}): void {
  const mine = ours.map((f) => ({ ...f, id: f.advisory }));
  assert.deepEqual(mine.map(keyOf).sort(), theirs.map(keyOf).sort());
  const peerAliases = new Map(theirs.map((f) => [keyOf(f), f.aliases]));
  for (const f of mine) {
    const extra = extraAliases[`${f.version} ${f.id}`] ?? [];
    assert.deepEqual(f.aliases, [...(peerAliases.get(keyOf(f)) ?? []), ...extra].sort(), `aliases of ${f.package} ${f.version} ${f.id}`);
  }
}

const work = mkdtempSync(join(tmpdir(), 'embargo-scans-'));
after(() => rmSync(work, { recursive: true, force: true }));

for (const engine of ENGINES) {
  describe(`dependency scans on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    let firstImport: OsvImportResult;
    const scans = new Map<string, ApiScan>();

    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      firstImport = await importOsvPath(rt.ctx.db, join(FIXTURES, 'osv-sample'));
    });
    after(() => rt?.close());

    const post = async (as: Parameters<World['as']>[0], body: { filename?: string; content?: string; files?: { filename: string; content: string }[] }) =>
      rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as(as), payload: body });

    test('the OSV sample imports whole; the 8 records that break the schema are reported and skipped', async () => {
      assert.equal(firstImport.imported, 10150);
      assert.equal(firstImport.updated, 0);
      assert.equal(firstImport.unchanged, 0);
      assert.equal(firstImport.rejected.length, 8);
      assert.ok(firstImport.rejected.some((r) => r.source.endsWith('PYSEC-2019-125.json')));
      const n = await rt.ctx.db.selectFrom('osv_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 10150);
    });

    test('a re-import of the same data is incremental: every record unchanged, nothing written', async () => {
      const before = await rt.ctx.db.selectFrom('osv_records').select(['id', 'imported_at']).where('id', '=', 'RUSTSEC-2020-0036').executeTakeFirstOrThrow();
      const again = await importOsvPath(rt.ctx.db, join(FIXTURES, 'osv-sample'));
      assert.deepEqual({ imported: again.imported, updated: again.updated, unchanged: again.unchanged, rejected: again.rejected.length }, { imported: 0, updated: 0, unchanged: 10150, rejected: 8 });
      const afterRow = await rt.ctx.db.selectFrom('osv_records').select(['id', 'imported_at']).where('id', '=', 'RUSTSEC-2020-0036').executeTakeFirstOrThrow();
      assert.deepEqual(afterRow, before);
    });

    for (const [path, difference] of Object.entries(COMPARED)) {
      test(`scan of ${path} through the API finds what osv-detector finds`, async () => {
        const res = await post('triager', lockfile(path));
        assert.equal(res.statusCode, 201, res.body);
        const scan = res.json() as ApiScan & { created_by_name: string };
        // Who scanned is shown by name, not as user:<uuid>.
        assert.equal(scan.created_by_name, 'triager (API token)');
        const expected = peer(path);
        assert.equal(scan.packages, difference.packages ?? expected.packages);
        assertSameFindings(scan.findings, expected.findings, difference.extraAliases);
        // Only the records naming the lockfile's packages were read.
        assert.ok(scan.advisories_checked < 10150, `${scan.advisories_checked} records read`);
        scans.set(path, scan);
      });
    }

    test('the records are read a page at a time: every sample lockfile\'s packages at once (more names than one index read, more records than a page) find what the in-memory scanner finds', async () => {
      const packages = readdirSync(join(FIXTURES, 'lockfiles'))
        .filter((d) => statSync(join(FIXTURES, 'lockfiles', d)).isDirectory())
        .flatMap((d) => readdirSync(join(FIXTURES, 'lockfiles', d)).filter((n) => n !== 'requirements_bundles.txt').map((n) => join(FIXTURES, 'lockfiles', d, n)))
        .flatMap((file) => parseLockfile(file, readFileSync(file, 'utf8'), (p) => readFileSync(p, 'utf8')).packages);
      // Rows of every statement that returns records' JSON: none may hold more than a page.
      const withText: number[] = [];
      const observed = rt.ctx.db.withPlugin({
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          if (args.result.rows.some((r) => typeof r === 'object' && r !== null && 'record' in r)) withText.push(args.result.rows.length);
          return args.result;
        },
      });
      const { findings, advisoriesChecked } = await matchStoredRecords(observed, packages);
      const { records } = await loadOsvRecords(join(FIXTURES, 'osv-sample'));
      const expected = findVulnerabilities(packages, buildAdvisoryIndex(records));
      assert.ok(expected.length > 200, `${expected.length} findings`);
      assert.deepEqual(findings.map((f) => ({ ...f, fixed: [...f.fixed].sort() })), expected.map((f) => ({ ...f, fixed: [...f.fixed].sort() })));
      assert.ok(advisoriesChecked > 2 * RECORDS_PER_PAGE, `${advisoriesChecked} records read`);
      assert.ok(withText.length >= 3, `${withText.length} reads of records`);
      assert.ok(Math.max(...withText) <= RECORDS_PER_PAGE, `reads of ${withText.join(', ')} records`);
      assert.equal(withText.reduce((a, b) => a + b, 0), advisoriesChecked);
    });

    test('go.sum finds what go.mod finds; multipart upload in the "lockfile" field', async () => {
      const { filename, content } = lockfile('osv-scanner-2022/go.sum');
      const mp = await multipartBody({}, [{ field: 'lockfile', filename, data: Buffer.from(content), type: 'text/plain' }]);
      const res = await rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: { ...world.as('admin'), ...mp.headers }, payload: mp.payload });
      assert.equal(res.statusCode, 201, res.body);
      const scan = res.json() as ApiScan;
      assert.equal(scan.format, 'go.sum');
      assert.equal(scan.packages, 24);
      assertSameFindings(scan.findings, peer('osv-scanner-2022/go.mod').findings);
    });

    test('a requirements file whose -r include was not sent, and a file that is no lockfile: 400 with file and line', async () => {
      const res = await post('admin', lockfile('redash-2019-09/requirements.txt'));
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().message, /^requirements\.txt:63: cannot read included requirements file/);
      const junk = await post('admin', { filename: 'notes.txt', content: 'hello\n' });
      assert.equal(junk.statusCode, 400, junk.body);
      const none = await rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as('admin'), payload: { filename: 'go.mod' } });
      assert.equal(none.statusCode, 400, none.body);
    });

    test('a requirements file with the files it includes (-r): JSON files, or more "lockfile" parts; a missing include is still a 400', async () => {
      const redash = lockfile('redash-2019-09/requirements.txt');
      const bundles = lockfile('redash-2019-09/requirements_bundles.txt');
      const res = await post('admin', { files: [redash, bundles] });
      assert.equal(res.statusCode, 201, res.body);
      const scan = res.json() as ApiScan;
      assert.equal(scan.filename, 'requirements.txt');
      // As the CLI reads it from disk: 57 pinned packages, the peer's findings (see the cross-check).
      assert.equal(scan.packages, 57);
      assertSameFindings(scan.findings, peer('redash-2019-09/requirements.txt').findings);

      const mp = await multipartBody({}, [redash, bundles].map((f) => ({ field: 'lockfile', filename: f.filename, data: Buffer.from(f.content), type: 'text/plain' })));
      const viaMultipart = await rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: { ...world.as('admin'), ...mp.headers }, payload: mp.payload });
      assert.equal(viaMultipart.statusCode, 201, viaMultipart.body);
      assert.deepEqual((viaMultipart.json() as ApiScan).findings.map((f) => f.advisory), scan.findings.map((f) => f.advisory));

      // An include in a folder, named by its path relative to the lockfile (./ and .. resolved).
      const synthetic = join(FIXTURES, 'synthetic', 'requirements-includes');
      const main = { filename: 'requirements.txt', content: readFileSync(join(synthetic, 'requirements.txt'), 'utf8') };
      const common = readFileSync(join(synthetic, 'base', 'common.txt'), 'utf8');
      const nested = await post('admin', { files: [main, { filename: './other/../base/common.txt', content: common }] });
      assert.equal(nested.statusCode, 201, nested.body);
      assert.ok((nested.json() as ApiScan).findings.some((f) => f.package.toLowerCase() === 'django'));
      const wrongFolder = await post('admin', { files: [main, { filename: 'common.txt', content: common }] });
      assert.equal(wrongFolder.statusCode, 400, wrongFolder.body);
      assert.match(wrongFolder.json().message, /^requirements\.txt:3: cannot read included requirements file base\/common\.txt/);

      const both = await post('admin', { ...redash, files: [redash] });
      assert.equal(both.statusCode, 400, both.body);
      const twice = await post('admin', { files: [redash, bundles, bundles] });
      assert.equal(twice.statusCode, 400, twice.body);
      const tooMany = await post('admin', { files: [redash, ...Array.from({ length: 51 }, (_, i) => ({ filename: `x${i}.txt`, content: '' }))] });
      assert.equal(tooMany.statusCode, 400, tooMany.body);
    });

    test('scans are listed and read back as stored', async () => {
      const nushell = scans.get('nushell-2021/Cargo.lock') as ApiScan;
      const list = await rt.app.inject({ url: `${P}/scans`, headers: world.as('viewer') });
      assert.equal(list.statusCode, 200, list.body);
      const row = (list.json() as { scans: Array<{ id: string; findings: number; packages: number; filename: string }> }).scans.find((s) => s.id === nushell.id);
      assert.deepEqual(row && { findings: row.findings, packages: row.packages, filename: row.filename }, { findings: 123, packages: 651, filename: 'Cargo.lock' });
      const one = await rt.app.inject({ url: `${P}/scans/${nushell.id}`, headers: world.as('viewer') });
      assert.equal(one.statusCode, 200, one.body);
      assert.deepEqual(one.json(), nushell);
    });

    test('SBOMs: a CycloneDX 1.5 or SPDX 2.3 document listing the lockfile\'s packages finds what the lockfile finds; components without a purl are unchecked', async () => {
      const parsed = parseLockfile('Cargo.lock', lockfile('nushell-2021/Cargo.lock').content);
      const nushell = scans.get('nushell-2021/Cargo.lock') as ApiScan;
      const extra = [{ type: 'library', 'bom-ref': 'vendored', name: 'vendored-zlib', version: '1.2.11' }, { type: 'library', 'bom-ref': 'jar', name: 'jackson', purl: 'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4' }];
      for (const [filename, content] of [['bom.json', cycloneDxFor(parsed.packages, '1.5', extra)], ['sbom.spdx.json', spdxFor(parsed.packages)]] as const) {
        const res = await post('triager', { filename, content });
        assert.equal(res.statusCode, 201, res.body);
        const scan = res.json() as Omit<ApiScan, 'unchecked'> & { unchecked: Array<{ reason: string; ref: string | null; name: string; ecosystem: string }> };
        assert.equal(scan.format, filename === 'bom.json' ? 'CycloneDX' : 'SPDX');
        assert.equal(scan.packages, 651);
        assert.deepEqual(scan.findings.map((f) => `${f.version} ${f.advisory} ${f.aliases.join(',')}`).sort(), nushell.findings.map((f) => `${f.version} ${f.advisory} ${f.aliases.join(',')}`).sort());
        if (filename === 'bom.json') {
          assert.deepEqual(scan.unchecked.map((u) => [u.reason, u.ref, u.name, u.ecosystem]), [['no-purl', 'vendored', 'vendored-zlib', ''], ['unsupported-type', 'jar', 'com.fasterxml.jackson.core:jackson-databind', 'Maven']]);
        }
      }
      // The real SPDX example: every package reported unchecked, with its SPDXID.
      const example = await post('triager', { filename: 'example.spdx.json', content: readFileSync(join(FIXTURES, 'sbom', 'SPDXJSONExample-v2.3.spdx.json'), 'utf8') });
      assert.equal(example.statusCode, 201, example.body);
      assert.deepEqual((example.json() as { unchecked: Array<{ ref: string }> }).unchecked.map((u) => u.ref), ['SPDXRef-fromDoap-1', 'SPDXRef-fromDoap-0', 'SPDXRef-Saxon']);
      // Bounded: an unsupported version and too many components are 400s that say so.
      const old = await post('admin', { filename: 'bom.json', content: JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.4', components: [] }) });
      assert.equal(old.statusCode, 400, old.body);
      assert.match(old.json().message, /^bom\.json:1: CycloneDX specVersion "1\.4" is not one Embargo reads/);
      const huge = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: Array.from({ length: MAX_SBOM_COMPONENTS + 1 }, () => ({ type: 'library', name: 'a' })) });
      const tooBig = await post('admin', { filename: 'bom.json', content: huge });
      assert.equal(tooBig.statusCode, 400, tooBig.body);
      assert.match(tooBig.json().message, /more than 100000 components, the limit for one document/);
    });

    test('a finding becomes an internal report once per advisory and package', async () => {
      const awx = scans.get('awx-2021-02/requirements.txt') as ApiScan;
      const finding = awx.findings.find((f) => f.advisory === 'PYSEC-2021-76') as ApiFinding;
      assert.ok(finding, 'aiohttp 3.6.2 PYSEC-2021-76 found');
      const url = `${P}/scans/${awx.id}/findings/${finding.id}/report`;
      const first = await rt.app.inject({ method: 'POST', url, headers: world.as('triager') });
      assert.equal(first.statusCode, 201, first.body);
      const trackingId = first.json().tracking_id as string;
      assert.match(trackingId, /^PRIV-\d{4}-\d{4,}$/);
      const second = await rt.app.inject({ method: 'POST', url, headers: world.as('admin') });
      assert.equal(second.statusCode, 200, second.body);
      assert.deepEqual(second.json(), { tracking_id: trackingId, created: false, report_url: `${P}/reports/${trackingId}` });

      // A later scan of the same lockfile: its finding points at the same report, and reporting it again is a 200.
      const rescan = (await post('admin', lockfile('awx-2021-02/requirements.txt'))).json() as ApiScan;
      const again = rescan.findings.find((f) => f.advisory === 'PYSEC-2021-76') as ApiFinding;
      assert.equal(again.report_tracking_id, trackingId);
      const third = await rt.app.inject({ method: 'POST', url: `${P}/scans/${rescan.id}/findings/${again.id}/report`, headers: world.as('triager') });
      assert.equal(third.statusCode, 200, third.body);
      assert.equal(third.json().tracking_id, trackingId);

      const report = await rt.app.inject({ url: `${P}/reports/${trackingId}`, headers: world.as('viewer') });
      assert.equal(report.statusCode, 200, report.body);
      const detail = report.json() as { title: string; source: string; state: string; body: { description: string } };
      assert.equal(detail.title, 'PYSEC-2021-76 in aiohttp 3.6.2');
      assert.equal(detail.source, 'scan');
      assert.equal(detail.state, 'new');
      assert.match(detail.body.description, /Aliases: CVE-2021-21330, GHSA-v6wp-4m6f-gcjg/);
      assert.match(detail.body.description, /Fixed in: 3\.7\.4/);
      const queue = await rt.app.inject({ url: `${P}/reports`, headers: world.as('viewer') });
      assert.equal((queue.json() as { reports: Array<{ tracking_id: string }> }).reports.filter((r) => r.tracking_id === trackingId).length, 1);
      const audit = await rt.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'report.created-internal').execute();
      assert.equal(audit.length, 1);
    });

    test('a finding\'s report keeps its severity (its fix clock runs) and owes no reporter an acknowledgement or assessment', async () => {
      const awx = scans.get('awx-2021-02/requirements.txt') as ApiScan;
      const finding = awx.findings.find((f) => f.severity !== null && !f.report_tracking_id) as ApiFinding;
      assert.ok(finding, 'a finding with a severity');
      const res = await rt.app.inject({ method: 'POST', url: `${P}/scans/${awx.id}/findings/${finding.id}/report`, headers: world.as('triager') });
      assert.equal(res.statusCode, 201, res.body);
      const trackingId = res.json().tracking_id as string;
      const detail = (await rt.app.inject({ url: `${P}/reports/${trackingId}`, headers: world.as('viewer') })).json() as { severity: string | null; deadlines: { clock: string }[] };
      assert.equal(detail.severity, finding.severity, 'the finding\'s severity is the report\'s');
      const clocks = detail.deadlines.map((d) => d.clock);
      for (const owed of ['acknowledge', 'assess', 'detailed_response', 'next_update']) assert.ok(!clocks.includes(owed), `no ${owed} clock: ${clocks.join(', ')}`);
      // The queue and the SLA view read the stored index: no reporter clock there either.
      const stored = await rt.ctx.db
        .selectFrom('report_deadlines')
        .innerJoin('reports', 'reports.id', 'report_deadlines.report_id')
        .select('report_deadlines.clock')
        .where('reports.tracking_id', '=', trackingId)
        .execute();
      assert.deepEqual(stored.map((r) => r.clock), []);
      const row = await rt.ctx.db.selectFrom('reports').select(['next_due_clock', 'severity']).where('tracking_id', '=', trackingId).executeTakeFirstOrThrow();
      assert.equal(row.next_due_clock, null);
      assert.equal(row.severity, finding.severity);
    });

    test('two concurrent requests for one finding create one report', async () => {
      const nushell = scans.get('nushell-2021/Cargo.lock') as ApiScan;
      const finding = nushell.findings[0] as ApiFinding;
      const url = `${P}/scans/${nushell.id}/findings/${finding.id}/report`;
      const results = await Promise.all([1, 2, 3].map(() => rt.app.inject({ method: 'POST', url, headers: world.as('triager') })));
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 200, 201], results.map((r) => r.body).join('\n'));
      assert.equal(new Set(results.map((r) => r.json().tracking_id)).size, 1);
    });

    test('a viewer cannot scan or report a finding (403); an outsider sees 404; anonymous 401', async () => {
      const nushell = scans.get('nushell-2021/Cargo.lock') as ApiScan;
      const finding = nushell.findings[1] as ApiFinding;
      const before = await rt.ctx.db.selectFrom('scans').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal((await post('viewer', lockfile('osv-scanner-2022/go.mod'))).statusCode, 403);
      assert.equal((await rt.app.inject({ method: 'POST', url: `${P}/scans/${nushell.id}/findings/${finding.id}/report`, headers: world.as('viewer') })).statusCode, 403);
      for (const req of [
        { method: 'POST' as const, url: `${P}/scans`, payload: lockfile('osv-scanner-2022/go.mod') },
        { method: 'GET' as const, url: `${P}/scans` },
        { method: 'GET' as const, url: `${P}/scans/${nushell.id}` },
        { method: 'POST' as const, url: `${P}/scans/${nushell.id}/findings/${finding.id}/report` },
      ]) {
        assert.equal((await rt.app.inject({ ...req, headers: world.as('outsider') })).statusCode, 404, `${req.method} ${req.url}`);
        assert.equal((await rt.app.inject(req)).statusCode, 401, `${req.method} ${req.url}`);
      }
      // Another project's path does not open privastream's scan.
      const other = await rt.app.inject({ url: `/api/v1/projects/personal-chatter/scans/${nushell.id}`, headers: world.as('siteAdmin') });
      assert.equal(other.statusCode, 404);
      const afterCount = await rt.ctx.db.selectFrom('scans').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(afterCount.n), Number(before.n));
    });

    test('re-import: a broken copy no newer than the stored one is unchanged (not re-checked); a broken newer copy is rejected, the stored copy kept', async () => {
      const record = JSON.parse(readFileSync(join(FIXTURES, 'records', 'PYSEC-2021-439.json'), 'utf8')) as Record<string, unknown>;
      const file = join(work, `${engine.name}-PYSEC-2021-439-broken.json`);
      writeFileSync(file, JSON.stringify({ ...record, affected: 'not a list' }));
      const same = await importOsvPath(rt.ctx.db, file);
      assert.deepEqual({ imported: same.imported, updated: same.updated, unchanged: same.unchanged, rejected: same.rejected.length }, { imported: 0, updated: 0, unchanged: 1, rejected: 0 });
      writeFileSync(file, JSON.stringify({ ...record, modified: '2031-01-01T00:00:00Z', affected: 'not a list' }));
      const newer = await importOsvPath(rt.ctx.db, file);
      assert.deepEqual({ imported: newer.imported, updated: newer.updated, unchanged: newer.unchanged }, { imported: 0, updated: 0, unchanged: 0 });
      assert.deepEqual(newer.rejected.map((r) => r.problems), [['affected: not a list']]);
      const stored = await rt.ctx.db.selectFrom('osv_records').select(['modified']).where('id', '=', 'PYSEC-2021-439').executeTakeFirstOrThrow();
      assert.equal(new Date(stored.modified).toISOString(), new Date(record.modified as string).toISOString());
    });

    test('a newer copy of a record replaces the stored one; a withdrawn record stops matching', async () => {
      const record = JSON.parse(readFileSync(join(FIXTURES, 'records', 'RUSTSEC-2020-0036.json'), 'utf8')) as Record<string, unknown>;
      const file = join(work, `${engine.name}-RUSTSEC-2020-0036.json`);
      writeFileSync(file, JSON.stringify({ ...record, modified: '2030-01-01T00:00:00Z', withdrawn: '2030-01-01T00:00:00Z' }));
      const update = await importOsvPath(rt.ctx.db, file);
      assert.deepEqual({ imported: update.imported, updated: update.updated, unchanged: update.unchanged }, { imported: 0, updated: 1, unchanged: 0 });
      const stale = await importOsvPath(rt.ctx.db, join(FIXTURES, 'records', 'RUSTSEC-2020-0036.json'));
      assert.deepEqual({ imported: stale.imported, updated: stale.updated, unchanged: stale.unchanged }, { imported: 0, updated: 0, unchanged: 1 });
      const scan = (await post('admin', lockfile('nushell-2021/Cargo.lock'))).json() as ApiScan;
      const failure = scan.findings.find((f) => f.package === 'failure') as ApiFinding;
      assert.equal(failure.advisory, 'RUSTSEC-2019-0036');
      assert.ok(!failure.aliases.includes('RUSTSEC-2020-0036'), failure.aliases.join(', '));
    });
  });
}
