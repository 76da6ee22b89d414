import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { postWebhook, WebhookRefusedError } from '../../src/adapters/webhooks/http-post.ts';
import { deliverDueWebhooks, renderDelivery, WEBHOOK_RETRY_BASE_MS } from '../../src/services/webhooks/deliver.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/fixtures.ts';
import { freePort, startServer } from '../support/server-process.ts';
import { composeFromEnv } from '../support/runtime-from-env.ts';
import { dispatchEvents } from '../../src/services/events/dispatch.ts';
import { pruneNotificationHistory } from '../../src/services/events/prune.ts';

/**
 * Webhooks end to end against a real HTTP receiver on 127.0.0.1: it verifies every signature as a receiver would
 * (HMAC-SHA256 of the raw body), fails the first attempts on purpose, and deduplicates by X-Embargo-Delivery.
 */
const P = '/api/v1/projects/privastream';
const SECRET = 'a-long-shared-secret-for-tests';

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: Record<string, unknown>;
  signatureOk: boolean;
  answered: number;
}

interface Receiver {
  port: number;
  got: Received[];
  /** Answers with this status for the next n requests, then 200. */
  failNext(n: number, status?: number): void;
  /** Holds the next request's answer until release() is called. */
  holdNext(): { arrived: Promise<void>; release(): void };
  /** Deliveries answered 2xx, by delivery id: how many times each was accepted. */
  accepted(): Map<string, number>;
  close(): Promise<void>;
}

