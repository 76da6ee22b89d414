import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HTTPMethods, InjectOptions } from 'fastify';
import { readdirSync } from 'node:fs';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { ADMINS, all, MEMBERS, outcomeOf, P, partyOutcome, PUBLIC, R, SIGNED_IN, SITE_ADMINS, TRIAGERS, type Fixture, type Outcome, type Row } from '../support/authz.ts';
import { joinedParty } from '../support/coordination.ts';
import { examplePolicy, PERSONAS, seedWorld, submit, validReport, type Persona, type World } from '../support/fixtures.ts';
import { multipartBody } from '../support/multipart.ts';
import { registeredRoutes } from '../support/routes.ts';
import { rowCounts } from '../support/db-counts.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';
import { createUser } from '../../src/services/access/users.ts';
import { importOsvPath } from '../../src/services/scanning/osv-import.ts';
import { join } from 'node:path';

/**
 * Every route the app registers × every persona, with the class of outcome each must get. The route list is
 * read back from the app: a new route without a row here or in test/support/authz-rows/ fails the "covers every
 * route" test.
 */

const PASSWORD = 'correct horse battery staple';
let serial = 0;

const SCAN_UPLOAD = {
  filename: 'Cargo.lock',
  content: 'version = 3\n\n[[package]]\nname = "failure"\nversion = "0.1.8"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n',
};

async function freshReport(rt: TestServer): Promise<string> {
  return (await submit(rt)).tracking_id;
}

