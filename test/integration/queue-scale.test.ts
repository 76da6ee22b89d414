import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { computeDeadlines, isOutstanding, type SlaPolicy } from '../../src/core/sla/clock.ts';
import { keptDeadlines } from '../../src/core/sla/promises.ts';
import { queueIndexOf, RANK_LAST, type QueueIndex } from '../../src/core/sla/queue-index.ts';
import { OPEN_STATES } from '../../src/core/reports/states.ts';
import { SEVERITIES } from '../../src/core/severity.ts';
import { loadEvents } from '../../src/services/reports/events.ts';
import { getProject } from '../../src/services/projects/projects.ts';
import { aad } from '../../src/services/reports/store.ts';
import { indexOfNewReport } from '../../src/services/reports/queue-index.ts';
import { GENESIS_HASH } from '../../src/core/audit/chain.ts';
import { backfillQueueIndex } from '../../src/adapters/db/migrations/0011-queue-index.ts';

/**
 * The queue and the SLA view at scale (issue 14): keyset pages in urgency order, sorted and filtered in SQL on a
 * stored index that must equal what the core computes from the events after every kind of change; a project past
 * PGlite's 65,535-parameter limit; and the audit chain verified incrementally from a checkpoint.
 */

const SLUG = 'personal-chatter';
const P = `/api/v1/projects/${SLUG}`;
const HOUR = 3_600_000;

/** personal-chatter's policy with a clock in business days and an update cadence, so pauses and cadence show. */
const policyYaml = (acknowledge = '24h'): string => {
  const yaml = examplePolicy(SLUG)
    .replace('  acknowledge:\n    within: 24h', `  acknowledge:\n    within: ${acknowledge}`)
    .replace('  detailed_response:\n    within: 7d\n', '  detailed_response:\n    within: 5bd\n  update_cadence:\n    within: 3d\n');
  assert.match(yaml, /update_cadence/);
  return yaml;
};

type QueueRow = {
  tracking_id: string;
  state: string;
  severity: string | null;
  created_at: string;
  queue_order: string;
  next_deadline: { clock: string; due_at: string; status: string } | null;
};
type SlaRow = { tracking_id: string; clock: string; due_at: string; status: string };