async function startReceiver(secret: string): Promise<Receiver> {
  const got: Received[] = [];
  let failing = 0;
  let failStatus = 500;
  let hold: { arrived: () => void; wait: Promise<void> } | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-embargo-signature-256'] ?? ''));
      const signatureOk = given.length === expected.length && timingSafeEqual(given, expected);
      const entry: Received = { headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, signatureOk, answered: 0 };
      got.push(entry);
      if (hold) {
        const h = hold;
        hold = null;
        h.arrived();
        await h.wait;
      }
      entry.answered = !signatureOk ? 401 : failing > 0 ? (failing--, failStatus) : 200;
      res.writeHead(entry.answered, { 'content-type': 'text/plain' }).end(entry.answered === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    got,
    failNext(n, status = 500) {
      failing = n;
      failStatus = status;
    },
    holdNext() {
      let arrived!: () => void;
      let release!: () => void;
      const arrivedP = new Promise<void>((r) => (arrived = r));
      const wait = new Promise<void>((r) => (release = r));
      hold = { arrived, wait };
      return { arrived: arrivedP, release };
    },
    accepted() {
      const m = new Map<string, number>();
      for (const g of got) if (g.answered === 200) m.set(String(g.headers['x-embargo-delivery']), (m.get(String(g.headers['x-embargo-delivery'])) ?? 0) + 1);
      return m;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

for (const engine of ENGINES) {
  describe(`webhooks (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    let receiver: Receiver;
    let hookId: string;

    before(async () => {
      receiver = await startReceiver(SECRET);
      rt = await startTestRuntime(engine, { EMBARGO_WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${receiver.port}`, EMBARGO_WEBHOOK_TIMEOUT_SECONDS: '5' });
      world = await seedWorld(rt);
    });
    after(async () => {
      await rt?.close();
      await receiver?.close();
    });

    const deliveries = async (id = hookId) => {
      const res = await rt.app.inject({ method: 'GET', url: `${P}/webhooks/${id}/deliveries`, headers: world.as('admin') });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().deliveries as Array<{ id: string; event: string; status: string; attempts: Array<{ status_code: number | null; duration_ms: number; error: string | null }>; redelivery_of: string | null }>;
    };

    test('an admin registers an endpoint; the secret is never answered and the URL path is hidden', async () => {
      const res = await rt.app.inject({
        method: 'POST',
        url: `${P}/webhooks`,
        headers: world.as('admin'),
        payload: { url: `http://127.0.0.1:${receiver.port}/hooks/T0KEN-in-the-path`, secret: SECRET, events: ['report.created', 'report.state_changed', 'report.message_created'], format: 'json' },
      });
      assert.equal(res.statusCode, 201, res.body);
      hookId = res.json().id;
      assert.ok(!res.body.includes(SECRET) && !res.body.includes('T0KEN'), res.body);
      assert.equal(res.json().url, `http://127.0.0.1:${receiver.port}/…`);
      const list = await rt.app.inject({ method: 'GET', url: `${P}/webhooks`, headers: world.as('admin') });
      assert.ok(!list.body.includes(SECRET) && !list.body.includes('T0KEN'));
      assert.deepEqual(list.json().webhooks.map((w: { id: string }) => w.id), [hookId]);
      const audit = await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', 'webhook.created').execute();
      assert.equal(audit.length, 1);
      assert.ok(!JSON.stringify(audit).includes(SECRET) && !JSON.stringify(audit).includes('T0KEN'));
    });

    test('refused at registration: other schemes, credentials, loopback and metadata addresses not allowed', async () => {
      for (const url of ['ftp://example.org/x', 'http://user:pw@example.org/', 'http://127.0.0.1:9/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/', 'http://10.1.2.3/']) {
        const res = await rt.app.inject({ method: 'POST', url: `${P}/webhooks`, headers: world.as('admin'), payload: { url, secret: SECRET, events: ['report.created'] } });
        assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      }
    });

    test('a new report is POSTed signed; failed attempts are retried with backoff and logged; delivered exactly once', async () => {
      receiver.failNext(2, 503);
      const r = await submit(rt, 'privastream', validReport({ title: 'SECRET TITLE never leaves', reporter_email: 'ada@example.org' }));
      await rt.jobs.runAllOnce(); // events → delivery → attempt 1 (503)
      assert.equal(receiver.got.length, 1);
      let [d] = await deliveries();
      assert.ok(d);
      assert.equal(d.event, 'report.created');
      assert.equal(d.status, 'pending');
      assert.deepEqual(d.attempts.map((a) => a.status_code), [503]);
      assert.equal(d.attempts[0]?.error, 'HTTP 503');

      await rt.jobs.runAllOnce(); // not due yet: backoff
      assert.equal(receiver.got.length, 1, 'nothing is retried before its backoff ran out');
      rt.clock.advance(WEBHOOK_RETRY_BASE_MS);
      await rt.jobs.runAllOnce(); // attempt 2 (503)
      rt.clock.advance(WEBHOOK_RETRY_BASE_MS); // backoff doubled: 60 s — 30 s is not enough
      await rt.jobs.runAllOnce();
      assert.equal(receiver.got.length, 2);
      rt.clock.advance(WEBHOOK_RETRY_BASE_MS);
      await rt.jobs.runAllOnce(); // attempt 3 (200)
      const sentAt = rt.clock.now.toISOString();
      [d] = await deliveries();
      assert.equal(d?.status, 'delivered');
      assert.deepEqual(d?.attempts.map((a) => a.status_code), [503, 503, 200]);
      assert.ok(d?.attempts.every((a) => a.duration_ms >= 0));

      for (let i = 0; i < 3; i += 1) {
        rt.clock.advance(3600_000);
        await rt.jobs.runAllOnce();
      }
      assert.equal(receiver.got.length, 3, 'a delivered delivery is never sent again');
      assert.deepEqual([...receiver.accepted().values()], [1]);

      const [first, , last] = receiver.got;
      assert.ok(receiver.got.every((g) => g.signatureOk), 'every request verifies with the shared secret');
      assert.equal(first?.headers['x-embargo-event'], 'report.created');
      assert.equal(first?.headers['x-embargo-delivery'], d?.id);
      assert.equal(last?.headers['x-embargo-delivery'], d?.id, 'a retry keeps its delivery id');
      const body = last?.body as { id: string; event: string; timestamp: string; project: { slug: string }; link: string; data: { report: { tracking_id: string; state: string } } };
      assert.equal(body.id, d?.id);
      assert.equal(body.event, 'report.created');
      assert.equal(body.project.slug, 'privastream');
      assert.equal(body.data.report.tracking_id, r.tracking_id);
      assert.equal(body.data.report.state, 'new');
      assert.equal(body.link, `https://embargo.test/app/p/privastream/reports/${r.tracking_id}`);
      assert.equal(body.timestamp, sentAt, 'the time of the send is signed with the body');
      assert.notEqual((first?.body as { timestamp: string }).timestamp, body.timestamp, 'each attempt is signed with its own time');
      const all = receiver.got.map((g) => g.raw.toString('utf8')).join('\n');
      for (const secret of ['SECRET TITLE', 'ada@example.org', 'Ada', r.reporter_token, 'passwd']) assert.ok(!all.includes(secret), `the payload never carries ${secret}`);
    });

    test('state changes and reporter replies are delivered; an unsubscribed event is not', async () => {
      const before = receiver.got.length;
      const r = await submit(rt, 'privastream', validReport());
      const tr = await rt.app.inject({ method: 'POST', url: `${P}/reports/${r.tracking_id}/transitions`, headers: world.as('triager'), payload: { to: 'triaged' } });
      assert.equal(tr.statusCode, 200, tr.body);
      const reply = await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${r.reporter_token}/messages`, payload: { body: 'more details' } });
      assert.equal(reply.statusCode, 201, reply.body);
      await rt.jobs.runAllOnce();
      const events = receiver.got.slice(before).map((g) => `${g.headers['x-embargo-event']}`);
      assert.deepEqual(events.sort(), ['report.created', 'report.message_created', 'report.state_changed']);
      const changed = receiver.got.slice(before).find((g) => g.headers['x-embargo-event'] === 'report.state_changed')?.body as { data: { from: string; to: string } };
      assert.deepEqual([changed.data.from, changed.data.to], ['new', 'triaged']);
      const message = receiver.got.slice(before).find((g) => g.headers['x-embargo-event'] === 'report.message_created');
      assert.ok(!message?.raw.toString().includes('more details'), 'a message event never carries the message');
    });

    test('two delivery passes at once never send a delivery twice', async () => {
      const before = receiver.got.length;
      for (let i = 0; i < 5; i += 1) await submit(rt, 'privastream', validReport());
      await dispatchEvents(rt.ctx);
      await Promise.all([deliverDueWebhooks(rt.ctx), deliverDueWebhooks(rt.ctx), deliverDueWebhooks(rt.ctx)]);
      const ids = receiver.got.slice(before).map((g) => String(g.headers['x-embargo-delivery']));
      assert.equal(ids.length, 5);
      assert.equal(new Set(ids).size, 5);
    });

    test('a sender that stalls past its lease (as if it crashed after sending) is taken over: the same delivery id, deduplicated', async () => {
      const before = receiver.got.length;
      await submit(rt, 'privastream', validReport());
      await dispatchEvents(rt.ctx);
      const held = receiver.holdNext();
      const stalled = deliverDueWebhooks(rt.ctx); // "instance A": sends, then waits for the answer
      await held.arrived;
      rt.clock.advance(5_000 * 3 + 5_000 + 1); // A's lease (3 × timeout + 5 s) runs out
      await deliverDueWebhooks(rt.ctx); // "instance B" claims the row again and delivers it
      held.release();
      await stalled; // A's answer comes too late: its record is refused (the lease is B's)
      const got = receiver.got.slice(before);
      assert.equal(got.length, 2, 'at-least-once: the receiver saw the delivery twice');
      assert.equal(got[0]?.headers['x-embargo-delivery'], got[1]?.headers['x-embargo-delivery'], '… with one delivery id to deduplicate by');
      const [d] = await deliveries();
      assert.equal(d?.status, 'delivered');
      assert.equal(d?.attempts.length, 1, "only the lease holder's attempt is recorded");
    });

    test('a claimed delivery whose lease ran out before its turn in the batch is left to the instance that took it over', async () => {
      // Instance A claims two deliveries at once; the first POST is slow (here: held), so by the time A reaches the
      // second one, its lease on it has run out and instance B has claimed and delivered both. A must not send the
      // second one again: two instances never send one delivery at the same time, slow receivers or not.
      const before = receiver.got.length;
      await submit(rt, 'privastream', validReport());
      await submit(rt, 'privastream', validReport());
      await dispatchEvents(rt.ctx);
      const held = receiver.holdNext();
      const a = deliverDueWebhooks(rt.ctx);
      await held.arrived;
      rt.clock.advance(5_000 * 3 + 5_000 + 1); // A's lease on both rows runs out
      await deliverDueWebhooks(rt.ctx); // B claims both and delivers them
      held.release();
      await a;
      const ids = receiver.got.slice(before).map((g) => String(g.headers['x-embargo-delivery']));
      const counts = [...new Set(ids)].map((id) => ids.filter((x) => x === id).length).sort();
      assert.deepEqual(counts, [1, 2], `the first was sent by A and again by B (its POST outlived the lease); the second only by B: ${ids.join(', ')}`);
      const log = await deliveries();
      assert.deepEqual(log.slice(0, 2).map((d) => [d.status, d.attempts.length]), [['delivered', 1], ['delivered', 1]]);
    });

    test('redeliver sends the event again as a new delivery naming the first', async () => {
      const [d] = await deliveries();
      assert.ok(d);
      const res = await rt.app.inject({ method: 'POST', url: `${P}/webhooks/${hookId}/deliveries/${d.id}/redeliver`, headers: world.as('admin') });
      assert.equal(res.statusCode, 202, res.body);
      await rt.jobs.runAllOnce();
      const last = receiver.got.at(-1);
      assert.equal(last?.headers['x-embargo-delivery'], res.json().id);
      assert.equal((last?.body as { redelivery_of: string }).redelivery_of, d.id);
      assert.ok(last?.signatureOk);
      const [again] = await deliveries();
      assert.equal(again?.id, res.json().id);
      assert.equal(again?.status, 'delivered');
      assert.equal(again?.redelivery_of, d.id);
    });

    test("another project's admin cannot reach this project's webhooks or deliveries through their own project", async () => {
      const [d] = await deliveries();
      assert.ok(d);
      const other = '/api/v1/projects/personal-chatter';
      const tries = [
        { method: 'GET' as const, url: `${other}/webhooks/${hookId}/deliveries` },
        { method: 'PATCH' as const, url: `${other}/webhooks/${hookId}`, payload: { url: 'https://attacker.example/x', active: true } },
        { method: 'POST' as const, url: `${other}/webhooks/${hookId}/deliveries/${d.id}/redeliver` },
        { method: 'DELETE' as const, url: `${other}/webhooks/${hookId}` },
      ];
      for (const t of tries) {
        const res = await rt.app.inject({ ...t, headers: world.as('outsider') });
        assert.equal(res.statusCode, 404, `${t.method} ${t.url}: ${res.body}`);
      }
      const list = await rt.app.inject({ method: 'GET', url: `${other}/webhooks`, headers: world.as('outsider') });
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(list.json().webhooks, []);
      const still = await rt.app.inject({ method: 'GET', url: `${P}/webhooks`, headers: world.as('admin') });
      assert.deepEqual(still.json().webhooks.map((w: { id: string; url: string }) => [w.id, w.url]), [[hookId, `http://127.0.0.1:${receiver.port}/…`]], 'unchanged, not deleted');
      assert.equal((await deliveries())[0]?.id, d.id, 'nothing was redelivered');
    });

    test('a rotated secret signs the next delivery; a paused webhook gets none', async () => {
      const rotated = 'the-rotated-secret-0123456789';
      const patch = await rt.app.inject({ method: 'PATCH', url: `${P}/webhooks/${hookId}`, headers: world.as('admin'), payload: { secret: rotated } });
      assert.equal(patch.statusCode, 200, patch.body);
      assert.ok(!patch.body.includes(rotated));
      let before = receiver.got.length;
      await submit(rt, 'privastream', validReport());
      await rt.jobs.runAllOnce();
      const got = receiver.got.slice(before);
      assert.equal(got.length, 1);
      assert.equal(got[0]?.signatureOk, false, 'the old secret no longer verifies');
      const expected = `sha256=${createHmac('sha256', rotated).update(got[0]?.raw ?? Buffer.alloc(0)).digest('hex')}`;
      assert.equal(got[0]?.headers['x-embargo-signature-256'], expected);
      const restore = await rt.app.inject({ method: 'PATCH', url: `${P}/webhooks/${hookId}`, headers: world.as('admin'), payload: { secret: SECRET, active: false } });
      assert.equal(restore.json().active, false);
      before = receiver.got.length;
      await submit(rt, 'privastream', validReport());
      await rt.jobs.runAllOnce();
      assert.equal(receiver.got.length, before, 'paused: nothing queued, nothing sent');
      assert.equal((await rt.app.inject({ method: 'PATCH', url: `${P}/webhooks/${hookId}`, headers: world.as('admin'), payload: { active: true } })).statusCode, 200);
      const audit = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'webhook.updated').execute();
      assert.ok(audit.length >= 3 && !JSON.stringify(audit).includes(rotated) && JSON.stringify(audit).includes('rotated'));
    });

    test('Slack and Matrix formats: a short text with the link, signed too', async () => {
      const ids: string[] = [];
      for (const format of ['slack', 'matrix']) {
        const res = await rt.app.inject({ method: 'POST', url: `${P}/webhooks`, headers: world.as('admin'), payload: { url: `http://127.0.0.1:${receiver.port}/${format}`, secret: SECRET, events: ['report.created'], format } });
        assert.equal(res.statusCode, 201, res.body);
        ids.push(res.json().id);
      }
      const before = receiver.got.length;
      const r = await submit(rt, 'privastream', validReport());
      await rt.jobs.runAllOnce();
      const got = receiver.got.slice(before);
      const slack = got.find((g) => 'text' in g.body && !('msgtype' in g.body))?.body as { text: string };
      const matrix = got.find((g) => 'msgtype' in g.body)?.body as { msgtype: string; body: string; html: string };
      assert.match(slack.text, new RegExp(`new report ${r.tracking_id}.*<https://embargo\\.test/app/p/privastream/reports/${r.tracking_id}\\|open>`));
      assert.equal(matrix.msgtype, 'm.notice');
      assert.match(matrix.body, new RegExp(`new report ${r.tracking_id}`));
      assert.match(matrix.html, /<a href="https:\/\/embargo\.test\/app\/p\/privastream\/reports\//);
      assert.ok(got.every((g) => g.signatureOk));
      for (const id of ids) assert.equal((await rt.app.inject({ method: 'DELETE', url: `${P}/webhooks/${id}`, headers: world.as('admin') })).statusCode, 204);
    });

    test('a host that resolves to loopback is refused at send time, and the refusal is logged', async () => {
      const res = await rt.app.inject({ method: 'POST', url: `${P}/webhooks`, headers: world.as('admin'), payload: { url: `http://localhost:${receiver.port}/rebind`, secret: SECRET, events: ['report.created'] } });
      assert.equal(res.statusCode, 201, res.body); // a name: checked when it is resolved, on every send
      const before = receiver.got.length;
      await submit(rt, 'privastream', validReport());
      await rt.jobs.runAllOnce();
      assert.ok(receiver.got.slice(before).every((g) => !String(g.body.link ?? '').includes('rebind') && g.headers.host !== `localhost:${receiver.port}`));
      const [d] = await deliveries(res.json().id);
      assert.equal(d?.status, 'pending');
      assert.match(d?.attempts[0]?.error ?? '', /^refused: localhost resolves to (127\.0\.0\.1|::1)/);
    });

    test('finished deliveries and dispatched events are pruned after 30 days; pending ones never', async () => {
      const count = async () => ({
        deliveries: (await rt.ctx.db.selectFrom('webhook_deliveries').select('status').execute()).map((d) => d.status),
        events: (await rt.ctx.db.selectFrom('project_events').select('dispatched_at').execute()).length,
      });
      const before = await count();
      assert.ok(before.deliveries.length > 0 && before.events > 0);
      receiver.failNext(100, 500); // the next delivery keeps failing: it stays pending
      await submit(rt, 'privastream', validReport());
      await rt.jobs.runAllOnce();
      rt.clock.advance(31 * 24 * 3600_000);
      const pending = (await count()).deliveries.filter((d) => d === 'pending').length;
      assert.ok(pending >= 1 && (await count()).deliveries.some((d) => d === 'delivered'));
      await pruneNotificationHistory(rt.ctx);
      const after = await count();
      assert.deepEqual(after.deliveries, Array(pending).fill('pending'), 'only the deliveries still being retried are kept');
      assert.equal(after.events, 0, 'every event was dispatched over 30 days ago (the pending delivery keeps its payload)');
      receiver.failNext(0);
    });
  });
}