const CORE_ROWS: Row[] = [
  // Documentation (swagger-ui) and the OpenAPI document.
  { method: 'GET', route: '/api/docs', expect: PUBLIC, request: () => ({ url: '/api/docs' }) },
  { method: 'GET', route: '/api/docs/', expect: PUBLIC, request: () => ({ url: '/api/docs/' }) },
  { method: 'GET', route: '/api/docs/static/index.html', expect: all('3xx'), request: () => ({ url: '/api/docs/static/index.html' }) },
  { method: 'GET', route: '/api/docs/static/swagger-initializer.js', expect: PUBLIC, request: () => ({ url: '/api/docs/static/swagger-initializer.js' }) },
  { method: 'GET', route: '/api/docs/static/*', expect: PUBLIC, request: () => ({ url: '/api/docs/static/swagger-ui.css' }) },
  { method: 'GET', route: '/api/docs/json', expect: PUBLIC, request: () => ({ url: '/api/docs/json' }) },
  { method: 'GET', route: '/api/docs/yaml', expect: PUBLIC, request: () => ({ url: '/api/docs/yaml' }) },
  { method: 'GET', route: '/api/openapi.json', expect: PUBLIC, request: () => ({ url: '/api/openapi.json' }) },
  { method: 'GET', route: '/healthz', expect: PUBLIC, request: () => ({ url: '/healthz' }) },
  { method: 'POST', route: '/api/v1/cvss', expect: PUBLIC, request: () => ({ url: '/api/v1/cvss', payload: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } }) },
  { method: 'GET', route: '/api/v1/cvss/metrics', expect: PUBLIC, request: () => ({ url: '/api/v1/cvss/metrics' }) },

  // System and session.
  // Whether the first admin is still to be created: public (the sign-in page asks it before anyone can sign in).
  { method: 'GET', route: '/api/v1/setup', expect: PUBLIC, request: () => ({ url: '/api/v1/setup' }) },
  {
    method: 'POST',
    route: '/api/v1/setup',
    // Public, but single-use: once users exist nobody (not even a site admin) can create another "first" admin.
    expect: all(403),
    request: () => ({ url: '/api/v1/setup', payload: { token: 'setup_not-the-real-token-000000', email: 'second@example.org', name: 'Second', password: PASSWORD } }),
  },
  { method: 'POST', route: '/api/v1/session', expect: PUBLIC, request: () => ({ url: '/api/v1/session', payload: { email: 'bystander@example.org', password: PASSWORD } }) },
  { method: 'GET', route: '/api/v1/session', expect: SIGNED_IN, request: () => ({ url: '/api/v1/session' }) },
  { method: 'DELETE', route: '/api/v1/session', expect: SIGNED_IN, request: () => ({ url: '/api/v1/session' }) },
  // Invitation links: anyone may try one; a token that was never issued is 404 for everybody.
  { method: 'POST', route: '/api/v1/invitations/lookup', expect: all(404), request: () => ({ url: '/api/v1/invitations/lookup', payload: { token: 'inv_never-issued-00000000' } }) },
  {
    method: 'POST',
    route: '/api/v1/invitations/accept',
    expect: all(404),
    request: () => ({ url: '/api/v1/invitations/accept', payload: { token: 'inv_never-issued-00000000', name: 'Nobody', password: PASSWORD } }),
  },
  {
    method: 'POST',
    route: '/api/v1/users',
    expect: SITE_ADMINS,
    request: () => ({ url: '/api/v1/users', payload: { email: `new-${++serial}@example.org`, name: 'New Maintainer', password: PASSWORD } }),
  },
  { method: 'GET', route: '/api/v1/audit/verify', expect: SITE_ADMINS, request: () => ({ url: '/api/v1/audit/verify' }) },

  // Projects and policy documents.
  { method: 'GET', route: '/api/v1/projects', expect: PUBLIC, request: () => ({ url: '/api/v1/projects' }) },
  { method: 'POST', route: '/api/v1/projects', expect: SITE_ADMINS, request: () => ({ url: '/api/v1/projects', payload: { policy_yaml: examplePolicy('privastream') } }) },
  { method: 'GET', route: '/api/v1/projects/:slug', expect: PUBLIC, request: () => ({ url: P }) },
  { method: 'GET', route: '/api/v1/projects/:slug/policy', expect: PUBLIC, request: () => ({ url: `${P}/policy` }) },
  { method: 'PUT', route: '/api/v1/projects/:slug/policy', expect: ADMINS, request: () => ({ url: `${P}/policy`, payload: { policy_yaml: examplePolicy('privastream') } }) },
  { method: 'GET', route: '/api/v1/projects/:slug/security.md', expect: PUBLIC, request: () => ({ url: `${P}/security.md` }) },
  { method: 'GET', route: '/projects/:slug/.well-known/security.txt', expect: PUBLIC, request: () => ({ url: '/projects/privastream/.well-known/security.txt' }) },
  { method: 'GET', route: '/.well-known/security.txt', expect: PUBLIC, request: () => ({ url: '/.well-known/security.txt', headers: { host: 'security.personal-chatter.test' } }) },
  { method: 'GET', route: '/api/v1/projects/:slug/members', expect: MEMBERS, request: () => ({ url: `${P}/members` }) },
  { method: 'PUT', route: '/api/v1/projects/:slug/members', expect: ADMINS, request: () => ({ url: `${P}/members`, payload: { email: 'bystander@example.org', role: 'viewer' } }) },
  { method: 'GET', route: '/api/v1/projects/:slug/sla', expect: MEMBERS, request: () => ({ url: `${P}/sla` }) },
  { method: 'GET', route: '/api/v1/projects/:slug/audit', expect: ADMINS, request: () => ({ url: `${P}/audit?limit=5` }) },

  // Intake and triage.
  { method: 'POST', route: '/api/v1/projects/:slug/reports', expect: PUBLIC, request: () => ({ url: `${P}/reports`, payload: validReport() }) },
  { method: 'GET', route: '/api/v1/projects/:slug/reports', expect: MEMBERS, request: () => ({ url: `${P}/reports` }) },
  { method: 'GET', route: R, expect: MEMBERS, request: (f) => ({ url: `${P}/reports/${f.trackingId}` }) },
  {
    method: 'POST',
    route: `${R}/transitions`,
    expect: TRIAGERS,
    request: async (f) => ({ url: `${P}/reports/${await freshReport(f.rt)}/transitions`, payload: { to: 'acknowledged' } }),
  },
  { method: 'PUT', route: `${R}/severity`, expect: TRIAGERS, request: (f) => ({ url: `${P}/reports/${f.trackingId}/severity`, payload: { severity: 'high' } }) },
  { method: 'PUT', route: `${R}/embargo`, expect: TRIAGERS, request: (f) => ({ url: `${P}/reports/${f.trackingId}/embargo`, payload: { until: '2027-06-30' } }) },
  { method: 'POST', route: `${R}/messages`, variant: 'reply', expect: TRIAGERS, request: (f) => ({ url: `${P}/reports/${f.trackingId}/messages`, payload: { body: 'Thanks, looking.' } }) },
  {
    method: 'POST',
    route: `${R}/messages`,
    variant: 'internal note',
    expect: TRIAGERS,
    request: (f) => ({ url: `${P}/reports/${f.trackingId}/messages`, payload: { body: 'Internal: reproduced.', internal: true } }),
  },
  { method: 'GET', route: `${R}/attachments/:attachmentId`, expect: MEMBERS, request: (f) => ({ url: `${P}/reports/${f.trackingId}/attachments/${f.attachmentId}` }) },

  // Dependency scans.
  { method: 'POST', route: '/api/v1/projects/:slug/scans', expect: TRIAGERS, request: () => ({ url: `${P}/scans`, payload: SCAN_UPLOAD }) },
  { method: 'GET', route: '/api/v1/projects/:slug/scans', expect: MEMBERS, request: () => ({ url: `${P}/scans` }) },
  { method: 'GET', route: '/api/v1/projects/:slug/scans/:scanId', expect: MEMBERS, request: (f) => ({ url: `${P}/scans/${f.scanId}` }) },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/scans/:scanId/findings/:findingId/report',
    expect: TRIAGERS,
    request: (f) => ({ url: `${P}/scans/${f.scanId}/findings/${f.findingId}/report` }),
  },

  // The reporter's side: the token in the path is the credential, whoever else is signed in.
  { method: 'GET', route: '/api/v1/reporter/:token', expect: PUBLIC, request: (f) => ({ url: `/api/v1/reporter/${f.reporterToken}` }) },
  { method: 'POST', route: '/api/v1/reporter/:token/messages', expect: PUBLIC, request: (f) => ({ url: `/api/v1/reporter/${f.reporterToken}/messages`, payload: { body: 'More detail.' } }) },
  {
    method: 'GET',
    route: '/api/v1/reporter/:token/attachments/:attachmentId',
    expect: PUBLIC,
    request: (f) => ({ url: `/api/v1/reporter/${f.reporterToken}/attachments/${f.attachmentId}` }),
  },
  // The reporter's private page (HTML, works without JavaScript); its form posts back and redirects (303).
  { method: 'GET', route: '/reporter/:token', expect: all('3xx'), request: (f) => ({ url: `/reporter/${f.reporterToken}` }) },
  { method: 'POST', route: '/reporter/:token', expect: all('3xx'), request: (f) => ({ url: `/reporter/${f.reporterToken}`, payload: { body: 'Sent from the page.' } }) },
];

