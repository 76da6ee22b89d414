import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as openpgp from 'openpgp';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';

/** Quality signals in the maintainer's view (issue 18): reasons in words, the reporter's record per project only. */
for (const engine of ENGINES) {
  describe(`quality signals on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    const signals = async (slug: string, id: string, as: Parameters<World['as']>[0]) => {
      const res = await rt.app.inject({ url: `/api/v1/projects/${slug}/reports/${id}`, headers: world.as(as) });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().quality_signals as { key: string; status: string; text: string }[];
    };
    const text = (list: { key: string; text: string }[], key: string) => list.find((s) => s.key === key)?.text;

    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test("evidence, version and scope read from the report and the project's policy", async () => {
      const { tracking_id, reporter_token } = await submit(rt, 'privastream', validReport({ reporter_email: 'first@example.org' }));
      await rt.jobs.runAllOnce();
      const list = await signals('privastream', tracking_id, 'viewer');
      assert.equal(text(list, 'steps'), 'Steps to reproduce given (1 line)');
      assert.match(text(list, 'version') ?? '', /^Affected version 1\.0\.3 /);
      assert.equal(text(list, 'proof'), 'No proof of concept and no attachment');
      assert.equal(text(list, 'history'), 'First report from this address to this project');
      const reporter = await rt.app.inject({ url: `/api/v1/reporter/${reporter_token}` });
      assert.equal(reporter.json().quality_signals, undefined, 'the reporter does not see how the report was read');
    });

    test("a reporter's earlier reports are counted by address, in this project only", async () => {
      const addr = 'repeat@example.org';
      const a = await submit(rt, 'privastream', validReport({ reporter_email: addr, title: 'One' }));
      const b = await submit(rt, 'privastream', validReport({ reporter_email: ' Repeat@Example.org ', title: 'Two' }));
      await submit(rt, 'personal-chatter', validReport({ reporter_email: addr, title: 'Elsewhere' }));
      await rt.jobs.runAllOnce();
      for (const id of [a.tracking_id, b.tracking_id]) {
        const t = await rt.app.inject({ method: 'POST', url: `/api/v1/projects/privastream/reports/${id}/transitions`, headers: world.as('triager'), payload: { to: 'rejected', reason: 'invalid' } });
        assert.equal(t.statusCode, 200, t.body);
      }
      rt.clock.advance(1000);
      const c = await submit(rt, 'privastream', validReport({ reporter_email: addr, title: 'Three' }));
      const elsewhere = await submit(rt, 'personal-chatter', validReport({ reporter_email: addr, title: 'Elsewhere again' }));
      await rt.jobs.runAllOnce();
      const here = await signals('privastream', c.tracking_id, 'triager');
      assert.deepEqual(here.find((s) => s.key === 'history'), {
        key: 'history',
        status: 'warning',
        text: '2 earlier reports from this address to this project: 0 accepted, 2 rejected (2 as duplicate or invalid)',
      });
      const there = await signals('personal-chatter', elsewhere.tracking_id, 'outsider');
      assert.equal(text(there, 'history'), '1 earlier report from this address to this project: 0 accepted, 0 rejected', 'privastream\'s rejections never show here');
    });

    test('intake.ai_disclosure: required refuses a report without an answer (web/API and mail alike), and the answer is a signal', async () => {
      await savePolicy(rt.ctx, examplePolicy('privastream').replace('  no_public_issues: true\n', '  no_public_issues: true\n  ai_disclosure: required\n'), 'test');
      const refused = await rt.app.inject({ method: 'POST', url: '/api/v1/projects/privastream/reports', payload: validReport() });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.deepEqual(refused.json().problems.map((p: { field: string }) => p.field), ['ai_disclosure']);
      const { tracking_id, reporter_token } = await submit(rt, 'privastream', validReport({ ai_disclosure: 'No AI tools.' }));
      await rt.jobs.runAllOnce();
      const list = await signals('privastream', tracking_id, 'triager');
      assert.equal(text(list, 'ai'), 'AI use, in the reporter\'s words: “No AI tools.”');
      const reporter = await rt.app.inject({ url: `/api/v1/reporter/${reporter_token}` });
      assert.equal(reporter.json().body.ai_disclosure, 'No AI tools.', 'the reporter sees their own answer');
      await savePolicy(rt.ctx, examplePolicy('privastream').replace('  no_public_issues: true\n', '  no_public_issues: true\n  ai_disclosure: off\n'), 'test');
      const off = await submit(rt, 'privastream', validReport({ ai_disclosure: 'ignored' }));
      const detail = await rt.app.inject({ url: `/api/v1/projects/privastream/reports/${off.tracking_id}`, headers: world.as('triager') });
      assert.equal(detail.json().body.ai_disclosure, null, 'not asked, not kept');
      assert.equal(text(detail.json().quality_signals, 'ai'), undefined);
      await savePolicy(rt.ctx, examplePolicy('privastream'), 'test');
    });

    test("a reporter's record by OpenPGP key, whatever address they give", async () => {
      const { publicKey } = await openpgp.generateKey({ userIDs: [{ email: 'keyed@example.org' }], type: 'ecc', curve: 'curve25519Legacy', format: 'armored', date: new Date(rt.clock.now.getTime() - 60_000) });
      const a = await submit(rt, 'privastream', validReport({ reporter_email: 'keyed-a@example.org', title: 'Keyed one', reporter_public_key: publicKey }));
      const t = await rt.app.inject({ method: 'POST', url: `/api/v1/projects/privastream/reports/${a.tracking_id}/transitions`, headers: world.as('triager'), payload: { to: 'rejected', reason: 'invalid' } });
      assert.equal(t.statusCode, 200, t.body);
      rt.clock.advance(1000);
      const b = await submit(rt, 'privastream', validReport({ reporter_email: 'keyed-b@example.org', title: 'Keyed two', reporter_public_key: publicKey }));
      await rt.jobs.runAllOnce();
      const list = await signals('privastream', b.tracking_id, 'triager');
      assert.equal(text(list, 'history'), 'First report from this address to this project');
      assert.equal(text(list, 'key_history'), '1 earlier report with this OpenPGP key to this project: 0 accepted, 1 rejected (1 as duplicate or invalid)');
      assert.equal(text(await signals('privastream', a.tracking_id, 'triager'), 'key_history'), 'First report with this OpenPGP key to this project');
      const plain = await submit(rt, 'privastream', validReport({ reporter_email: 'nokey@example.org' }));
      assert.equal(text(await signals('privastream', plain.tracking_id, 'triager'), 'key_history'), undefined, 'no key, no signal');
    });

    test("references to the project's files and functions, from its uploaded code index", async () => {
      const before = await submit(rt, 'privastream', validReport({ description: 'The crash is in src/rtmp/ingest.c, in parse_header() with a long header.' }));
      assert.equal(text(await signals('privastream', before.tracking_id, 'triager'), 'code'), undefined, 'no index, no signal');
      const denied = await rt.app.inject({ method: 'PUT', url: '/api/v1/projects/privastream/code-index', headers: world.as('triager'), payload: { files: ['x.c'] } });
      assert.equal(denied.statusCode, 403);
      const put = await rt.app.inject({ method: 'PUT', url: '/api/v1/projects/privastream/code-index', headers: world.as('admin'), payload: { files: ['src/rtmp/ingest.c', 'src/util.h'], symbols: ['parse_header'] } });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(put.json(), { files: 2, symbols: 1 });
      const got = await rt.app.inject({ url: '/api/v1/projects/privastream/code-index', headers: world.as('viewer') });
      assert.deepEqual(got.json(), { files: 4, symbols: 1 });
      const found = text(await signals('privastream', before.tracking_id, 'viewer'), 'code') ?? '';
      assert.match(found, /^Names code of the project: `rtmp\/ingest\.c`, `parse_header/);
      const made = await submit(rt, 'privastream', validReport({ description: 'The bug is in lib/made_up_file.c and nowhere else, it crashes the server badly.' }));
      assert.equal(text(await signals('privastream', made.tracking_id, 'viewer'), 'code'), "Names files or functions not in the project's code index: `lib/made_up_file.c`");
      const audit = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'project.code-index').execute();
      assert.deepEqual(audit.map((a) => a.data), [{ files: 2, symbols: 1 }]);
    });

    test('the address is stored only as a keyed hash', async () => {
      const rows = await rt.ctx.db.selectFrom('report_reporters').select('address_hash').execute();
      assert.ok(rows.length >= 5);
      assert.ok(rows.every((r) => Number.isInteger(r.address_hash)));
    });
  });
}
