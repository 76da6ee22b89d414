import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, type World } from '../support/fixtures.ts';
import { startRelay, type CapturedMail, type TestRelay } from '../support/mail-relay.ts';
import { joinedParty } from '../support/coordination.ts';
import { advisoryContent, createAdvisory, move } from '../support/advisory-fixtures.ts';
import { EXE_BYTES, multipartBody, PNG_1X1 } from '../support/multipart.ts';

/**
 * Issue 19, what the party thread and the case page needed beyond the first cut: attachments in the party thread
 * (intake's limits, sniffing and sealing), an unread marker per maintainer, the reporter's identity shown to parties
 * only with the reporter's consent, the public advisory page linking the VEX files, and parties mailed whenever the
 * embargo moves (also when an advisory's schedule moves it).
 */
const P = '/api/v1/projects/privastream';

for (const engine of ENGINES) {
  describe(`coordination sharing on ${engine.name} (EMBARGO_MAX_ATTACHMENT_BYTES=2000, EMBARGO_MAX_ATTACHMENTS=2)`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;
    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_MAX_ATTACHMENT_BYTES: '2000', EMBARGO_MAX_ATTACHMENTS: '2' });
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

    test('attachments in the party thread: sniffed, limited and sealed like intake; downloads for the case only', async () => {
      const { tracking_id, reporter_token } = await submit(rt);
      const a = await joinedParty(rt, world, tracking_id, 'att-a@vendor-a.example');
      const b = await joinedParty(rt, world, tracking_id, 'att-b@vendor-b.example');
      const otherReport = await submit(rt);
      const c = await joinedParty(rt, world, otherReport.tracking_id, 'att-c@vendor-c.example');
      const msgs = `/api/v1/cases/${a.caseId}/messages`;
      const upload = async (headers: Record<string, string>, files: Parameters<typeof multipartBody>[1]) => {
        const form = await multipartBody({ body: 'Our crash log and a screenshot.' }, files);
        return rt.app.inject({ method: 'POST', url: msgs, headers: { ...headers, ...form.headers }, payload: form.payload });
      };
      const posted = await upload(a.headers, [
        { filename: 'shot.txt', data: PNG_1X1, type: 'text/plain' },
        { filename: '../crash "log".txt', data: Buffer.from('SIGSEGV in parse_model()\n') },
      ]);
      assert.equal(posted.statusCode, 201, posted.body);
      const message = posted.json() as { id: string; attachments: Array<{ id: string; filename: string; content_type: string; size: number }> };
      assert.deepEqual(
        message.attachments.map((x) => [x.filename, x.content_type, x.size]),
        [
          ['shot.txt', 'image/png', PNG_1X1.length],
          ['crash %22log%22.txt', 'text/plain', 25],
        ],
        'the type comes from the bytes, the name is cleaned',
      );
      // Intake's refusals and limits, unchanged.
      assert.equal((await upload(a.headers, [{ filename: 'x.exe', data: EXE_BYTES }])).statusCode, 415);
      assert.equal((await upload(a.headers, [{ filename: 'big.txt', data: Buffer.alloc(2001, 'a') }])).statusCode, 413);
      const three = [1, 2, 3].map((i) => ({ filename: `f${i}.txt`, data: Buffer.from(`file ${i}`) }));
      assert.equal((await upload(a.headers, three)).statusCode, 413);

      // In the thread for everybody in the case; sealed at rest.
      const thread = (await rt.app.inject({ url: msgs, headers: b.headers })).json() as { messages: Array<{ id: string; attachments: Array<{ id: string }> }> };
      assert.equal(thread.messages.find((m) => m.id === message.id)?.attachments.length, 2);
      const raw = await rt.ctx.db.selectFrom('case_attachments').select(['content_sealed', 'sha256']).where('message_id', '=', message.id).execute();
      assert.equal(raw.length, 2);
      assert.ok(raw.every((r) => !Buffer.from(r.content_sealed).toString('latin1').includes('SIGSEGV') && !Buffer.from(r.content_sealed).includes(PNG_1X1.subarray(12, 16))));

      const png = message.attachments[0]?.id ?? assert.fail();
      const url = (caseId: string, id = png) => `/api/v1/cases/${caseId}/attachments/${id}`;
      for (const headers of [a.headers, b.headers, world.as('viewer'), world.as('admin')]) {
        const got = await rt.app.inject({ url: url(a.caseId), headers });
        assert.equal(got.statusCode, 200, got.body);
        assert.deepEqual(got.rawPayload, PNG_1X1);
        assert.match(String(got.headers['content-disposition']), /^attachment; filename="shot\.txt"/);
        assert.equal(got.headers['content-type'], 'application/octet-stream');
        assert.equal(got.headers['x-content-type-options'], 'nosniff');
      }
      // A party of case B, through either case; strangers; the reporter's link; the report's own attachment route.
      assert.equal((await rt.app.inject({ url: url(a.caseId), headers: c.headers })).statusCode, 404);
      assert.equal((await rt.app.inject({ url: url(c.caseId), headers: c.headers })).statusCode, 404);
      assert.equal((await rt.app.inject({ url: url(c.caseId), headers: world.as('admin') })).statusCode, 404, 'an attachment is found only under its own case');
      assert.equal((await rt.app.inject({ url: url(a.caseId), headers: world.as('outsider') })).statusCode, 404);
      assert.equal((await rt.app.inject({ url: url(a.caseId) })).statusCode, 401);
      assert.equal((await rt.app.inject({ url: `/api/v1/reporter/${reporter_token}/attachments/${png}` })).statusCode, 404);
      assert.equal((await rt.app.inject({ url: `${P}/reports/${tracking_id}/attachments/${png}`, headers: world.as('admin') })).statusCode, 404);
      // A reporter's intake attachment is not reachable through the case either.
      const reporterFile = await rt.ctx.db.insertInto('attachments').values({ report_id: a.caseId, filename: 'r.txt', content_type: 'text/plain', size: 1, sha256: 'x', content_sealed: new Uint8Array([1]), key_id: 'k' }).returning('id').executeTakeFirstOrThrow();
      assert.equal((await rt.app.inject({ url: url(a.caseId, reporterFile.id), headers: a.headers })).statusCode, 404);
      // Each download is audited.
      const reads = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'case.attachment-read').where('report_id', '=', a.caseId).execute();
      assert.equal(reads.length, 4);
    });

    test('unread markers: one per party and one per maintainer, per case', async () => {
      const { tracking_id } = await submit(rt);
      const a = await joinedParty(rt, world, tracking_id, 'unread-a@vendor-a.example');
      const msgs = `/api/v1/cases/${a.caseId}/messages`;
      const post = async (h: Record<string, string>, body: string) => {
        const res = await rt.app.inject({ method: 'POST', url: msgs, headers: h, payload: { body } });
        assert.equal(res.statusCode, 201, res.body);
        return (res.json() as { seq: number }).seq;
      };
      const unread = async (h: Record<string, string>) => ((await rt.app.inject({ url: `/api/v1/cases/${a.caseId}`, headers: h })).json() as { unread: number; last_read_seq: number | null });
      const first = await post(a.headers, 'One.');
      await post(a.headers, 'Two.');
      assert.equal((await unread(world.as('admin'))).unread, 2);
      assert.equal((await unread(world.as('viewer'))).unread, 2);
      const marked = await rt.app.inject({ method: 'PUT', url: `/api/v1/cases/${a.caseId}/read`, headers: world.as('admin'), payload: { seq: first } });
      assert.equal(marked.statusCode, 200, marked.body);
      assert.deepEqual(marked.json(), { last_read_seq: first, unread: 1 });
      assert.equal((await unread(world.as('admin'))).last_read_seq, first);
      assert.equal((await unread(world.as('viewer'))).unread, 2, "the admin's marker is the admin's own");
      await post(world.as('triager'), 'Thanks.');
      assert.equal((await unread(world.as('triager'))).unread, 0, 'writing marks the thread read for the writer');
      assert.equal((await unread(world.as('admin'))).unread, 2);
      assert.equal((await unread(a.headers)).unread, 1, "the party's marker is untouched by the maintainers'");
      // Never back.
      const back = await rt.app.inject({ method: 'PUT', url: `/api/v1/cases/${a.caseId}/read`, headers: world.as('admin'), payload: { seq: 0 } });
      assert.deepEqual(back.json(), { last_read_seq: first, unread: 2 });
      // The maintainers' parties list (the report page) carries their unread count too.
      const parties = await rt.app.inject({ url: `${P}/reports/${tracking_id}/parties`, headers: world.as('viewer') });
      assert.equal((parties.json() as { unread: number }).unread, 3);
    });

    test("the reporter's identity reaches parties only with the reporter's consent, revocable until shown", async () => {
      const { tracking_id, reporter_token } = await submit(rt);
      const a = await joinedParty(rt, world, tracking_id, 'who-a@vendor-a.example');
      const consentUrl = `/api/v1/reporter/${reporter_token}/identity-sharing`;
      const casePage = async (h: Record<string, string>) => (await rt.app.inject({ url: `/api/v1/cases/${a.caseId}`, headers: h })).json() as { reporter: { name: string | null; email: string | null } | null; reporter_consent: boolean };
      assert.equal((await casePage(a.headers)).reporter, null);
      assert.deepEqual((await rt.app.inject({ url: consentUrl })).json(), { consent: false, shared: false, parties: 1 });

      // Given, then withdrawn before any party looked: nothing was shown.
      assert.equal((await rt.app.inject({ method: 'PUT', url: consentUrl, payload: { consent: true } })).statusCode, 200);
      const maintainerView = await casePage(world.as('admin'));
      assert.equal(maintainerView.reporter_consent, true);
      assert.deepEqual(maintainerView.reporter, { name: 'Ada Researcher', email: 'ada@example.org' }, 'maintainers see what parties will see');
      assert.deepEqual((await rt.app.inject({ url: consentUrl })).json(), { consent: true, shared: false, parties: 1 }, 'a maintainer looking is not sharing');
      const withdrawn = await rt.app.inject({ method: 'PUT', url: consentUrl, payload: { consent: false } });
      assert.equal(withdrawn.statusCode, 200, withdrawn.body);
      assert.equal((await casePage(a.headers)).reporter, null);

      // Given again; the party sees it; from then on it cannot be taken back.
      assert.equal((await rt.app.inject({ method: 'PUT', url: consentUrl, payload: { consent: true } })).statusCode, 200);
      const shown = await casePage(a.headers);
      assert.deepEqual(shown.reporter, { name: 'Ada Researcher', email: 'ada@example.org' });
      assert.deepEqual((await rt.app.inject({ url: consentUrl })).json(), { consent: true, shared: true, parties: 1 });
      const late = await rt.app.inject({ method: 'PUT', url: consentUrl, payload: { consent: false } });
      assert.equal(late.statusCode, 409, late.body);
      const actions = (await rt.ctx.db.selectFrom('audit_log').select('action').where('report_id', '=', a.caseId).orderBy('seq').execute()).map((r) => r.action);
      assert.deepEqual(
        actions.filter((x) => x.startsWith('report.identity') || x === 'case.reporter-identity-shown'),
        ['report.identity-consent', 'report.identity-consent-withdrawn', 'report.identity-consent', 'case.reporter-identity-shown'],
      );
      assert.equal((await rt.app.inject({ url: `/api/v1/reporter/rpt_not-a-token-000000/identity-sharing` })).statusCode, 404);
    });

    test('parties are mailed when an advisory schedule moves the embargo, not only when it is set on the report', async () => {
      const { tracking_id } = await submit(rt);
      await joinedParty(rt, world, tracking_id, 'sched-a@vendor-a.example');
      await rt.jobs.runAllOnce();
      const seen = relay.mails.length;
      const created = await createAdvisory(rt, world, { ...advisoryContent(), report: tracking_id, embargo_until: '2099-03-01T09:30:00Z' });
      await move(rt, world, created.advisory.id, 'in-review');
      await move(rt, world, created.advisory.id, 'scheduled');
      const mails = await mailsTo('sched-a@vendor-a.example', seen);
      assert.equal(mails.length, 1, mails.map((m) => m.parsed.subject).join(', '));
      assert.match(mails[0]?.parsed.text ?? '', /now:\s+2099-03-01 09:30:00 UTC/);
    });

    test('the public advisory page links the OpenVEX and CSAF VEX files, which answer without sign-in only once published', async () => {
      const { tracking_id } = await submit(rt);
      const created = await createAdvisory(rt, world, { ...advisoryContent({ cve_id: null }), report: tracking_id });
      const id = created.advisory.id;
      const page = `/projects/privastream/advisories/${id}`;
      const files = [`${page}/openvex.json`, `${page}/${id.toLowerCase()}-vex.json`];
      for (const url of [page, ...files]) assert.equal((await rt.app.inject({ url })).statusCode, 404, url);
      await move(rt, world, id, 'in-review');
      await move(rt, world, id, 'published');
      const html = (await rt.app.inject({ url: page })).body;
      for (const url of files) {
        assert.ok(html.includes(`href="${url}"`), `the page links ${url}`);
        const res = await rt.app.inject({ url });
        assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      }
      assert.match(html, /OpenVEX/);
      assert.match(html, /CSAF VEX/);
    });
  });
}