/** Feature rows from test/support/authz-rows/*.ts (see test/support/authz.ts). */
const FEATURE_ROWS_DIR = join(import.meta.dirname, '..', 'support', 'authz-rows');
const featureRows: Row[] = [];
for (const file of readdirSync(FEATURE_ROWS_DIR).filter((n) => n.endsWith('.ts')).sort()) {
  const mod = (await import(join(FEATURE_ROWS_DIR, file))) as { ROWS?: Row[] };
  if (!Array.isArray(mod.ROWS)) throw new Error(`${file} must export ROWS: Row[]`);
  featureRows.push(...mod.ROWS);
}
const ROWS: Row[] = [...CORE_ROWS, ...featureRows];

const rowName = (r: Row) => `${r.method} ${r.route}${r.variant ? ` (${r.variant})` : ''}`;

async function submitWithAttachment(rt: TestServer, slug: string, world: World) {
  const mp = await multipartBody(validReport(), [{ filename: 'poc.txt', data: Buffer.from('curl http://target/models?name=../../etc/passwd\n'), type: 'text/plain' }]);
  const res = await rt.app.inject({ method: 'POST', url: `/api/v1/projects/${slug}/reports`, ...mp });
  assert.equal(res.statusCode, 201, res.body);
  const { tracking_id, reporter_token } = res.json() as { tracking_id: string; reporter_token: string };
  const detail = await rt.app.inject({ url: `/api/v1/projects/${slug}/reports/${tracking_id}`, headers: world.as('siteAdmin') });
  assert.equal(detail.statusCode, 200, detail.body);
  const attachmentId = (detail.json() as { attachments: Array<{ id: string }> }).attachments[0]?.id;
  assert.ok(attachmentId, 'the submission stored its attachment');
  return { trackingId: tracking_id, reporterToken: reporter_token, attachmentId };
}