for (const engine of ENGINES) {
  describe(`queue and SLA view at scale on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    const admin = () => world.as('siteAdmin');
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      const saved = await rt.app.inject({ method: 'PUT', url: `${P}/policy`, headers: admin(), payload: { policy_yaml: policyYaml() } });
      assert.equal(saved.statusCode, 200, saved.body);
    });
    after(() => rt.close());

    const report = (body: Record<string, unknown> = {}) => submit(rt, SLUG, validReport({ affected_version: '0.2.1', ...body }));
    const move = async (id: string, to: string, extra: Record<string, unknown> = {}) => {
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/${id}/transitions`, headers: admin(), payload: { to, ...extra } });
      assert.equal(res.statusCode, 200, res.body);
    };
    const reply = async (id: string, internal = false) => {
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports/${id}/messages`, headers: admin(), payload: { body: 'We are on it.', internal } });
      assert.equal(res.statusCode, 201, res.body);
    };
    const severity = async (id: string, value: string | null) => {
      const res = await rt.app.inject({ method: 'PUT', url: `${P}/reports/${id}/severity`, headers: admin(), payload: { severity: value } });
      assert.equal(res.statusCode, 200, res.body);
    };

    /** What the core computes for one report from its events at `now`, in the stored index's shape. */
    async function expectedIndex(reportId: string, now: Date): Promise<QueueIndex> {
      const row = await rt.ctx.db
        .selectFrom('reports')
        .innerJoin('projects', 'projects.id', 'reports.project_id')
        .select(['reports.state', 'reports.severity', 'reports.created_at', 'reports.policy_version', 'reports.project_id'])
        .where('reports.id', '=', reportId)
        .executeTakeFirstOrThrow();
      const events = await loadEvents(rt.ctx.db, [reportId]);
      // The promises the report holds: the policy version it was submitted under and every later one (docs/sla.md).
      const versions = await rt.ctx.db.selectFrom('policy_versions').selectAll().where('project_id', '=', row.project_id).where('version', '>=', row.policy_version).orderBy('version').execute();
      const held = versions.map((v) => ({ version: v.version, effectiveAt: v.effective_at.toISOString(), policy: v.sla as SlaPolicy }));
      return queueIndexOf({ state: row.state, severity: row.severity, createdAt: row.created_at }, keptDeadlines(events.get(reportId) ?? [], held, now));
    }

    async function storedIndex(reportId: string): Promise<QueueIndex> {
      const row = await rt.ctx.db.selectFrom('reports').select(['queue_rank', 'queue_key', 'next_due_at', 'next_due_clock']).where('id', '=', reportId).executeTakeFirstOrThrow();
      const deadlines = await rt.ctx.db.selectFrom('report_deadlines').select(['clock', 'rank', 'sort_key', 'due_at']).where('report_id', '=', reportId).execute();
      return {
        rank: Number(row.queue_rank),
        key: Number(row.queue_key),
        nextDueAt: row.next_due_at?.toISOString() ?? null,
        nextClock: (row.next_due_clock as QueueIndex['nextClock']) ?? null,
        deadlines: deadlines.map((d) => ({ clock: d.clock as QueueIndex['nextClock'] & string, rank: Number(d.rank) as 0 | 1, key: Number(d.sort_key), dueAt: d.due_at.toISOString() })),
      };
    }

    const sortDeadlines = (i: QueueIndex) => ({ ...i, deadlines: [...i.deadlines].sort((a, b) => a.clock.localeCompare(b.clock)) });

    /**
     * The stored index of these reports (all of the project's when none are named) equals the core's as of the moment
     * it was computed (`queue_indexed_at`); running deadlines do not move with time, so those equal the core's now too.
     */
    async function assertIndexExact(trackingIds?: string[], what = '') {
      const project = await getProject(rt.ctx.db, SLUG);
      let q = rt.ctx.db.selectFrom('reports').select(['id', 'tracking_id', 'queue_indexed_at']).where('project_id', '=', project.id);
      if (trackingIds) q = q.where('tracking_id', 'in', trackingIds);
      const rows = await q.execute();
      assert.ok(rows.length > 0);
      for (const r of rows) {
        assert.ok(r.queue_indexed_at, `${r.tracking_id} is indexed`);
        const stored = sortDeadlines(await storedIndex(r.id));
        assert.deepEqual(stored, sortDeadlines(await expectedIndex(r.id, r.queue_indexed_at)), `${r.tracking_id} ${what}`);
        const now = sortDeadlines(await expectedIndex(r.id, rt.clock.now));
        const running = (i: QueueIndex) => i.deadlines.filter((d) => d.rank === 0);
        assert.deepEqual(running(stored), running(now), `${r.tracking_id} ${what}: running deadlines now`);
        if (stored.rank !== 1) assert.deepEqual(stored, now, `${r.tracking_id} ${what}: now`);
      }
    }

    const idOf = async (trackingId: string) => (await rt.ctx.db.selectFrom('reports').select('id').where('tracking_id', '=', trackingId).executeTakeFirstOrThrow()).id;

    test('the stored index equals what the core computes from the events, after each kind of event', async () => {
      const { tracking_id: id, reporter_token } = await report();
      await assertIndexExact([id], 'after intake');
      assert.equal((await storedIndex(await idOf(id))).nextClock, 'acknowledge');

      rt.clock.advance(2 * HOUR);
      await move(id, 'acknowledged');
      await assertIndexExact([id], 'after a state change');
      rt.clock.advance(5 * HOUR);
      await reply(id);
      await assertIndexExact([id], 'after a maintainer reply');
      const beforeNote = await storedIndex(await idOf(id));
      rt.clock.advance(HOUR);
      await reply(id, true);
      assert.deepEqual(await storedIndex(await idOf(id)), beforeNote, 'an internal note is no event');

      // Waiting on the reporter: the running clocks stand still, so the report ranks after running ones.
      rt.clock.advance(3 * HOUR);
      await move(id, 'needs-info');
      await assertIndexExact([id], 'after needs-info');
      const paused = await storedIndex(await idOf(id));
      assert.equal(paused.rank, 1, JSON.stringify(paused));
      assert.ok(paused.deadlines.some((d) => d.rank === 1));
      rt.clock.advance(30 * HOUR);
      const answer = await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${reporter_token}/messages`, payload: { body: 'Here are the details.' } });
      assert.equal(answer.statusCode, 201);
      await assertIndexExact([id], 'after a reporter message');
      assert.equal((await storedIndex(await idOf(id))).rank, 0);

      rt.clock.advance(HOUR);
      await move(id, 'triaged');
      await move(id, 'accepted');
      await severity(id, 'high');
      await assertIndexExact([id], 'after a severity');
      assert.ok((await storedIndex(await idOf(id))).deadlines.some((d) => d.clock === 'fix'));

      rt.clock.advance(HOUR);
      const until = new Date(rt.clock.now.getTime() + 3 * 24 * HOUR).toISOString();
      const embargo = await rt.app.inject({ method: 'PUT', url: `${P}/reports/${id}/embargo`, headers: admin(), payload: { until } });
      assert.equal(embargo.statusCode, 200, embargo.body);
      await assertIndexExact([id], 'after an embargo');

      rt.clock.advance(HOUR);
      await move(id, 'fixed');
      await assertIndexExact([id], 'after fixed');
      await move(id, 'closed');
      await assertIndexExact([id], 'after closing');
      const closed = await storedIndex(await idOf(id));
      assert.equal(closed.nextDueAt, null);
      assert.deepEqual(closed.deadlines, [], 'a closed report has no deadline in the SLA view');
      assert.equal(closed.rank, 2 + SEVERITIES.length - 1 - SEVERITIES.indexOf('high'), 'no deadline: ranked by severity');
    });

    test('a policy whose SLA changes re-indexes every report of the project', async () => {
      const fresh = await report();
      const acked = await report();
      await move(acked.tracking_id, 'acknowledged');
      rt.clock.advance(HOUR);
      const saved = await rt.app.inject({ method: 'PUT', url: `${P}/policy`, headers: admin(), payload: { policy_yaml: policyYaml('4h') } });
      assert.equal(saved.statusCode, 200, saved.body);
      await assertIndexExact(undefined, 'after the policy change');
      const stored = await storedIndex(await idOf(fresh.tracking_id));
      const created = await rt.ctx.db.selectFrom('reports').select('created_at').where('tracking_id', '=', fresh.tracking_id).executeTakeFirstOrThrow();
      assert.equal(stored.nextClock, 'acknowledge');
      assert.equal(stored.nextDueAt, new Date(created.created_at.getTime() + 4 * HOUR).toISOString(), 'the new 4h promise places it');
      // And back, so later tests see the usual policy.
      rt.clock.advance(HOUR);
      assert.equal((await rt.app.inject({ method: 'PUT', url: `${P}/policy`, headers: admin(), payload: { policy_yaml: policyYaml() } })).statusCode, 200);
      await assertIndexExact(undefined, 'after the policy change back');
    });

    test('intake in batches (group commit) indexes every report it writes', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => report()));
      await assertIndexExact(results.map((r) => r.tracking_id), 'after a batched intake');
    });

    test('pages hold every report exactly once, in urgency order, with and without filters', async () => {
      // A spread of states, severities and ages.
      const plan: Array<[string[], string | null]> = [
        [[], null],
        [['acknowledged'], null],
        [['needs-info'], null],
        [['triaged'], 'low'],
        [['triaged', 'accepted'], 'high'],
        [['rejected'], null],
        [['triaged', 'accepted', 'fixed', 'closed'], 'critical'],
        [['acknowledged', 'triaged'], 'medium'],
      ];
      for (let i = 0; i < 16; i++) {
        const [moves, sev] = plan[i % plan.length] as [string[], string | null];
        const { tracking_id } = await report();
        for (const to of moves) await move(tracking_id, to, to === 'rejected' ? { reason: 'invalid' } : {});
        if (sev) await severity(tracking_id, sev);
        rt.clock.advance((i % 5) * 7 * HOUR + 11 * 60_000);
      }
      await assertIndexExact(undefined, 'after the spread');

      const project = await getProject(rt.ctx.db, SLUG);
      const all = await rt.ctx.db.selectFrom('reports').select(['tracking_id', 'state', 'severity']).where('project_id', '=', project.id).execute();

      async function pages(query: string, limit: number): Promise<QueueRow[]> {
        const rows: QueueRow[] = [];
        let cursor: string | null = null;
        let n = 0;
        do {
          const res: LightMyRequestResponse = await rt.app.inject({ url: `${P}/reports?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: admin() });
          assert.equal(res.statusCode, 200, res.body);
          const body = res.json() as { reports: QueueRow[]; next_cursor: string | null };
          assert.ok(body.reports.length <= limit);
          if (body.next_cursor) assert.equal(body.reports.length, limit, 'only the last page is short');
          rows.push(...body.reports);
          cursor = body.next_cursor;
          assert.ok(++n < 100);
        } while (cursor);
        return rows;
      }

      const assertUrgencyOrder = (rows: QueueRow[], what: string) => {
        const orders = rows.map((r) => r.queue_order);
        assert.deepEqual(orders, [...orders].sort(), `${what}: queue_order ascends`);
        assert.equal(new Set(orders).size, orders.length);
        const group = (r: QueueRow) => (r.next_deadline === null ? 2 : r.next_deadline.status === 'paused' ? 1 : 0);
        for (let i = 1; i < rows.length; i++) {
          const [a, b] = [rows[i - 1] as QueueRow, rows[i] as QueueRow];
          assert.ok(group(a) <= group(b), `${what}: ${a.tracking_id} before ${b.tracking_id}`);
          if (group(a) === 0 && group(b) === 0) assert.ok(a.next_deadline!.due_at <= b.next_deadline!.due_at, `${what}: overdue and soonest due first`);
          if (group(a) === 2 && group(b) === 2) {
            const rank = (r: QueueRow) => (r.severity ? SEVERITIES.indexOf(r.severity as never) : -1);
            assert.ok(rank(a) > rank(b) || (rank(a) === rank(b) && a.created_at >= b.created_at), `${what}: no deadline: worst severity, then newest first`);
          }
        }
      };

      const everything = await pages('', 4);
      assert.deepEqual(everything.map((r) => r.tracking_id).sort(), all.map((r) => r.tracking_id).sort(), 'every report exactly once');
      assertUrgencyOrder(everything, 'all');
      assert.ok(everything.some((r) => r.next_deadline?.status === 'breached'), 'some are overdue');
      assert.ok(everything.some((r) => r.next_deadline?.status === 'paused'), 'some wait on the reporter');
      assert.ok(everything.some((r) => r.next_deadline === null), 'some have no deadline');

      const open = await pages(`&state=${OPEN_STATES.join(',')}`, 3);
      assert.deepEqual(open.map((r) => r.tracking_id).sort(), all.filter((r) => OPEN_STATES.includes(r.state as never)).map((r) => r.tracking_id).sort());
      assertUrgencyOrder(open, 'open');
      const triaged = await pages('&state=triaged', 2);
      assert.deepEqual(triaged.map((r) => r.tracking_id).sort(), all.filter((r) => r.state === 'triaged').map((r) => r.tracking_id).sort());
      assertUrgencyOrder(triaged, 'triaged');
      const severe = await pages('&severity=high,critical', 2);
      assert.deepEqual(severe.map((r) => r.tracking_id).sort(), all.filter((r) => r.severity === 'high' || r.severity === 'critical').map((r) => r.tracking_id).sort());
      const dueSoon = await pages('&due_within_hours=24', 3);
      assert.ok(dueSoon.length > 0 && dueSoon.length < everything.length);
      for (const r of dueSoon) assert.ok(r.next_deadline && (r.next_deadline.status === 'breached' || Date.parse(r.next_deadline.due_at) - rt.clock.now.getTime() <= 24 * HOUR || r.next_deadline.status === 'paused'));
      const expectedDueSoon = everything.filter((r) => r.next_deadline && r.next_deadline.status !== 'paused' && Date.parse(r.next_deadline.due_at) <= rt.clock.now.getTime() + 24 * HOUR);
      assert.deepEqual(
        dueSoon.filter((r) => r.next_deadline?.status !== 'paused').map((r) => r.tracking_id),
        expectedDueSoon.map((r) => r.tracking_id),
      );

      // A cursor belongs to its list and filters.
      const first = (await rt.app.inject({ url: `${P}/reports?limit=2&state=triaged`, headers: admin() })).json() as { next_cursor: string };
      const other = await rt.app.inject({ url: `${P}/reports?limit=2&cursor=${encodeURIComponent(first.next_cursor)}`, headers: admin() });
      assert.equal(other.statusCode, 400);
      assert.equal((await rt.app.inject({ url: `${P}/reports?cursor=bm9wZQ`, headers: admin() })).statusCode, 400);
      assert.equal((await rt.app.inject({ url: `${P}/reports?limit=201`, headers: admin() })).statusCode, 400);

      // The SLA view: every outstanding deadline of the open reports (as the core computes them now), once.
      const entries: SlaRow[] = [];
      let cursor: string | null = null;
      do {
        const res: LightMyRequestResponse = await rt.app.inject({ url: `${P}/sla?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: admin() });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { deadlines: SlaRow[]; next_cursor: string | null };
        entries.push(...body.deadlines);
        cursor = body.next_cursor;
      } while (cursor);
      const reports = await rt.ctx.db.selectFrom('reports').select(['id', 'tracking_id', 'policy_version']).where('project_id', '=', project.id).where('state', 'in', [...OPEN_STATES]).execute();
      const events = await loadEvents(rt.ctx.db, reports.map((r) => r.id));
      const versions = await rt.ctx.db.selectFrom('policy_versions').selectAll().where('project_id', '=', project.id).orderBy('version').execute();
      const held = (from: number) => versions.filter((v) => v.version >= from).map((v) => ({ version: v.version, effectiveAt: v.effective_at.toISOString(), policy: v.sla as SlaPolicy }));
      const expected = reports.flatMap((r) =>
        keptDeadlines(events.get(r.id) ?? [], held(r.policy_version), rt.clock.now)
          .filter(isOutstanding)
          .map((d) => `${r.tracking_id}/${d.clock}/${d.dueAt}/${d.status}`),
      );
      assert.deepEqual(entries.map((e) => `${e.tracking_id}/${e.clock}/${e.due_at}/${e.status}`).sort(), expected.sort());
      const paused = entries.findIndex((e) => e.status === 'paused');
      assert.ok(paused > 0, 'paused deadlines come after the running ones');
      const running = entries.slice(0, paused);
      assert.ok(running.every((e) => e.status !== 'paused') && entries.slice(paused).every((e) => e.status === 'paused'));
      assert.deepEqual(running.map((e) => e.due_at), running.map((e) => e.due_at).sort(), 'overdue first, then the soonest due');
    });

    test('the migration indexes the reports a store already has', async () => {
      // As before migration 0011: every report at the columns' defaults, no SLA rows; and, as migration 0018 then
      // leaves such a store, one SLA version per project (its current promises) held by every report.
      await sql`delete from policy_versions v using projects p where p.id = v.project_id and v.version <> p.sla_version`.execute(rt.ctx.db);
      await sql`update policy_versions set version = 1`.execute(rt.ctx.db);
      await rt.ctx.db.updateTable('projects').set({ sla_version: 1 }).execute();
      await rt.ctx.db.updateTable('reports').set({ policy_version: 1 }).execute();
      await rt.ctx.db.updateTable('reports').set({ queue_rank: RANK_LAST, queue_key: 0, next_due_at: null, next_due_clock: null }).execute();
      await rt.ctx.db.deleteFrom('report_deadlines').execute();
      await backfillQueueIndex(rt.ctx.db, rt.clock.now);
      await assertIndexExact(undefined, 'after the backfill');
    });

    // The limit is the wire protocol's (a Bind message counts its parameters in 16 bits), the same on both engines,
    // and loading 66,000 reports is the slowest step of the suite: it runs on one engine, PostgreSQL when present.
    const oneEngine = engine === ENGINES[ENGINES.length - 1] ? false : 'the 65,536-parameter case runs on the last engine only';
    test('a project with more reports than PGlite has bind parameters (65,536) still answers', { skip: oneEngine }, async () => {
      const project = await getProject(rt.ctx.db, 'privastream');
      const n = 66_000;
      const now = rt.clock.now;
      // Every bulk report is a plain submission; the core says where its deadlines fall (privastream counts in UTC
      // hours and days: a fixed distance from the submission), so SQL can write what intake would write.
      const probe = new Date(now.getTime() - HOUR);
      const sample = indexOfNewReport({ state: 'new', severity: null, createdAt: probe }, [{ kind: 'submitted', at: probe.toISOString() }], project.policy, now);
      assert.ok(sample.deadlines.length > 0 && sample.deadlines.every((d) => d.rank === 0));
      const offsets = sample.deadlines.map((d) => ({ clock: d.clock, ms: d.key - probe.getTime() }));
      const next = offsets.find((o) => o.clock === sample.nextClock) as { clock: string; ms: number };
      const at = now.toISOString();
      await sql`
        insert into reports (project_id, tracking_id, state, version_status, scope_status, credit_choice, terms_accepted, source, reporter_token_hash,
                             title_sealed, body_sealed, key_id, created_at, updated_at, next_due_at, next_due_clock, queue_rank, queue_key, queue_indexed_at)
        select ${project.id}::uuid, 'PRIV-2025-' || lpad(i::text, 5, '0'), 'new', 'not-given', 'not-given', 'anonymous', true, 'api', 'bulk-' || i,
               '\\x00'::bytea, '\\x00'::bytea, ${rt.ctx.sealer.activeKeyId}::text, c.at, c.at, c.at + ${next.ms}::bigint * interval '1 millisecond', ${next.clock}::text, 0,
               (extract(epoch from c.at) * 1000)::bigint + ${next.ms}::bigint, ${at}::timestamptz
        from generate_series(1, ${n}::int) i, lateral (select ${at}::timestamptz - (${n}::int - i + 1) * interval '1 minute' as at) c`.execute(rt.ctx.db);
      // As autovacuum would after a bulk load: without statistics PostgreSQL keeps the foreign-key checks' cached
      // plans from when the table was tiny (a sequential scan per inserted row).
      await sql`analyze reports`.execute(rt.ctx.db);
      await sql`insert into report_events (report_id, at, kind, data, actor) select id, created_at, 'submitted', '{}', 'reporter' from reports where tracking_id like 'PRIV-2025-%'`.execute(rt.ctx.db);
      await sql`
        insert into report_deadlines (report_id, project_id, clock, rank, sort_key, due_at)
        select r.id, r.project_id, o.clock, 0, (extract(epoch from r.created_at) * 1000)::bigint + o.ms, r.created_at + o.ms * interval '1 millisecond'
        from reports r, unnest(${offsets.map((o) => o.clock)}::text[], ${offsets.map((o) => o.ms)}::bigint[]) as o(clock, ms)
        where r.tracking_id like 'PRIV-2025-%'`.execute(rt.ctx.db);
      // Titles and bodies sealed for real where the test reads them: the oldest (first in the queue) and one more.
      const read = await rt.ctx.db
        .selectFrom('reports')
        .select(['id', 'tracking_id'])
        .where('project_id', '=', project.id)
        .where((eb) => eb.or([eb('tracking_id', '<=', 'PRIV-2025-00700'), eb('tracking_id', '=', 'PRIV-2025-33000')]))
        .where('tracking_id', 'like', 'PRIV-2025-%')
        .execute();
      const body = JSON.stringify({ description: 'Bulk', steps_to_reproduce: null, impact: null, environment: null, proof_of_concept: null, suggested_fix: null, reporter_name: null, reporter_email: null, credit_name: null });
      const seal = (text: string, id: string, part: string) => rt.ctx.sealer.seal(text, aad(id, part)).sealed.toString('hex');
      await sql`
        update reports r set title_sealed = decode(v.title, 'hex'), body_sealed = decode(v.body, 'hex')
        from unnest(${read.map((r) => r.id)}::uuid[], ${read.map((r) => seal(`Bulk report ${r.tracking_id}`, r.id, 'title'))}::text[], ${read.map((r) => seal(body, r.id, 'body'))}::text[]) as v(id, title, body)
        where r.id = v.id`.execute(rt.ctx.db);
      // What SQL wrote is what the services would have: the core agrees on a sample.
      for (const t of ['PRIV-2025-00001', 'PRIV-2025-33000', 'PRIV-2025-66000']) {
        const row = await rt.ctx.db.selectFrom('reports').select(['id', 'queue_indexed_at']).where('tracking_id', '=', t).executeTakeFirstOrThrow();
        assert.deepEqual(sortDeadlines(await storedIndex(row.id)), sortDeadlines(await expectedIndex(row.id, row.queue_indexed_at as Date)), t);
      }
      const count = await rt.ctx.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', project.id).executeTakeFirstOrThrow();
      assert.ok(Number(count.n) > 65_536);

      const P2 = '/api/v1/projects/privastream';
      let cursor: string | null = null;
      const seen: string[] = [];
      for (let page = 0; page < 3; page++) {
        const res: LightMyRequestResponse = await rt.app.inject({ url: `${P2}/reports?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: world.as('viewer') });
        assert.equal(res.statusCode, 200, res.body.slice(0, 300));
        const page: { reports: QueueRow[]; next_cursor: string | null } = res.json();
        assert.equal(page.reports.length, 200);
        seen.push(...page.reports.map((r) => r.tracking_id));
        assert.ok(page.next_cursor);
        cursor = page.next_cursor;
      }
      // The oldest reports are the most overdue: first in the queue, in order.
      assert.deepEqual(seen, Array.from({ length: 600 }, (_, i) => `PRIV-2025-${String(i + 1).padStart(5, '0')}`));
      const filtered = await rt.app.inject({ url: `${P2}/reports?state=new&due_within_hours=0&limit=50`, headers: world.as('viewer') });
      assert.equal(filtered.statusCode, 200);
      assert.equal(filtered.json().reports.length, 50);
      const sla = await rt.app.inject({ url: `${P2}/sla?limit=200`, headers: world.as('viewer') });
      assert.equal(sla.statusCode, 200);
      assert.equal(sla.json().deadlines.length, 200);
      assert.equal(sla.json().deadlines[0].tracking_id, 'PRIV-2025-00001');
      const one = await rt.app.inject({ url: `${P2}/reports/PRIV-2025-33000`, headers: world.as('viewer') });
      assert.equal(one.statusCode, 200);
      assert.equal(one.json().title, 'Bulk report PRIV-2025-33000');
    });

    test('audit verification starts at its checkpoint; a full one still sees an edit before it', async () => {
      const verify = async (full = false) => {
        const res = await rt.app.inject({ url: `/api/v1/audit/verify${full ? '?full=true' : ''}`, headers: admin() });
        assert.equal(res.statusCode, 200, res.body);
        return res.json() as { ok: boolean; full: boolean; entries: number; checked: number; from_seq: number; checkpoint_seq: number; problems: { seq: number; problem: string }[] };
      };
      const head = async () => Number((await rt.ctx.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
      const setActor = (seq: number, actor: string) => rt.ctx.db.updateTable('audit_log').set({ actor }).where('seq', '=', seq).execute();
      const actorOf = async (seq: number) => (await rt.ctx.db.selectFrom('audit_log').select('actor').where('seq', '=', seq).executeTakeFirstOrThrow()).actor;

      const first = await verify();
      assert.equal(first.ok, true, JSON.stringify(first.problems));
      assert.equal(first.checkpoint_seq, await head());
      assert.equal(first.entries, await head());
      // Nothing new: nothing re-hashed.
      const again = await verify();
      assert.deepEqual([again.ok, again.checked, again.from_seq], [true, 0, first.checkpoint_seq + 1]);

      // New entries after the checkpoint are checked, and an edit among them is found.
      await report();
      await report();
      const checkpoint = first.checkpoint_seq;
      const edited = checkpoint + 2;
      const original = await actorOf(edited);
      await setActor(edited, 'mallory');
      const broken = await verify();
      assert.equal(broken.ok, false);
      assert.deepEqual(broken.problems.map((p) => [p.seq, p.problem]), [[edited, 'tampered']]);
      assert.equal(broken.checkpoint_seq, checkpoint, 'a failed verification does not move the checkpoint');
      await setActor(edited, original);
      const repaired = await verify();
      assert.equal(repaired.ok, true);
      assert.equal(repaired.checked, (await head()) - checkpoint);

      // An edit before the checkpoint: only the full verification re-hashes that far back.
      const early = 3;
      const earlyActor = await actorOf(early);
      await setActor(early, 'mallory');
      assert.equal((await verify()).ok, true);
      const full = await verify(true);
      assert.equal(full.full, true);
      assert.deepEqual(full.problems.map((p) => [p.seq, p.problem]), [[early, 'tampered']]);
      await setActor(early, earlyActor);

      // The checkpoint's own entry is re-hashed every time; entries removed at the end are seen too.
      const last = await head();
      assert.equal((await verify()).checkpoint_seq, last);
      await setActor(last, 'mallory');
      assert.deepEqual((await verify()).problems.map((p) => [p.seq, p.problem]), [[last, 'tampered']]);
      await rt.ctx.db.deleteFrom('audit_log').where('seq', '=', last).execute();
      assert.deepEqual((await verify()).problems.map((p) => [p.seq, p.problem]), [[last, 'missing']]);
      assert.equal((await verify(true)).problems[0]?.problem, 'head-mismatch');
      const stored = await rt.ctx.db.selectFrom('audit_checkpoint').selectAll().executeTakeFirstOrThrow();
      assert.equal(Number(stored.seq), last);
      assert.notEqual(stored.hash, GENESIS_HASH);
    });

  });
}
