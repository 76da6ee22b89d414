import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { verifyAudit } from '../../src/services/audit/audit-log.ts';
import { retentionTick } from '../../src/services/retention/retention.ts';

/**
 * Retention (issue 21, docs/retention.md): the retention job erases reporters' contact data from reports closed
 * longer than the policy says (only where the policy says: no `retention`, no erasure), and a site admin erases one
 * reporter's data on request. The reports, their threads and the audit chain stay.
 */
const P = '/api/v1/projects/privastream';
const DAY = 86_400_000;

/** Every table's rows as text, searched for `needle`: where a plain copy of the data would still show. */
async function tablesHolding(rt: TestServer, needle: string): Promise<string[]> {
  const tables = (await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(rt.ctx.db)).rows.map((r) => r.table_name);
  const found: string[] = [];
  for (const t of tables) {
    const n = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)} x where x::text ilike ${`%${needle}%`}`.execute(rt.ctx.db);
    if ((n.rows[0]?.n ?? 0) > 0) found.push(t);
  }
  return found;
}

const detail = async (rt: TestServer, world: World, trackingId: string) => {
  const res = await rt.app.inject({ url: `${P}/reports/${trackingId}`, headers: world.as('admin') });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { title: string; body: { description: string; reporter_email: string | null; reporter_name: string | null; credit_name: string | null }; messages: unknown[] };
};

const reject = async (rt: TestServer, world: World, trackingId: string) => {
  const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/${trackingId}/transitions`, headers: world.as('triager'), payload: { to: 'rejected', reason: 'invalid' } });
  assert.equal(res.statusCode, 200, res.body);
};

const search = async (rt: TestServer, world: World, q: string): Promise<string[]> => {
  const res = await rt.app.inject({ url: `${P}/reports?q=${encodeURIComponent(q)}&state=new,rejected,triaged`, headers: world.as('admin') });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { reports: { tracking_id: string }[] }).reports.map((r) => r.tracking_id);
};

