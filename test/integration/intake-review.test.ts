import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { reportMail } from '../support/mail-relay.ts';
import { receiveMail } from '../../src/services/mail/intake.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';

const P = '/api/v1/projects/privastream';
const C = '/api/v1/projects/personal-chatter';

/**
 * Blocked senders and the review queue (issue 18): a blocked sender's submission (web, API, mail) and a first-time
 * reporter's (when the policy holds them) are stored and held — no report, no queue, no clock, no mail, no event —
 * and answered exactly as an accepted one; a maintainer releases (a report from then on) or discards.
 */
for (const engine of ENGINES) {
  describe(`intake review on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    const queueIds = async (base = P) => ((await rt.app.inject({ url: `${base}/reports?limit=200`, headers: world.as('siteAdmin') })).json().reports as { tracking_id: string }[]).map((r) => r.tracking_id);
    const review = async (base = P, as: 'triager' | 'siteAdmin' | 'outsider' = 'triager') => (await rt.app.inject({ url: `${base}/review`, headers: world.as(as) })).json() as { total: number; items: { tracking_id: string; reason: string; title: string; source: string }[] };
    const reportRow = (trackingId: string) => rt.ctx.db.selectFrom('reports').select(['id', 'created_at']).where('tracking_id', '=', trackingId).executeTakeFirst();
    const audits = async (action: string): Promise<Record<string, unknown>[]> => (await rt.ctx.db.selectFrom('audit_log').select(['data', 'report_id']).where('action', '=', action).execute()).map((a) => ({ ...(a.data as Record<string, unknown>), report_id: a.report_id }));

    test('a blocked address is held: same answer as accepted, no report, no queue, no mail, no event; released it becomes a report with clocks from then', async () => {
      const block = await rt.app.inject({ method: 'POST', url: `${P}/blocks`, headers: world.as('triager'), payload: { kind: 'email', value: ' Spammer@Example.org ', note: 'wave of junk' } });
      assert.equal(block.statusCode, 201, block.body);
      assert.equal(block.json().value, 'spammer@example.org');
      assert.equal(block.json().active, true);

      const accepted = await rt.app.inject({ method: 'POST', url: `${P}/reports`, payload: validReport({ title: 'Normal report', reporter_email: 'ok@example.org' }) });
      const held = await rt.app.inject({ method: 'POST', url: `${P}/reports`, payload: validReport({ title: 'Held report', reporter_email: 'spammer@example.org' }) });
      assert.equal(held.statusCode, 201, held.body);
      assert.deepEqual(Object.keys(held.json()).sort(), Object.keys(accepted.json()).sort(), 'the same shape as an accepted submission');
      const h = held.json() as { tracking_id: string; reporter_token: string };
      assert.match(h.tracking_id, /^PRIV-\d{4}-\d{4,}$/);

      assert.equal(await reportRow(h.tracking_id), undefined, 'no report');
      assert.ok(!(await queueIds()).includes(h.tracking_id), 'not in the queue');
      const heldRow = await rt.ctx.db.selectFrom('held_reports').select(['id', 'reason', 'block_id']).where('tracking_id', '=', h.tracking_id).executeTakeFirstOrThrow();
      assert.equal(heldRow.reason, 'blocked');
      assert.equal(heldRow.block_id, block.json().id);
      assert.equal((await rt.ctx.db.selectFrom('outbox').select('id').where('report_id', '=', heldRow.id).execute()).length, 0, 'no acknowledgement mail while held');
      assert.equal((await rt.ctx.db.selectFrom('report_events').select('kind').where('report_id', '=', heldRow.id).execute()).length, 0, 'no clock');
      assert.equal((await rt.ctx.db.selectFrom('project_events').select('id').where('report_id', '=', heldRow.id).execute()).length, 0, 'no project event (no maintainer notification)');
      const heldAudit = (await audits('report.held')).find((a) => a.tracking_id === h.tracking_id);
      assert.equal(heldAudit?.reason, 'blocked');
      assert.ok(!JSON.stringify(heldAudit).includes('spammer@'), 'the audit entry names the block, not the sender');

      // The sender's link: their report, state new, nothing promised — no deadline, nothing that says "blocked".
      const view = await rt.app.inject({ url: `/api/v1/reporter/${h.reporter_token}` });
      assert.equal(view.statusCode, 200, view.body);
      assert.equal(view.json().state, 'new');
      assert.equal(view.json().title, 'Held report');
      assert.deepEqual(view.json().deadlines, []);
      assert.ok(!/block|held|review|spam/i.test(JSON.stringify({ ...view.json(), title: '', body: {} })));
      assert.equal((await rt.app.inject({ url: `/reporter/${h.reporter_token}` })).statusCode, 302);

      // The maintainers see a count and the queue; a viewer may not.
      const q = await review();
      assert.equal(q.total, 1);
      assert.deepEqual(q.items.map((i) => [i.tracking_id, i.reason, i.title]), [[h.tracking_id, 'blocked', 'Held report']]);
      assert.equal((await rt.app.inject({ url: `${P}/review`, headers: world.as('viewer') })).statusCode, 403);
      const detail = await rt.app.inject({ url: `${P}/review/${h.tracking_id}`, headers: world.as('triager') });
      assert.equal(detail.json().body.reporter_email, 'spammer@example.org');

      rt.clock.advance(3_600_000);
      const released = await rt.app.inject({ method: 'POST', url: `${P}/review/${h.tracking_id}/release`, headers: world.as('triager') });
      assert.equal(released.statusCode, 200, released.body);
      const row = await reportRow(h.tracking_id);
      assert.ok(row, 'a report now, with the tracking ID it was given');
      assert.equal(row.id, heldRow.id);
      assert.equal(row.created_at.getTime(), rt.clock.now.getTime(), 'its clocks start at release');
      assert.ok((await queueIds()).includes(h.tracking_id));
      assert.equal((await rt.ctx.db.selectFrom('outbox').select('kind').where('report_id', '=', row.id).execute())[0]?.kind, 'acknowledgement', 'acknowledged at release');
      assert.equal((await review()).total, 0);
      assert.equal((await rt.app.inject({ url: `/api/v1/reporter/${h.reporter_token}` })).json().deadlines.length > 0, true, 'a report like any other');
      const again = await rt.app.inject({ method: 'POST', url: `${P}/review/${h.tracking_id}/release`, headers: world.as('triager') });
      assert.equal(again.statusCode, 404, 'released once');
      assert.equal((await audits('report.released')).filter((a) => a.tracking_id === h.tracking_id).length, 1);

      const lifted = await rt.app.inject({ method: 'DELETE', url: `${P}/blocks/${block.json().id}`, headers: world.as('admin') });
      assert.equal(lifted.statusCode, 200, lifted.body);
      assert.equal(lifted.json().active, false);
      const after = await submit(rt, 'privastream', validReport({ title: 'After the block', reporter_email: 'spammer@example.org' }));
      assert.ok(await reportRow(after.tracking_id), 'a lifted block holds nothing');
      assert.deepEqual((await audits('sender.unblocked')).map((a) => a.value), ['spammer@example.org']);
    });

    test('an instance-wide network block (site admins) holds mail and web alike; discarded, the link opens nothing', async () => {
      const asTriager = await rt.app.inject({ method: 'POST', url: '/api/v1/blocks', headers: world.as('admin'), payload: { kind: 'network', value: '198.51.100.7/24' } });
      assert.equal(asTriager.statusCode, 403, 'a project admin may not block on the instance');
      const bad = await rt.app.inject({ method: 'POST', url: '/api/v1/blocks', headers: world.as('siteAdmin'), payload: { kind: 'network', value: '198.51.100.300' } });
      assert.equal(bad.statusCode, 400);
      const block = await rt.app.inject({ method: 'POST', url: '/api/v1/blocks', headers: world.as('siteAdmin'), payload: { kind: 'network', value: '198.51.100.7/24', expires_at: new Date(rt.clock.now.getTime() + 86_400_000).toISOString() } });
      assert.equal(block.statusCode, 201, block.body);
      assert.equal(block.json().value, '198.51.100.0/24');
      assert.equal(block.json().scope, 'instance');

      const web = await rt.app.inject({ method: 'POST', url: `${C}/reports`, payload: validReport({ title: 'From the blocked net' }), remoteAddress: '198.51.100.99' });
      assert.equal(web.statusCode, 201, web.body);
      const raw = await new MailComposer(reportMail({ subject: 'Mailed from the blocked net', messageId: '<held-1@example.org>' })).compile().build();
      await receiveMail(rt.ctx, { remoteAddress: '::ffff:198.51.100.12', mailFrom: 'ada@example.org', rcptTo: ['security@privastream.ai'], raw }, { domains: [], maxAttachments: 10, maxAttachmentBytes: 1_000_000 });
      const elsewhere = await rt.app.inject({ method: 'POST', url: `${C}/reports`, payload: validReport({ title: 'From elsewhere' }), remoteAddress: '192.0.2.1' });

      const chatter = await review(C, 'outsider');
      assert.deepEqual(chatter.items.map((i) => i.title), ['From the blocked net']);
      const priv = await review();
      assert.deepEqual(priv.items.map((i) => [i.title, i.source]), [['Mailed from the blocked net', 'email']]);
      assert.ok(await reportRow(elsewhere.json().tracking_id));
      const mailHeld = await rt.ctx.db.selectFrom('held_reports').select('id').where('tracking_id', '=', priv.items[0]!.tracking_id).executeTakeFirstOrThrow();
      assert.equal((await rt.ctx.db.selectFrom('outbox').select('id').where('report_id', '=', mailHeld.id).execute()).length, 0, 'no acknowledgement by mail while held');

      const { tracking_id, reporter_token } = web.json() as { tracking_id: string; reporter_token: string };
      const discarded = await rt.app.inject({ method: 'POST', url: `${C}/review/${tracking_id}/discard`, headers: world.as('outsider') });
      assert.equal(discarded.statusCode, 200, discarded.body);
      assert.equal((await rt.app.inject({ url: `/api/v1/reporter/${reporter_token}` })).statusCode, 404);
      assert.equal(await reportRow(tracking_id), undefined);
      assert.deepEqual((await audits('report.discarded')).map((a) => a.tracking_id).filter((t) => t === tracking_id), [tracking_id]);

      // The project sees its own blocks only; the instance list is the site admins'.
      assert.deepEqual((await rt.app.inject({ url: `${C}/blocks`, headers: world.as('outsider') })).json().blocks, []);
      assert.equal((await rt.app.inject({ url: '/api/v1/blocks', headers: world.as('siteAdmin') })).json().blocks.length, 1);
      // Expired, it holds nothing.
      rt.clock.advance(2 * 86_400_000);
      const later = await rt.app.inject({ method: 'POST', url: `${C}/reports`, payload: validReport({ title: 'After expiry' }), remoteAddress: '198.51.100.99' });
      assert.ok(await reportRow(later.json().tracking_id));
      assert.equal((await rt.app.inject({ url: '/api/v1/blocks', headers: world.as('siteAdmin') })).json().blocks[0].active, false);
    });

    test('"block this sender" on a report blocks its address and key without showing them', async () => {
      const { tracking_id } = await submit(rt, 'privastream', validReport({ title: 'Junk', reporter_email: 'hidden@example.org' }));
      const viewer = await rt.app.inject({ method: 'POST', url: `${P}/reports/${tracking_id}/block-sender`, headers: world.as('viewer'), payload: {} });
      assert.equal(viewer.statusCode, 403);
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/${tracking_id}/block-sender`, headers: world.as('triager'), payload: { note: 'junk' } });
      assert.equal(res.statusCode, 201, res.body);
      assert.ok(!res.body.includes('hidden@'), 'the answer never carries the address');
      assert.deepEqual(res.json().blocks.map((b: { kind: string; value: null; from_report: string }) => [b.kind, b.value, b.from_report]), [['email', null, tracking_id]]);
      const listed = await rt.app.inject({ url: `${P}/blocks`, headers: world.as('triager') });
      assert.ok(!listed.body.includes('hidden@'));
      const audit = (await audits('sender.blocked')).find((a) => a.from_report === tracking_id);
      assert.ok(audit && !JSON.stringify(audit).includes('hidden@'), 'nor does the audit entry');
      const next = await submit(rt, 'privastream', validReport({ title: 'More junk', reporter_email: 'HIDDEN@example.org' }));
      assert.equal(await reportRow(next.tracking_id), undefined, 'held');
      assert.ok((await review()).items.some((i) => i.tracking_id === next.tracking_id));
    });

    test('a block made by another instance is seen within the intake cache time (5 s); one made here at once', async () => {
      await submit(rt, 'privastream', validReport({ title: 'Warms the cache', reporter_email: 'warm@example.org' }));
      const p = await rt.ctx.db.selectFrom('projects').select('id').where('slug', '=', 'privastream').executeTakeFirstOrThrow();
      // As another instance would: straight into the shared database, this process's cache not told.
      await rt.ctx.db
        .insertInto('sender_blocks')
        .values({ project_id: p.id, kind: 'email', value: 'elsewhere@example.org', from_report_id: null, from_tracking_id: null, note: null, created_by: 'other instance', created_at: rt.clock.now, expires_at: null, lifted_at: null, lifted_by: null })
        .execute();
      const soon = await submit(rt, 'privastream', validReport({ title: 'Too soon', reporter_email: 'elsewhere@example.org' }));
      assert.ok(await reportRow(soon.tracking_id), 'not seen yet: cached');
      rt.clock.advance(5_000);
      const later = await submit(rt, 'privastream', validReport({ title: 'Later', reporter_email: 'elsewhere@example.org' }));
      assert.equal(await reportRow(later.tracking_id), undefined, 'seen after the cache time');
    });

    test('first-time reporters are held when the policy says so, until they have an accepted report', async () => {
      const yaml = examplePolicy('personal-chatter').replace(/^intake:\n/m, 'intake:\n  hold_first_time_reporters: true\n');
      assert.notEqual(yaml, examplePolicy('personal-chatter'), 'the example policy has an intake section');
      await savePolicy(rt.ctx, yaml, 'test');
      rt.ctx.intakeProjects.delete('personal-chatter');
      const first = await submit(rt, 'personal-chatter', validReport({ title: 'My first', reporter_email: 'newcomer@example.org' }));
      assert.match(first.tracking_id, /-\d{4}-\d{4,}$/, 'the reporter still gets the tracking ID');
      assert.equal(await reportRow(first.tracking_id), undefined);
      const q = await review(C, 'outsider');
      assert.equal(q.items.find((i) => i.tracking_id === first.tracking_id)?.reason, 'first-time');
      const rel = await rt.app.inject({ method: 'POST', url: `${C}/review/${first.tracking_id}/release`, headers: world.as('outsider') });
      assert.equal(rel.statusCode, 200, rel.body);
      await rt.jobs.runAllOnce();
      const second = await submit(rt, 'personal-chatter', validReport({ title: 'Second, before acceptance', reporter_email: 'newcomer@example.org' }));
      assert.equal(await reportRow(second.tracking_id), undefined, 'still no accepted report: held');
      for (const to of ['triaged', 'accepted']) {
        const t = await rt.app.inject({ method: 'POST', url: `${C}/reports/${first.tracking_id}/transitions`, headers: world.as('outsider'), payload: { to } });
        assert.equal(t.statusCode, 200, t.body);
      }
      const third = await submit(rt, 'personal-chatter', validReport({ title: 'Third, after acceptance', reporter_email: 'Newcomer@example.org' }));
      assert.ok(await reportRow(third.tracking_id), 'an accepted report on this instance: no longer held');
      const other = await submit(rt, 'personal-chatter', validReport({ title: 'Somebody else', reporter_email: 'other@example.org' }));
      assert.equal(await reportRow(other.tracking_id), undefined, 'another address: first-time');
    });

    test('the review queue pages by keyset: limit, cursor, next_cursor; ties on the time kept apart by id', async () => {
      const block = await rt.app.inject({ method: 'POST', url: `${C}/blocks`, headers: world.as('siteAdmin'), payload: { kind: 'email', value: 'pager@example.org' } });
      assert.equal(block.statusCode, 201, block.body);
      const sent: string[] = [];
      for (let i = 0; i < 5; i++) {
        // Two share each clock reading: the keyset's id breaks the tie.
        if (i % 2 === 0) rt.clock.advance(1000);
        const res = await rt.app.inject({ method: 'POST', url: `${C}/reports`, payload: validReport({ title: `Paged ${i}`, reporter_email: 'pager@example.org' }) });
        assert.equal(res.statusCode, 201, res.body);
        sent.push(res.json().tracking_id as string);
      }
      type HeldPage = { total: number; items: { tracking_id: string }[]; next_cursor: string | null };
      const page = async (query: string) => rt.app.inject({ url: `${C}/review?${query}`, headers: world.as('siteAdmin') });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      let total = 0;
      do {
        const res = await page(`limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as HeldPage;
        assert.ok(body.items.length <= 2);
        total = body.total;
        seen.push(...body.items.map((i) => i.tracking_id));
        cursor = body.next_cursor;
        pages++;
      } while (cursor);
      assert.ok(total >= 5 && pages === Math.ceil(total / 2), `${pages} pages of 2 for ${total}`);
      assert.equal(new Set(seen).size, total, 'every held submission once');
      assert.ok(sent.every((id) => seen.includes(id)));
      const all = (await page('limit=200')).json() as HeldPage;
      assert.deepEqual(seen, all.items.map((i) => i.tracking_id), 'pages in the one order');
      assert.equal(all.next_cursor, null);
      // Without a limit, 50 a page; a cursor of another project's list is refused.
      assert.equal(((await page('')).json() as HeldPage).items.length, Math.min(total, 50));
      const first = (await page('limit=1')).json() as HeldPage;
      const other = await rt.app.inject({ url: `${P}/review?cursor=${encodeURIComponent(first.next_cursor ?? '')}`, headers: world.as('siteAdmin') });
      assert.equal(other.statusCode, 400, other.body);
      for (const id of sent) assert.equal((await rt.app.inject({ method: 'POST', url: `${C}/review/${id}/discard`, headers: world.as('siteAdmin') })).statusCode, 200);
      await rt.app.inject({ method: 'DELETE', url: `${C}/blocks/${block.json().id}`, headers: world.as('siteAdmin') });
    });
  });
}