for (const engine of ENGINES) {
  describe(`webhooks across a crash (${engine.name}, real server processes)`, () => {
    test('SIGKILL between the POST and its record: the next process sends it again with the same delivery id', { timeout: 240_000 }, async () => {
      const receiver = await startReceiver(SECRET);
      try {
        const env: Record<string, string> = {
          ...(await engine.freshEnv()),
          HOST: '127.0.0.1',
          EMBARGO_PUBLIC_URL: 'https://embargo.test',
          EMBARGO_WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${receiver.port}`,
          EMBARGO_WEBHOOK_TIMEOUT_SECONDS: '1', // a lease of 3 × 1 s + 5 s: the second process takes over soon
        };
        // Seed in-process (PGlite allows one process at a time), then hand the store to real servers on the real clock.
        const seed = await composeFromEnv(env, new Date());
        const world = await seedWorld(seed);
        const hook = await seed.app.inject({ method: 'POST', url: `${P}/webhooks`, headers: world.as('admin'), payload: { url: `http://127.0.0.1:${receiver.port}/crash`, secret: SECRET, events: ['report.created'] } });
        assert.equal(hook.statusCode, 201, hook.body);
        await submit(seed, 'privastream', validReport());
        await seed.close();

        const held = receiver.holdNext();
        const first = await startServer({ ...env, PORT: String(await freePort()) });
        await held.arrived; // the first server POSTed and waits for the answer …
        const killed = await first.kill('SIGKILL'); // … and dies before it could record anything
        assert.equal(killed.signal, 'SIGKILL');
        held.release();

        const second = await startServer({ ...env, PORT: String(await freePort()) });
        try {
          const deadline = Date.now() + 60_000;
          while (receiver.got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
          const [a, b] = receiver.got;
          assert.ok(a && b, 'the delivery was sent again after the lease ran out');
          assert.equal(a.headers['x-embargo-delivery'], b.headers['x-embargo-delivery'], 'with the same delivery id: the receiver deduplicates by it');
          assert.ok(a.signatureOk && b.signatureOk);
          const log = await fetch(`${second.baseUrl}${P}/webhooks/${hook.json().id}/deliveries`, { headers: { authorization: `Bearer ${world.tokens.admin}` } });
          const [d] = ((await log.json()) as { deliveries: Array<{ status: string; attempts: Array<{ attempt: number; status_code: number }> }> }).deliveries;
          assert.equal(d?.status, 'delivered');
          assert.deepEqual(d?.attempts.map((x) => [x.attempt, x.status_code]), [[2, 200]], 'the first attempt died unrecorded; the second is recorded as such');
          await new Promise((r) => setTimeout(r, 5_000));
          assert.equal(receiver.got.length, 2, 'a recorded delivery is never sent again');
        } finally {
          await second.kill('SIGTERM');
        }
      } finally {
        await receiver.close();
      }
    });
  });
}

/** An endpoint that takes every POST and never answers: when each connection came (performance.now()), and delivery ids. */
async function startBlackHole() {
  const sockets = new Set<Socket>();
  const ids: string[] = [];
  const arrivals: number[] = [];
  const server = createNetServer((socket) => {
    sockets.add(socket);
    arrivals.push(performance.now());
    let head = '';
    socket.on('data', (c: Buffer) => {
      if (head.includes('\r\n\r\n')) return;
      head += c.toString('latin1');
      const id = /\r\nx-embargo-delivery: *([^\r]+)/i.exec(head)?.[1];
      if (id && head.includes('\r\n\r\n')) ids.push(id);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    ids,
    arrivals,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

for (const engine of ENGINES) {
  describe(`webhooks to several endpoints (${engine.name})`, () => {
    const register = async (rt: TestServer, world: World, url: string): Promise<string> => {
      const res = await rt.app.inject({ method: 'POST', url: `${P}/webhooks`, headers: world.as('admin'), payload: { url, secret: SECRET, events: ['report.created'] } });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().id;
    };

    test("an endpoint that always times out does not hold up another endpoint's deliveries; each endpoint still gets one POST at a time, in order", async () => {
      const hole = await startBlackHole();
      const receiver = await startReceiver(SECRET);
      const rt = await startTestRuntime(engine, { EMBARGO_WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${hole.port},127.0.0.1:${receiver.port}`, EMBARGO_WEBHOOK_TIMEOUT_SECONDS: '1' });
      try {
        const world = await seedWorld(rt);
        const slow = await register(rt, world, `http://127.0.0.1:${hole.port}/slow`);
        await submit(rt, 'privastream', validReport());
        await submit(rt, 'privastream', validReport());
        await dispatchEvents(rt.ctx);
        const older = (await rt.ctx.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', slow).execute()).map((d) => d.id);
        rt.clock.advance(1_000);
        await register(rt, world, `http://127.0.0.1:${receiver.port}/fast`);
        await submit(rt, 'privastream', validReport());
        await dispatchEvents(rt.ctx);
        const newest = (await rt.ctx.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', slow).execute()).map((d) => d.id).find((id) => !older.includes(id));

        // One pass claims all four: three for the endpoint that never answers (1 s each), then one for the other.
        const started = performance.now();
        const pass = deliverDueWebhooks(rt.ctx);
        while (receiver.got.length === 0 && performance.now() - started < 5_000) await new Promise((r) => setTimeout(r, 20));
        const waited = performance.now() - started;
        await pass;
        assert.equal(receiver.got.length, 1);
        assert.ok(waited < 900, `the other endpoint got its POST after ${Math.round(waited)} ms, not after the slow endpoint's time-outs`);
        const gaps = hole.arrivals.slice(1).map((t, i) => Math.round(t - (hole.arrivals[i] ?? 0)));
        assert.ok(gaps.every((g) => g >= 900), `one POST at a time to one endpoint, each after the one before timed out (1 s): ${gaps.join(', ')} ms apart`);
        assert.equal(hole.ids.length, 3);
        assert.equal(hole.ids[2], newest, "in the endpoint's order: the newest delivery last");
        const rows = await rt.ctx.db.selectFrom('webhook_deliveries').select(['status', 'last_error']).where('webhook_id', '=', slow).execute();
        assert.deepEqual(rows.map((r) => [r.status, /timed out/.test(r.last_error ?? '')]), [['pending', true], ['pending', true], ['pending', true]]);
      } finally {
        await rt.close();
        await receiver.close();
        await hole.close();
      }
    });

    test('deliveries to different endpoints go out at most four at once', async () => {
      const hole = await startBlackHole();
      const rt = await startTestRuntime(engine, { EMBARGO_WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${hole.port}`, EMBARGO_WEBHOOK_TIMEOUT_SECONDS: '1' });
      try {
        const world = await seedWorld(rt);
        for (let i = 0; i < 6; i += 1) await register(rt, world, `http://127.0.0.1:${hole.port}/${i}`);
        await submit(rt, 'privastream', validReport());
        await dispatchEvents(rt.ctx);
        const started = performance.now();
        await deliverDueWebhooks(rt.ctx);
        assert.equal(hole.ids.length, 6);
        // Each POST times out after 1 s: four start at once, the other two when the first ones gave up.
        const at = hole.arrivals.map((t) => Math.round(t - started));
        assert.equal(at.filter((t) => t < 700).length, 4, `POSTs started at ${at.join(', ')} ms`);
        assert.equal(at.filter((t) => t >= 900).length, 2, `POSTs started at ${at.join(', ')} ms`);
      } finally {
        await rt.close();
        await hole.close();
      }
    });
  });
}

describe('the verification example of docs/notifications.md', () => {
  test('accepts a delivery signed with the secret once, refuses a wrong signature and an old timestamp', async () => {
    const doc = readFileSync(join(REPO, 'docs', 'notifications.md'), 'utf8');
    const code = /### Verifying it[^\n]*\n+```js\n([\s\S]*?)```/.exec(doc)?.[1] ?? assert.fail('no example in the docs');
    assert.ok(code.trim().split('\n').length <= 10);
    const dir = mkdtempSync(join(tmpdir(), 'embargo-verify-'));
    writeFileSync(join(dir, 'verify.mjs'), code);
    const port = await freePort();
    const child = spawn(process.execPath, [join(dir, 'verify.mjs')], { env: { PATH: process.env.PATH ?? '', SECRET, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      const payload = { event: { type: 'report.created' as const, report: { id: 'r1', tracking_id: 'PRIV-2026-0001', state: 'new', severity: null }, source: 'web' }, occurred_at: new Date().toISOString(), project: { slug: 'p', name: 'P' }, link: 'https://x.test/' };
      const send = async (secret: string, at: Date, id: string) => {
        const { raw, headers } = renderDelivery({ id, redelivery_of: null }, payload, 'json', secret, at);
        for (let i = 0; ; i += 1) {
          try {
            return (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body: raw })).status;
          } catch (e) {
            if (i > 50) throw e;
            await new Promise((r) => setTimeout(r, 100)); // the example is still starting
          }
        }
      };
      assert.equal(await send(SECRET, new Date(), 'd1'), 204);
      assert.equal(await send(SECRET, new Date(), 'd1'), 204, 'a repeated delivery is acknowledged …');
      assert.equal(await send('not-the-secret-at-all', new Date(), 'd2'), 401);
      assert.equal(await send(SECRET, new Date(Date.now() - 10 * 60_000), 'd3'), 400);
      assert.equal(out.match(/^report\.created /gm)?.length, 1, `… but handled once: ${out}`);
    } finally {
      child.kill();
    }
  });
});

describe('the address guard of outgoing webhooks', () => {
  const limits = { timeoutMs: 2000, maxResponseBytes: 1024, allowHosts: [] as string[] };
  const refused = (url: string) => assert.rejects(postWebhook(url, Buffer.from('{}'), {}, limits), (e) => e instanceof WebhookRefusedError, url);

  test('loopback, link-local (metadata), private, CGNAT and IPv6 loopback/ULA are refused; so is a name resolving to loopback', async () => {
    const receiver = await startReceiver(SECRET);
    try {
      await refused(`http://127.0.0.1:${receiver.port}/`);
      await refused('http://169.254.169.254/latest/meta-data/');
      await refused('http://10.0.0.1/');
      await refused('http://100.64.0.1/');
      await refused('http://192.168.1.1/');
      await refused('http://[::1]:80/');
      await refused('http://[fd00:ec2::254]/');
      await refused('http://[::ffff:127.0.0.1]/');
      await refused('http://2130706433/'); // 127.0.0.1 as one number, and other spellings the URL parser normalises
      await refused('http://0x7f.1/');
      await refused('http://[::ffff:7f00:1]/');
      await refused('http://0.0.0.0/');
      await refused('http://0177.0.0.1/'); // octal
      await refused('http://[::]/');
      await refused('http://[fe80::1]/');
      await refused('http://[fc00::1]/');
      await refused('http://[::ffff:a9fe:a9fe]/'); // 169.254.169.254, IPv4-mapped
      await refused('http://[::ffff:0:7f00:1]/'); // 127.0.0.1, IPv4-translated (SIIT)
      await refused('http://[64:ff9b::a9fe:a9fe]/'); // 169.254.169.254 through NAT64
      await refused('http://[2002:a9fe:a9fe::1]/'); // 6to4 of 169.254.169.254
      await refused('http://168.63.129.16/'); // Azure's WireServer, reached from its VMs
      await refused(`http://localhost:${receiver.port}/`);
      await refused('file:///etc/passwd');
      assert.equal(receiver.got.length, 0, 'nothing reached the receiver');
      // Allowed by host:port, the same receiver answers.
      const ok = await postWebhook(`http://127.0.0.1:${receiver.port}/`, Buffer.from('{}'), {}, { ...limits, allowHosts: [`127.0.0.1:${receiver.port}`] });
      assert.equal(ok.status, 401); // unsigned: the receiver refuses it, but it got there
      assert.equal(receiver.got.length, 1);
      // A name is allowed the same way: localhost:port, whatever it resolves to.
      const byName = await postWebhook(`http://localhost:${receiver.port}/`, Buffer.from('{}'), {}, { ...limits, allowHosts: [`localhost:${receiver.port}`] });
      assert.equal(byName.status, 401);
      assert.equal(receiver.got.length, 2);
    } finally {
      await receiver.close();
    }
  });

  test('redirects are not followed; slow answers time out; large answers are cut off', async () => {
    let hits = 0;
    const server = createServer((req, res) => {
      hits += 1;
      if (req.url === '/redirect') res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      else if (req.url === '/slow') setTimeout(() => res.end('late'), 3000);
      else {
        // An answer that never ends: only the size cap ends the read before the time limit does.
        res.writeHead(200);
        const pump = (): void => {
          while (!res.destroyed && res.write('x'.repeat(16_384)));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const allowed = { ...limits, timeoutMs: 500, allowHosts: [`127.0.0.1:${port}`] };
    try {
      assert.equal((await postWebhook(`http://127.0.0.1:${port}/redirect`, Buffer.from('{}'), {}, allowed)).status, 302);
      assert.equal(hits, 1, 'the redirect was not followed');
      await assert.rejects(postWebhook(`http://127.0.0.1:${port}/slow`, Buffer.from('{}'), {}, allowed), /timed out after 500 ms/);
      const big = await postWebhook(`http://127.0.0.1:${port}/big`, Buffer.from('{}'), {}, allowed);
      assert.equal(big.status, 200, 'the status counts; the rest of the answer is not read');
      assert.ok(big.durationMs < 500, `cut off at the cap, not at the time limit (${big.durationMs} ms)`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