for (const engine of ENGINES) {
  describe(`retention on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      // privastream asks for a year; personal-chatter says nothing, so its reporters' data is never erased by time.
      const policy_yaml = `${examplePolicy('privastream')}retention:\n  reporter_contact_days_after_close: 365\n`;
      const saved = await rt.app.inject({ method: 'PUT', url: `${P}/policy`, headers: world.as('siteAdmin'), payload: { policy_yaml } });
      assert.equal(saved.statusCode, 200, saved.body);
    });
    after(() => rt.close());

    test('a year after closing, the job erases contact data and keeps the report, thread and audit chain', async () => {
      const credited = await submit(rt, 'privastream', validReport({ title: 'Credited finder report', reporter_email: 'ada@example.org' }));
      const anonymous = await submit(rt, 'privastream', validReport({ title: 'Anonymous finder report', reporter_email: 'bob@example.net', reporter_name: 'Bobby Tables', credit_choice: 'anonymous', credit_name: null }));
      const open = await submit(rt, 'privastream', validReport({ title: 'Still open report', reporter_email: 'carol@example.net', reporter_name: 'Carol' }));
      await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${anonymous.reporter_token}/messages`, payload: { body: 'One more detail from me.' } });
      await rt.app.inject({ method: 'POST', url: `${P}/reports/${anonymous.tracking_id}/messages`, headers: world.as('triager'), payload: { body: 'Thanks, looking.' } });
      const projectId = (await rt.ctx.db.selectFrom('projects').select('id').where('slug', '=', 'privastream').executeTakeFirstOrThrow()).id;
      const held = (sender: string, resolved: boolean) => ({ project_id: projectId, channel: 'email' as const, reason_code: 'test', reason: 'held', sender, raw_sealed: new Uint8Array([1]), key_id: 'test1', size: 1, created_at: rt.clock.now, resolved_at: resolved ? rt.clock.now : null, resolved_by: null, resolution: resolved ? 'discarded' : null });
      // Held mail from the reporter (goes with their report), resolved held mail of someone else (goes after the
      // retention period), and unresolved held mail of someone else (stays: nobody has looked at it yet).
      await rt.ctx.db.insertInto('quarantine').values([held('Bobby <bob@example.net>', false), held('spam@example.com', true), held('zed@example.com', false)]).execute();
      await rt.jobs.runAllOnce();
      assert.ok((await search(rt, world, 'bob@example.net')).includes(anonymous.tracking_id), 'the address was searchable before');
      await reject(rt, world, credited.tracking_id);
      await reject(rt, world, anonymous.tracking_id);

      const unasked = await submit(rt, 'personal-chatter', validReport({ title: 'Report to a project without retention', reporter_email: 'dora@example.net', affected_version: '0.2.1' }));
      const rejectedThere = await rt.app.inject({ method: 'POST', url: `/api/v1/projects/personal-chatter/reports/${unasked.tracking_id}/transitions`, headers: world.as('siteAdmin'), payload: { to: 'rejected', reason: 'invalid' } });
      assert.equal(rejectedThere.statusCode, 200, rejectedThere.body);
      rt.clock.advance(300 * DAY);
      assert.equal((await rt.jobs.runAllOnce()).retention, 0, 'nothing is due before the retention period');
      assert.equal((await detail(rt, world, anonymous.tracking_id)).body.reporter_email, 'bob@example.net');

      rt.clock.advance(66 * DAY);
      assert.equal((await rt.jobs.runAllOnce()).retention, 3, 'two reports and one resolved held mail');
      await rt.jobs.runAllOnce(); // the search index rebuilds the erased reports' terms

      const a = await detail(rt, world, credited.tracking_id);
      assert.equal(a.title, 'Credited finder report');
      assert.equal(a.body.reporter_email, null);
      assert.equal(a.body.reporter_name, 'Ada Researcher', 'a credited name is kept: advisories and the Hall of Fame print it');
      assert.equal(a.body.credit_name, 'Ada R.');
      const b = await detail(rt, world, anonymous.tracking_id);
      assert.deepEqual([b.body.reporter_email, b.body.reporter_name, b.body.credit_name], [null, null, null]);
      assert.match(b.body.description, /\.\.\/ sequences/, 'what the reporter wrote about the vulnerability stays');
      assert.equal(b.messages.length, 2, 'the thread stays');
      assert.equal((await detail(rt, world, open.tracking_id)).body.reporter_email, 'carol@example.net', 'an open report keeps its reporter');
      const kept = await rt.app.inject({ url: `/api/v1/projects/personal-chatter/reports/${unasked.tracking_id}`, headers: world.as('siteAdmin') });
      assert.equal((kept.json() as { body: { reporter_email: string } }).body.reporter_email, 'dora@example.net', 'a project without retention keeps its closed reports\' reporters');
      assert.equal((await rt.app.inject({ url: `/api/v1/reporter/${anonymous.reporter_token}` })).statusCode, 200, 'the reporter link still shows the report');

      const ids = [credited.tracking_id, anonymous.tracking_id];
      const reportIds = (await rt.ctx.db.selectFrom('reports').select('id').where('tracking_id', 'in', ids).execute()).map((r) => r.id);
      for (const table of ['report_reporters', 'mail_reply_addresses', 'reporter_digests', 'outbox'] as const) {
        const left = await rt.ctx.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).where('report_id', 'in', reportIds).executeTakeFirstOrThrow();
        assert.equal(left.n, 0, `${table} rows of the erased reports`);
      }
      assert.equal((await rt.ctx.db.selectFrom('report_reporters').select('report_id').execute()).length, 2, "the open report's reporter and the project without retention's are still counted");
      assert.deepEqual((await rt.ctx.db.selectFrom('quarantine').select('sender').execute()).map((q) => q.sender), ['zed@example.com'], "held mail from the address and resolved held mail went; unresolved held mail stays");
      assert.deepEqual(await search(rt, world, 'bob@example.net'), []);
      assert.deepEqual(await search(rt, world, 'Bobby'), []);
      assert.deepEqual(await tablesHolding(rt, 'bob@example.net'), []);
      assert.deepEqual(await tablesHolding(rt, 'Bobby Tables'), []);

      const audit = await verifyAudit(rt.ctx.db, { full: true });
      assert.deepEqual(audit.problems, []);
      const entries = await rt.ctx.db.selectFrom('audit_log').select(['action', 'actor', 'data']).where('action', '=', 'report.reporter-data-erased').execute();
      assert.equal(entries.length, 2);
      assert.equal(entries[0]!.actor, 'system:retention');
      assert.equal((entries[0]!.data as { reason: string }).reason, 'retention');
      assert.equal(JSON.stringify(entries).includes('@example'), false, 'the audit entry names what was erased, not the data');

      assert.equal((await rt.jobs.runAllOnce()).retention, 0, 'erased once');
    });

    test('a report that cannot be erased is reported, and the others are erased all the same', async () => {
      const broken = await submit(rt, 'privastream', validReport({ title: 'Sealed under a lost key', reporter_email: 'gina@example.net' }));
      const fine = await submit(rt, 'privastream', validReport({ title: 'Erasable', reporter_email: 'hal@example.net' }));
      await reject(rt, world, broken.tracking_id);
      await reject(rt, world, fine.tracking_id);
      await rt.ctx.db.updateTable('reports').set({ key_id: 'lost' }).where('tracking_id', '=', broken.tracking_id).execute();
      try {
        rt.clock.advance(400 * DAY);
        await assert.rejects(retentionTick(rt.ctx), new RegExp(`1 report\\(s\\) could not be erased \\(${broken.tracking_id}: Encryption key lost is not configured`));
        const rows = await rt.ctx.db.selectFrom('reports').select(['tracking_id', 'reporter_data_erased_at']).where('tracking_id', 'in', [broken.tracking_id, fine.tracking_id]).execute();
        assert.deepEqual(Object.fromEntries(rows.map((r) => [r.tracking_id, r.reporter_data_erased_at !== null])), { [broken.tracking_id]: false, [fine.tracking_id]: true });
      } finally {
        await rt.ctx.db.updateTable('reports').set({ key_id: 'test1' }).where('tracking_id', '=', broken.tracking_id).execute();
      }
      assert.equal(await retentionTick(rt.ctx), 1, 'erased once its key is back');
    });

    test("a site admin erases one reporter's data on request, open reports included; others may not", async () => {
      const mine = await submit(rt, 'privastream', validReport({ title: 'Dave report', reporter_email: 'dave@example.net', reporter_name: 'Dave', credit_choice: 'anonymous' }));
      const other = await submit(rt, 'personal-chatter', validReport({ title: 'Dave chatter report', reporter_email: 'dave@example.net', reporter_name: 'Dave' }));
      const unrelated = await submit(rt, 'privastream', validReport({ title: 'Erin report', reporter_email: 'erin@example.net' }));
      await rt.jobs.runAllOnce(); // signed: found through the keyed address hash
      const url = '/api/v1/admin/reporter-erasures';
      assert.equal((await rt.app.inject({ method: 'POST', url, headers: world.as('admin'), payload: { email: 'dave@example.net' } })).statusCode, 403);
      const res = await rt.app.inject({ method: 'POST', url, headers: world.as('siteAdmin'), payload: { email: ' Dave@Example.NET' } });
      assert.equal(res.statusCode, 200, res.body);
      const done = res.json() as { reports: string[]; outbox_rows: number };
      assert.deepEqual(done.reports.sort(), [mine.tracking_id, other.tracking_id].sort());
      assert.ok(done.outbox_rows >= 2, 'the acknowledgements to the address are gone');
      assert.equal((await detail(rt, world, mine.tracking_id)).body.reporter_email, null);
      assert.equal((await detail(rt, world, unrelated.tracking_id)).body.reporter_email, 'erin@example.net');
      const entry = await rt.ctx.db.selectFrom('audit_log').select(['actor', 'data']).where('action', '=', 'report.reporter-data-erased').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.match(entry.actor, /^user:/);
      assert.equal((entry.data as { reason: string }).reason, 'request');
      assert.deepEqual(await tablesHolding(rt, 'dave@example.net'), []);
      const again = await rt.app.inject({ method: 'POST', url, headers: world.as('siteAdmin'), payload: { email: 'dave@example.net' } });
      assert.deepEqual((again.json() as { reports: string[] }).reports, []);
    });
  });
}
