import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, type World } from '../support/fixtures.ts';
import { startRelay, type CapturedMail, type TestRelay } from '../support/mail-relay.ts';
import { joinedParty } from '../support/coordination.ts';
import { createUser } from '../../src/services/access/users.ts';
import { advisoryContent, createAdvisory, move } from '../support/advisory-fixtures.ts';
import { bsiValidate } from '../support/csaf-validator.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const Ajv2020Class = Ajv2020 as unknown as typeof Ajv2020.default;
const withFormats = addFormats as unknown as typeof addFormats.default;
/** The OpenVEX 0.2.0 JSON schema (openvex/spec), as shipped in ../shared/data/schemas/openvex/. */
function openVexValidator() {
  const ajv = new Ajv2020Class({ strict: false, allErrors: true });
  withFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'schemas', 'openvex', 'openvex_json_schema.json'), 'utf8')) as object);
}

/**
 * Multi-party coordination (issue 19): parties invited by mail into one case, their VEX statuses with history, the
 * party thread with per-party unread markers, the shared embargo. Parties see only their case.
 */
const P = '/api/v1/projects/privastream';
const PASSWORD = 'correct horse battery staple';

for (const engine of ENGINES) {
  describe(`coordination on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;
    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}` });
      world = await seedWorld(rt);
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    async function mailsTo(to: string, from: number): Promise<CapturedMail[]> {
      await rt.jobs.runAllOnce();
      await relay.waitFor(from + 1);
      return relay.mails.slice(from).filter((m) => m.to.includes(to));
    }

    test('a party invited by mail joins through the link with a new account and sees only its case', async () => {
      const { tracking_id } = await submit(rt);
      const other = await submit(rt);
      const seen = relay.mails.length;
      const invited = await rt.app.inject({ method: 'POST', url: `${P}/reports/${tracking_id}/parties`, headers: world.as('triager'), payload: { email: 'psirt@vendor.example', name: 'Vendor PSIRT', role: 'vendor' } });
      assert.equal(invited.statusCode, 201, invited.body);
      assert.equal((invited.json() as { joined: boolean }).joined, false);
      const [mail] = await mailsTo('psirt@vendor.example', seen);
      const text = mail?.parsed.text ?? assert.fail('no invitation mail');
      assert.match(mail?.parsed.subject ?? '', new RegExp(`\\[${tracking_id}\\] Invitation`));
      assert.doesNotMatch(text, /Path traversal|Ada/, 'the mail names neither the flaw nor the reporter');
      const token = decodeURIComponent(/\/app\/case-invitation#token=(pty_[^\s]+)/.exec(text)?.[1] ?? assert.fail(text));

      const look = await rt.app.inject({ method: 'POST', url: '/api/v1/case-invitations/lookup', payload: { token } });
      assert.equal(look.statusCode, 200, look.body);
      const accepted = await Promise.all([0, 1].map(() => rt.app.inject({ method: 'POST', url: '/api/v1/case-invitations/accept', payload: { token, name: 'Pat Vendor', password: PASSWORD } })));
      assert.deepEqual(accepted.map((r) => r.statusCode).sort(), [200, 404], 'the link works once');
      const ok = accepted.find((r) => r.statusCode === 200) ?? assert.fail();
      const cookie = ok.headers['set-cookie'];
      const headers = { cookie: (Array.isArray(cookie) ? cookie : [String(cookie)]).map((c) => c.split(';')[0]).join('; '), 'x-csrf-token': (ok.json() as { csrf_token: string }).csrf_token };
      const caseId = (ok.json() as { case_id: string }).case_id;

      const mine = await rt.app.inject({ url: '/api/v1/cases', headers });
      assert.deepEqual((mine.json() as { cases: Array<{ tracking_id: string }> }).cases.map((c) => c.tracking_id), [tracking_id]);
      const page = await rt.app.inject({ url: `/api/v1/cases/${caseId}`, headers });
      assert.equal(page.statusCode, 200, page.body);
      const body = page.body;
      assert.doesNotMatch(body, /ada@example\.org|Ada Researcher|etc\/passwd/, 'no reporter identity, no report body');
      // Not a member: the project's routes answer 404 like to any stranger.
      const otherId = (await rt.ctx.db.selectFrom('reports').select('id').where('tracking_id', '=', other.tracking_id).executeTakeFirstOrThrow()).id;
      for (const url of [`${P}/reports`, `${P}/reports/${tracking_id}`, `${P}/reports/${tracking_id}/parties`, `/api/v1/cases/${otherId}`, `/api/v1/cases/${otherId}/messages`]) {
        const res = await rt.app.inject({ url, headers });
        assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
      }
      const reply = await rt.app.inject({ method: 'POST', url: `${P}/reports/${tracking_id}/messages`, headers, payload: { body: 'to the reporter?' } });
      assert.equal(reply.statusCode, 404, 'the reporter thread is closed to parties');
    });

    test('an address with an account is invited like any other: the case list does not tell, and it joins by accepting signed in', async () => {
      const { tracking_id } = await submit(rt);
      await createUser(rt.ctx, { email: 'known@vendor-k.example', name: 'Kai Known', password: PASSWORD, siteAdmin: false }, 'test');
      const seen = relay.mails.length;
      for (const email of ['known@vendor-k.example', 'fresh@vendor-f.example']) {
        const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/${tracking_id}/parties`, headers: world.as('triager'), payload: { email, name: email, role: 'vendor' } });
        assert.equal(res.statusCode, 201, res.body);
      }
      const listed = (await rt.app.inject({ url: `${P}/reports/${tracking_id}/parties`, headers: world.as('triager') })).json() as { parties: Array<{ email: string; joined: boolean }> };
      assert.deepEqual(listed.parties.map((x) => `${x.email}:${x.joined}`).sort(), ['fresh@vendor-f.example:false', 'known@vendor-k.example:false'], 'neither has joined: nothing says which address had an account');

      const [mail] = await mailsTo('known@vendor-k.example', seen);
      const token = decodeURIComponent(/\/app\/case-invitation#token=(pty_[^\s]+)/.exec(mail?.parsed.text ?? '')?.[1] ?? assert.fail(`no link in ${mail?.parsed.text}`));
      const session = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'known@vendor-k.example', password: PASSWORD } });
      const cookie = String(session.headers['set-cookie']).split(';')[0] ?? '';
      const accepted = await rt.app.inject({ method: 'POST', url: '/api/v1/case-invitations/accept', headers: { cookie, 'x-csrf-token': (session.json() as { csrf_token: string }).csrf_token }, payload: { token } });
      assert.equal(accepted.statusCode, 200, accepted.body);
      const after = (await rt.app.inject({ url: `${P}/reports/${tracking_id}/parties`, headers: world.as('triager') })).json() as { parties: Array<{ email: string; joined: boolean }> };
      assert.ok(after.parties.some((x) => x.email === 'known@vendor-k.example' && x.joined));
    });

    test('statuses: unknown until answered, VEX rules enforced, history kept, others private until published', async () => {
      const { tracking_id } = await submit(rt);
      const a = await joinedParty(rt, world, tracking_id, 'a@vendor-a.example');
      const b = await joinedParty(rt, world, tracking_id, 'b@vendor-b.example', 'upstream');
      const url = `/api/v1/cases/${a.caseId}`;
      const view = async (h: Record<string, string>) => (await rt.app.inject({ url, headers: h })).json() as { parties: Array<{ id: string; statuses: Array<{ status: string; statement: string | null }> | null }> };
      // Never answered: [] (unknown), not "not affected".
      assert.deepEqual((await view(world.as('admin'))).parties.find((p) => p.id === a.partyId)?.statuses, []);

      const put = (h: Record<string, string>, payload: Record<string, unknown>) => rt.app.inject({ method: 'PUT', url: `${url}/status`, headers: h, payload });
      const noJust = await put(a.headers, { vulnerability: tracking_id, product: 'pkg:npm/vendor-a@1', status: 'not_affected' });
      assert.equal(noJust.statusCode, 400, noJust.body);
      assert.match(noJust.body, /justification/);
      const noFix = await put(a.headers, { vulnerability: tracking_id, product: 'pkg:npm/vendor-a@1', status: 'fixed' });
      assert.equal(noFix.statusCode, 400, noFix.body);
      assert.equal((await put(a.headers, { vulnerability: tracking_id, product: 'pkg:npm/vendor-a', status: 'under_investigation' })).statusCode, 200);
      const set = await put(a.headers, { vulnerability: tracking_id, product: 'pkg:npm/vendor-a', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', statement: 'We never load models by name.' });
      assert.equal(set.statusCode, 200, set.body);
      const maintainersCannot = await put(world.as('admin'), { vulnerability: tracking_id, product: 'x', status: 'affected' });
      assert.equal(maintainersCannot.statusCode, 403);

      const mineNow = (await view(a.headers)).parties.find((p) => p.id === a.partyId)?.statuses;
      assert.deepEqual(mineNow?.map((s) => [s.status, s.statement]), [['not_affected', 'We never load models by name.']]);
      assert.equal((await view(b.headers)).parties.find((p) => p.id === a.partyId)?.statuses, null, "B cannot see A's status before publication");
      const bHistory = await rt.app.inject({ url: `${url}/parties/${a.partyId}/history`, headers: b.headers });
      assert.equal(bHistory.statusCode, 404);
      const history = await rt.app.inject({ url: `${url}/parties/${a.partyId}/history`, headers: world.as('viewer') });
      assert.deepEqual((history.json() as { history: Array<{ status: string }> }).history.map((h) => h.status), ['not_affected', 'under_investigation']);

      // Sealed at rest, audited without the statement.
      const raw = await rt.ctx.db.selectFrom('party_statuses').select('statement_sealed').where('party_id', '=', a.partyId).execute();
      assert.ok(raw.every((r) => r.statement_sealed === null || !Buffer.from(r.statement_sealed).toString('latin1').includes('never load')));
      const audit = await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', 'case.party-status').execute();
      assert.ok(audit.some((e) => (e.data as { to: string; from: string }).to === 'not_affected' && (e.data as { from: string }).from === 'under_investigation'));
      assert.doesNotMatch(JSON.stringify(audit), /never load/);
      // Each change is a project event (webhooks, maintainer mail) with the statuses, never the statement.
      const events = await rt.ctx.db.selectFrom('project_events').select('data').where('report_id', '=', a.caseId).where('type', '=', 'case.party_status_changed').execute();
      assert.ok(events.some((e) => (e.data as { party_id: string; from: string; to: string }).party_id === a.partyId && (e.data as { to: string }).to === 'not_affected'));
      assert.doesNotMatch(JSON.stringify(events), /never load/);
    });

    test('the party thread: apart from the reporter thread, one unread marker per party', async () => {
      const { tracking_id } = await submit(rt);
      const a = await joinedParty(rt, world, tracking_id, 'a2@vendor-a.example');
      const b = await joinedParty(rt, world, tracking_id, 'b2@vendor-b.example');
      const msgs = `/api/v1/cases/${a.caseId}/messages`;
      const post = (h: Record<string, string>, body: string) => rt.app.inject({ method: 'POST', url: msgs, headers: h, payload: { body } });
      assert.equal((await post(world.as('triager'), 'Welcome, vendors.')).statusCode, 201);
      assert.equal((await post(a.headers, 'A here: investigating.')).statusCode, 201);
      const viewerPost = await post(world.as('viewer'), 'viewers only read');
      assert.equal(viewerPost.statusCode, 403);
      const unread = async (h: Record<string, string>) => ((await rt.app.inject({ url: `/api/v1/cases/${a.caseId}`, headers: h })).json() as { unread: number }).unread;
      assert.equal(await unread(a.headers), 0, "A wrote after the welcome: A's own post marks what came before as read");
      assert.equal(await unread(b.headers), 2);
      const list = (await rt.app.inject({ url: msgs, headers: b.headers })).json() as { messages: Array<{ seq: number; body: string }> };
      assert.deepEqual(list.messages.map((m) => m.body), ['Welcome, vendors.', 'A here: investigating.']);
      const first = list.messages[0]?.seq ?? assert.fail();
      const marked = await rt.app.inject({ method: 'PUT', url: `/api/v1/cases/${a.caseId}/read`, headers: b.headers, payload: { seq: first } });
      assert.deepEqual(marked.json(), { last_read_seq: first, unread: 1 });
      // A stale tab never moves the marker back.
      const back = await rt.app.inject({ method: 'PUT', url: `/api/v1/cases/${a.caseId}/read`, headers: b.headers, payload: { seq: 0 } });
      assert.deepEqual(back.json(), { last_read_seq: first, unread: 1 });
      // The reporter never sees the party thread; maintainers' report view does not mix it in either.
      const detail = await rt.app.inject({ url: `${P}/reports/${tracking_id}`, headers: world.as('admin') });
      assert.doesNotMatch(detail.body, /Welcome, vendors/);
      const rawBodies = await rt.ctx.db.selectFrom('case_messages').select('body_sealed').where('report_id', '=', a.caseId).execute();
      assert.ok(rawBodies.every((r) => !Buffer.from(r.body_sealed).toString('latin1').includes('vendors')), 'sealed at rest');
      // Each message is a project event (webhooks, maintainer mail): who wrote it, never what.
      const events = await rt.ctx.db.selectFrom('project_events').select(['type', 'data']).where('report_id', '=', a.caseId).where('type', '=', 'case.message_created').execute();
      assert.deepEqual(events.map((e) => (e.data as { party_id: string | null }).party_id).sort(), [a.partyId, null].sort());
      assert.ok(events.every((e) => !JSON.stringify(e.data).includes('vendors') && !JSON.stringify(e.data).includes('investigating')));
    });

    test('the shared embargo: parties are mailed when it moves and may ask for an extension', async () => {
      const { tracking_id } = await submit(rt);
      const a = await joinedParty(rt, world, tracking_id, 'a3@vendor-a.example');
      await rt.jobs.runAllOnce();
      const seen = relay.mails.length;
      const set = await rt.app.inject({ method: 'PUT', url: `${P}/reports/${tracking_id}/embargo`, headers: world.as('triager'), payload: { until: '2026-06-30T14:00:00Z' } });
      assert.equal(set.statusCode, 200, set.body);
      const [mail] = await mailsTo('a3@vendor-a.example', seen);
      assert.match(mail?.parsed.text ?? '', /now:\s+2026-06-30 14:00:00 UTC/);
      const page = (await rt.app.inject({ url: `/api/v1/cases/${a.caseId}`, headers: a.headers })).json() as { embargo_until: string; project: { time_zone: string } };
      assert.equal(page.embargo_until, '2026-06-30T14:00:00.000Z');
      const ask = await rt.app.inject({ method: 'POST', url: `/api/v1/cases/${a.caseId}/extension-requests`, headers: a.headers, payload: { until: '2026-07-31', reason: 'Our release train leaves in July.' } });
      assert.equal(ask.statusCode, 201, ask.body);
      const tooEarly = await rt.app.inject({ method: 'POST', url: `/api/v1/cases/${a.caseId}/extension-requests`, headers: a.headers, payload: { until: '2026-06-01', reason: 'earlier?' } });
      assert.equal(tooEarly.statusCode, 400);
      const reqId = (ask.json() as { id: string }).id;
      assert.equal((await rt.app.inject({ method: 'PUT', url: `/api/v1/cases/${a.caseId}/extension-requests/${reqId}`, headers: a.headers, payload: { state: 'granted' } })).statusCode, 403);
      assert.equal((await rt.app.inject({ method: 'PUT', url: `/api/v1/cases/${a.caseId}/extension-requests/${reqId}`, headers: world.as('triager'), payload: { state: 'granted' } })).statusCode, 204);
      const actions = (await rt.ctx.db.selectFrom('audit_log').select('action').where('report_id', '=', a.caseId).execute()).map((r) => r.action);
      for (const a of ['report.embargo', 'case.extension-requested', 'case.extension-granted']) assert.ok(actions.includes(a), a);
    });

    test("OpenVEX export: the project's and every party's statuses, one statement per product and vulnerability, valid against the schema; public once published", async () => {
      const { tracking_id } = await submit(rt);
      const a = await joinedParty(rt, world, tracking_id, 'a4@vendor-a.example');
      const b = await joinedParty(rt, world, tracking_id, 'b4@distro.example', 'upstream');
      const put = (h: Record<string, string>, payload: Record<string, unknown>) => rt.app.inject({ method: 'PUT', url: `/api/v1/cases/${a.caseId}/status`, headers: h, payload });
      assert.equal((await put(a.headers, { vulnerability: tracking_id, product: 'pkg:npm/vendor-a', status: 'not_affected', justification: 'component_not_present' })).statusCode, 200);
      assert.equal((await put(a.headers, { vulnerability: tracking_id, product: 'Vendor A Appliance', versions: '>=3.0 <3.4', status: 'affected', statement: 'Patch 3.4 ships in May.' })).statusCode, 200);
      assert.equal((await put(b.headers, { vulnerability: 'CVE-2026-12345', product: 'pkg:deb/debian/privastream', status: 'fixed', fixed_versions: '1.0.4-1' })).statusCode, 200);
      assert.equal((await put(b.headers, { vulnerability: 'CVE-2026-12345', product: 'pkg:deb/debian/privastream', status: 'under_investigation' })).statusCode, 200);

      const created = await createAdvisory(rt, world, { ...advisoryContent(), report: tracking_id });
      const id = created.advisory.id;
      const draft = await rt.app.inject({ url: `${P}/advisories/${id}?format=openvex`, headers: world.as('viewer') });
      assert.equal(draft.statusCode, 200, draft.body);
      const validate = openVexValidator();
      const doc = draft.json() as { statements: Array<{ vulnerability: { name: string }; products: Array<{ '@id': string }>; status: string; supplier: string; justification?: string }> };
      assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
      const key = (s: (typeof doc.statements)[number]) => `${s.vulnerability.name} ${s.products.map((p) => p['@id']).join(',')}`;
      assert.equal(new Set(doc.statements.map(key)).size, doc.statements.length, 'one statement per product and vulnerability');
      assert.ok(doc.statements.every((s) => s.vulnerability.name === 'CVE-2026-12345'), 'the tracking id maps to the advisory’s CVE');
      const byProduct = Object.fromEntries(doc.statements.map((s) => [s.products[0]?.['@id'], s]));
      assert.equal(byProduct['pkg:npm/vendor-a']?.justification, 'component_not_present');
      assert.equal(byProduct['pkg:deb/debian/privastream']?.status, 'under_investigation', 'the latest status, not the first');
      assert.match(Object.keys(byProduct).join(' '), /urn:embargo:product:.*Vendor%20A%20Appliance/);
      assert.ok(doc.statements.some((s) => s.supplier === 'PrivaStream security team'), 'the project states its own products too');

      const publicUrl = `/projects/privastream/advisories/${id}/openvex.json`;
      assert.equal((await rt.app.inject({ url: publicUrl })).statusCode, 404, 'not public before publication');
      // Before publication B does not see A's statuses; after it, it does.
      const seen = async () => ((await rt.app.inject({ url: `/api/v1/cases/${a.caseId}`, headers: b.headers })).json() as { parties: Array<{ id: string; statuses: unknown[] | null }> }).parties.find((p) => p.id === a.partyId)?.statuses;
      assert.equal(await seen(), null);
      await move(rt, world, id, 'in-review');
      await move(rt, world, id, 'published');
      const pub = await rt.app.inject({ url: publicUrl });
      assert.equal(pub.statusCode, 200, pub.body);
      assert.ok(validate(pub.json()), JSON.stringify(validate.errors, null, 2));
      assert.equal((await seen())?.length, 2);

      // CSAF VEX, maintainer and public, through BSI's validator (schema, mandatory incl. 6.1.27.x, optional).
      const vex = await rt.app.inject({ url: `${P}/advisories/${id}?format=csaf-vex`, headers: world.as('viewer') });
      assert.equal(vex.statusCode, 200, vex.body);
      const checked = await bsiValidate(vex.json());
      assert.ok(checked.isValid, JSON.stringify(checked.findings, null, 2));
      assert.deepEqual(checked.findings, []);
      const self = (vex.json() as { document: { references: Array<{ category: string; url: string }> } }).document.references.find((r) => r.category === 'self')?.url ?? assert.fail('no self reference');
      const pubVex = await rt.app.inject({ url: new URL(self).pathname });
      assert.equal(pubVex.statusCode, 200, `${self}: ${pubVex.body}`);
      assert.deepEqual(pubVex.json(), vex.json());
      assert.equal((await rt.app.inject({ url: `/projects/privastream/advisories/${id}/other.json` })).statusCode, 404);
      // And the project's CSAF advisory export with it.
      const csaf = await bsiValidate((await rt.app.inject({ url: `${P}/advisories/${id}?format=csaf`, headers: world.as('viewer') })).json());
      assert.deepEqual(csaf.findings, []);
    });
  });
}