for (const engine of ENGINES) {
  describe(`authorization on ${engine.name}`, () => {
    let rt: TestServer;
    let f: Fixture;
    before(async () => {
      rt = await startTestRuntime(engine);
      const world = await seedWorld(rt);
      // personal-chatter also answers /.well-known/security.txt for its own host.
      await savePolicy(rt.ctx, examplePolicy('personal-chatter').replace('tracking_prefix: PCHAT', 'tracking_prefix: PCHAT\n  hosts: [security.personal-chatter.test]'), 'test');
      await createUser(rt.ctx, { email: 'bystander@example.org', name: 'Bystander', password: PASSWORD, siteAdmin: false }, 'test');
      const priv = await submitWithAttachment(rt, 'privastream', world);
      const pchat = await submitWithAttachment(rt, 'personal-chatter', world);
      await importOsvPath(rt.ctx.db, join(import.meta.dirname, '..', 'fixtures', 'scanner', 'records'));
      const scan = await rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as('siteAdmin'), payload: SCAN_UPLOAD });
      assert.equal(scan.statusCode, 201, scan.body);
      const { id: scanId, findings } = scan.json() as { id: string; findings: Array<{ id: string }> };
      assert.ok(findings[0], 'the scan found failure 0.1.8');
      // Issue 19: a party of privastream's case A, and case B it is not in.
      const party = await joinedParty(rt, world, priv.trackingId, 'party@vendor.example');
      const otherCase = await submit(rt);
      const otherCaseId = (await rt.ctx.db.selectFrom('reports').select('id').where('tracking_id', '=', otherCase.tracking_id).executeTakeFirstOrThrow()).id;
      f = {
        rt,
        world,
        ...priv,
        pchatTrackingId: pchat.trackingId,
        pchatAttachmentId: pchat.attachmentId,
        scanId,
        findingId: findings[0].id,
        party: { headers: party.headers, caseId: party.caseId, partyId: party.partyId },
        otherCaseId,
      };
    });
    after(() => rt?.close());

    test('the matrix covers every registered route, and only registered routes', () => {
      const registered = new Set(registeredRoutes(rt.app).map((r) => `${r.method} ${r.url}`));
      assert.ok(registered.size > 30, `expected to read the route table, got ${[...registered].join(', ')}`);
      const covered = new Set<string>();
      for (const r of ROWS) {
        covered.add(`${r.method} ${r.route}`);
        // Fastify answers HEAD for every GET route; the matrix runs those too, with the same expectations.
        if (r.method === 'GET') covered.add(`HEAD ${r.route}`);
      }
      const missing = [...registered].filter((k) => !covered.has(k)).sort();
      const stale = [...covered].filter((k) => !registered.has(k)).sort();
      assert.deepEqual(missing, [], `routes with no row in the authorization matrix: ${missing.join(', ')}`);
      assert.deepEqual(stale, [], `matrix rows for routes the app does not register: ${stale.join(', ')}`);
    });

    for (const row of ROWS) {
      const name = rowName(row);
      test(`matrix: ${name}`, async () => {
        const methods: HTTPMethods[] = row.method === 'GET' ? ['GET', 'HEAD'] : [row.method];
        const actual: Record<string, Outcome | number> = {};
        const expected: Record<string, Outcome> = {};
        const bodies: Record<string, string> = {};
        for (const method of methods) {
          for (const persona of PERSONAS) {
            const key = `${method} as ${persona}`;
            const req = await row.request(f, persona);
            const res = await rt.app.inject({ ...req, method, headers: { ...(req.headers ?? {}), ...f.world.as(persona) } });
            actual[key] = outcomeOf(res.statusCode);
            expected[key] = row.expect[persona];
            if (actual[key] !== expected[key]) bodies[key] = `${res.statusCode} ${res.body.slice(0, 200)}`;
          }
          // The party of case A (issue 19): a stranger to every project route, by construction.
          const asParty = partyOutcome(row);
          if (asParty !== undefined) {
            const key = `${method} as party`;
            const req = await row.request(f, 'outsider');
            const res = await rt.app.inject({ ...req, method, headers: { ...(req.headers ?? {}), ...f.party.headers } });
            actual[key] = outcomeOf(res.statusCode);
            expected[key] = asParty;
            if (actual[key] !== expected[key]) bodies[key] = `${res.statusCode} ${res.body.slice(0, 200)}`;
          }
        }
        assert.deepEqual(actual, expected, `unexpected outcomes for ${name}: ${JSON.stringify(bodies, null, 2)}`);
      });
    }

    describe('cross-project isolation', () => {
      const privReport = () => `${P}/reports/${f.trackingId}`;

      test('the outsider cannot list, read, triage, reply to or download from privastream reports: 404, never 403', async () => {
        const before = await rowCounts(rt);
        const stateBefore = (await rt.ctx.db.selectFrom('reports').select('state').where('tracking_id', '=', f.trackingId).executeTakeFirstOrThrow()).state;
        const attempts: InjectOptions[] = [
          { method: 'GET', url: `${P}/reports` },
          { method: 'GET', url: privReport() },
          { method: 'POST', url: `${privReport()}/transitions`, payload: { to: 'acknowledged' } },
          { method: 'PUT', url: `${privReport()}/severity`, payload: { severity: 'critical' } },
          { method: 'POST', url: `${privReport()}/messages`, payload: { body: 'Hello from outside' } },
          { method: 'POST', url: `${privReport()}/messages`, payload: { body: 'Internal from outside', internal: true } },
          { method: 'GET', url: `${privReport()}/attachments/${f.attachmentId}` },
          { method: 'GET', url: `${P}/sla` },
          { method: 'GET', url: `${P}/members` },
          { method: 'GET', url: `${P}/audit` },
        ];
        for (const a of attempts) {
          const res = await rt.app.inject({ ...a, headers: f.world.as('outsider') });
          assert.equal(res.statusCode, 404, `${a.method} ${a.url}: ${res.body}`);
          assert.equal(res.json().error, 'not_found');
          assert.equal(res.body.includes(f.trackingId), false, 'the 404 must not echo the tracking ID');
        }
        const after = await rowCounts(rt);
        assert.deepEqual(after, before, 'nothing the outsider tried may have been written');
        const stateAfter = (await rt.ctx.db.selectFrom('reports').select('state').where('tracking_id', '=', f.trackingId).executeTakeFirstOrThrow()).state;
        assert.equal(stateAfter, stateBefore);
      });

      test('for the outsider an existing privastream report is indistinguishable from a missing one', async () => {
        const headers = f.world.as('outsider');
        const missing = `${P}/reports/PRIV-2026-9999`;
        const pairs: Array<[string, string]> = [
          [privReport(), missing],
          [`${privReport()}/attachments/${f.attachmentId}`, `${missing}/attachments/00000000-0000-4000-8000-000000000000`],
        ];
        for (const [real, fake] of pairs) {
          const a = await rt.app.inject({ url: real, headers });
          const b = await rt.app.inject({ url: fake, headers });
          assert.equal(a.statusCode, 404);
          assert.deepEqual([a.statusCode, a.json()], [b.statusCode, b.json()]);
        }
      });

      test('a privastream tracking ID under /projects/personal-chatter/... is 404, even for those who may read it', async () => {
        const pc = '/api/v1/projects/personal-chatter/reports';
        const before = await rowCounts(rt);
        for (const persona of ['siteAdmin', 'admin', 'outsider'] as const) {
          const headers = f.world.as(persona);
          const attempts: InjectOptions[] = [
            { method: 'GET', url: `${pc}/${f.trackingId}` },
            { method: 'POST', url: `${pc}/${f.trackingId}/transitions`, payload: { to: 'acknowledged' } },
            { method: 'PUT', url: `${pc}/${f.trackingId}/severity`, payload: { severity: 'low' } },
            { method: 'POST', url: `${pc}/${f.trackingId}/messages`, payload: { body: 'wrong project' } },
            { method: 'GET', url: `${pc}/${f.trackingId}/attachments/${f.attachmentId}` },
            // A personal-chatter report the caller may read, with an attachment that belongs to privastream.
            { method: 'GET', url: `${pc}/${f.pchatTrackingId}/attachments/${f.attachmentId}` },
            // And the reverse: privastream's path with personal-chatter's report.
            { method: 'GET', url: `${P}/reports/${f.pchatTrackingId}` },
          ];
          for (const a of attempts) {
            const res = await rt.app.inject({ ...a, headers });
            assert.equal(res.statusCode, 404, `${persona}: ${a.method} ${a.url}: ${res.body}`);
          }
        }
        assert.deepEqual(await rowCounts(rt), before);
        // The right path still works for the site admin, so the 404s above are about the path, not the report.
        const ok = await rt.app.inject({ url: `${pc}/${f.pchatTrackingId}/attachments/${f.pchatAttachmentId}`, headers: f.world.as('outsider') });
        assert.equal(ok.statusCode, 200, ok.body);
      });

      test("queues never show another project's reports", async () => {
        const pc = await rt.app.inject({ url: '/api/v1/projects/personal-chatter/reports', headers: f.world.as('siteAdmin') });
        const ids = (pc.json() as { reports: Array<{ tracking_id: string }> }).reports.map((r) => r.tracking_id);
        assert.ok(ids.length > 0);
        assert.ok(ids.every((id) => id.startsWith('PCHAT-')), ids.join(', '));
        const sla = await rt.app.inject({ url: '/api/v1/projects/personal-chatter/sla', headers: f.world.as('outsider') });
        assert.equal(sla.statusCode, 200);
        assert.ok((sla.json() as { deadlines: Array<{ tracking_id: string }> }).deadlines.every((d) => d.tracking_id.startsWith('PCHAT-')));
      });

      test('a reporter token opens only its own report', async () => {
        const res = await rt.app.inject({ url: `/api/v1/reporter/${f.reporterToken}/attachments/${f.pchatAttachmentId}` });
        assert.equal(res.statusCode, 404);
        const bogus = await rt.app.inject({ url: `/api/v1/reporter/${'x'.repeat(32)}` });
        assert.equal(bogus.statusCode, 404);
      });
    });

    describe('roles within a project', () => {
      test('a viewer cannot triage, set severity, reply or add notes (403), and nothing changes', async () => {
        const headers = f.world.as('viewer');
        const before = await rowCounts(rt);
        const base = `${P}/reports/${f.trackingId}`;
        for (const a of [
          { method: 'POST', url: `${base}/transitions`, payload: { to: 'acknowledged' } },
          { method: 'PUT', url: `${base}/severity`, payload: { severity: 'low' } },
          { method: 'POST', url: `${base}/messages`, payload: { body: 'reply' } },
          { method: 'POST', url: `${base}/messages`, payload: { body: 'note', internal: true } },
        ] as InjectOptions[]) {
          const res = await rt.app.inject({ ...a, headers });
          assert.equal(res.statusCode, 403, `${a.method} ${a.url}: ${res.body}`);
          assert.equal(res.json().error, 'forbidden');
        }
        assert.deepEqual(await rowCounts(rt), before);
        // ...but may read.
        assert.equal((await rt.app.inject({ url: base, headers })).statusCode, 200);
      });

      test('a triager cannot manage members, update the policy or read the audit trail (403)', async () => {
        const headers = f.world.as('triager');
        const before = await rowCounts(rt);
        const policyBefore = (await rt.ctx.db.selectFrom('projects').select('policy_yaml').where('slug', '=', 'privastream').executeTakeFirstOrThrow()).policy_yaml;
        for (const a of [
          { method: 'PUT', url: `${P}/members`, payload: { email: 'triager@example.org', role: 'admin' } },
          { method: 'PUT', url: `${P}/members`, payload: { email: 'admin@example.org', role: null } },
          { method: 'PUT', url: `${P}/policy`, payload: { policy_yaml: examplePolicy('privastream').replace('within: 48h', 'within: 400h') } },
          { method: 'GET', url: `${P}/audit` },
        ] as InjectOptions[]) {
          const res = await rt.app.inject({ ...a, headers });
          assert.equal(res.statusCode, 403, `${a.method} ${a.url}: ${res.body}`);
        }
        assert.deepEqual(await rowCounts(rt), before);
        const roles = await rt.app.inject({ url: `${P}/members`, headers });
        const byEmail = Object.fromEntries((roles.json() as { members: Array<{ email: string; role: string }> }).members.map((m) => [m.email, m.role]));
        assert.equal(byEmail['triager@example.org'], 'triager');
        assert.equal(byEmail['admin@example.org'], 'admin');
        const policyAfter = (await rt.ctx.db.selectFrom('projects').select('policy_yaml').where('slug', '=', 'privastream').executeTakeFirstOrThrow()).policy_yaml;
        assert.equal(policyAfter, policyBefore);
      });

      test('a site admin can create maintainers and other site admins', async () => {
        for (const siteAdmin of [false, true]) {
          const email = `created-${siteAdmin ? 'site-admin' : 'maintainer'}@example.org`;
          const res = await rt.app.inject({
            method: 'POST',
            url: '/api/v1/users',
            headers: f.world.as('siteAdmin'),
            payload: { email, name: 'Created', password: PASSWORD, site_admin: siteAdmin },
          });
          assert.equal(res.statusCode, 201, res.body);
          assert.equal(res.json().site_admin, siteAdmin);
        }
      });

      test('a project admin cannot act as a site admin', async () => {
        const headers = f.world.as('admin');
        for (const a of [
          { method: 'POST', url: '/api/v1/users', payload: { email: 'sneaky@example.org', name: 'Sneaky', password: PASSWORD, site_admin: true } },
          { method: 'POST', url: '/api/v1/projects', payload: { policy_yaml: examplePolicy('personal-chatter') } },
          { method: 'GET', url: '/api/v1/audit/verify' },
        ] as InjectOptions[]) {
          const res = await rt.app.inject({ ...a, headers });
          assert.equal(res.statusCode, 403, `${a.method} ${a.url}: ${res.body}`);
        }
      });
    });
  });
}
