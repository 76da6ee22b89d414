import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { composeFromEnv } from '../support/runtime-from-env.ts';
import { freePort } from '../support/server-process.ts';
import { startRelay, type TestRelay } from '../support/mail-relay.ts';
import { drainOutbox } from '../../src/services/mail/delivery.ts';
import { sendDueReminders } from '../../src/services/mail/reminders.ts';
import { dispatchEvents } from '../../src/services/events/dispatch.ts';

/** The outbox drainer and the reminders job: backoff, giving up, the dev maildir, exactly-once across instances. */
const P = '/api/v1/projects/privastream';
const HOUR = 3600_000;

interface OutboxMail {
  kind: string;
  status: string;
  attempts: number;
  to: string;
  subject: string;
  last_error: string | null;
  next_attempt_at: string;
}

const outbox = async (rt: TestServer, world: World, query = ''): Promise<OutboxMail[]> => {
  const res = await rt.app.inject({ method: 'GET', url: `${P}/outbox${query}`, headers: world.as('admin') });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().mails;
};

for (const engine of ENGINES) {
  describe(`outbox and reminders (${engine.name})`, () => {
    test('a relay that is down: retried with exponential backoff, then marked failed and listed for admins', async () => {
      const rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${await freePort()}`, EMBARGO_MAIL_MAX_ATTEMPTS: '3', EMBARGO_MAIL_RETRY_BASE_SECONDS: '60' });
      try {
        const world = await seedWorld(rt);
        await submit(rt, 'privastream', validReport({ reporter_email: 'ada@example.org' }));
        const ack = async () => (await outbox(rt, world)).find((m) => m.kind === 'acknowledgement') ?? assert.fail('no acknowledgement queued');
        assert.deepEqual([(await ack()).status, (await ack()).attempts], ['pending', 0]);

        await drainOutbox(rt.ctx);
        let a = await ack();
        assert.deepEqual([a.status, a.attempts], ['pending', 1]);
        assert.match(a.last_error ?? '', /ECONNREFUSED|connect/i);
        assert.equal(new Date(a.next_attempt_at).getTime() - rt.clock.now.getTime(), 60_000, 'first retry after the base delay');

        await drainOutbox(rt.ctx);
        assert.equal((await ack()).attempts, 1, 'not retried before it is due');
        rt.clock.advance(60_000);
        await drainOutbox(rt.ctx);
        a = await ack();
        assert.deepEqual([a.status, a.attempts], ['pending', 2]);
        assert.equal(new Date(a.next_attempt_at).getTime() - rt.clock.now.getTime(), 120_000, 'the delay doubles');
        rt.clock.advance(120_000);
        await drainOutbox(rt.ctx);
        a = await ack();
        assert.deepEqual([a.status, a.attempts], ['failed', 3]);
        rt.clock.advance(24 * HOUR);
        await drainOutbox(rt.ctx);
        assert.deepEqual([(await ack()).status, (await ack()).attempts], ['failed', 3], 'a failed mail stays failed');
        const failed = await outbox(rt, world, '?status=failed');
        assert.deepEqual(failed.map((m) => [m.kind, m.to]), [['acknowledgement', 'ada@example.org']]);
      } finally {
        await rt.close();
      }
    });

    test('a mail whose lease ran out before its turn in the batch is left to the instance that took it over', async () => {
      // Instance A claims two mails; the relay holds the first one's answer (a tarpitting relay), so A's lease on
      // the second runs out and instance B claims and sends both. A must not send the second one again.
      const relay = await startRelay();
      const rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}` });
      try {
        await seedWorld(rt);
        await submit(rt, 'privastream', validReport({ reporter_email: 'one@example.org' }));
        await submit(rt, 'privastream', validReport({ reporter_email: 'two@example.org' }));
        const held = relay.holdNext();
        const a = drainOutbox(rt.ctx);
        await held.arrived;
        rt.clock.advance(5 * 60_000 + 1); // A's lease (5 min) on both runs out (on the test clock; in real time the send limit, 60 s, would end A's send first: next test)
        await drainOutbox(rt.ctx); // B
        held.release();
        await a;
        await new Promise((r) => setTimeout(r, 300));
        const ids = relay.mails.map((m) => m.parsed.messageId ?? '');
        const counts = [...new Set(ids)].map((id) => ids.filter((x) => x === id).length).sort();
        assert.deepEqual(counts, [1, 2], `the first was sent by A and by B (A's send outlived its lease), the second by B only: ${relay.mails.map((m) => m.to[0]).join(', ')}`);
        const rows = await rt.ctx.db.selectFrom('outbox').select(['status', 'attempts']).where('kind', '=', 'acknowledgement').execute();
        assert.deepEqual(rows.map((r) => r.status), ['sent', 'sent']);
      } finally {
        await rt.close();
        await relay.close();
      }
    });

    test('a relay that holds its answer past the send time limit: the send is aborted, retried later and delivered once', async () => {
      // Without a limit a relay that keeps the connection busy (answering slowly, trickling bytes) keeps one send
      // going past the 5-minute lease, and another instance sends the mail again. The limit (here 1 s) ends the
      // SMTP transaction long before the lease; the relay never answered 250, so it never took the mail.
      const relay = await startRelay();
      const rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_SMTP_SEND_TIMEOUT_SECONDS: '1', EMBARGO_MAIL_RETRY_BASE_SECONDS: '60' });
      const held = relay.holdNext();
      let pass: Promise<unknown> = Promise.resolve();
      try {
        await seedWorld(rt);
        await submit(rt, 'privastream', validReport({ reporter_email: 'held@example.org' }));
        const ack = () => rt.ctx.db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).where('kind', '=', 'acknowledgement').executeTakeFirstOrThrow();
        pass = drainOutbox(rt.ctx);
        await held.arrived;
        const outcome = await Promise.race([pass.then(() => 'ended'), new Promise((r) => setTimeout(r, 6_000, 'still sending after 6 s'))]);
        assert.equal(outcome, 'ended', 'the send is ended by its time limit, not by the relay');
        await held.hungUp;
        assert.equal(relay.mails.length, 0, 'the relay never answered: nothing was delivered');
        const a = await ack();
        assert.deepEqual([a.status, a.attempts], ['pending', 1]);
        assert.match(a.last_error ?? '', /within 1 s.*aborted/);

        rt.clock.advance(60_000);
        await drainOutbox(rt.ctx);
        assert.deepEqual(await ack(), { status: 'sent', attempts: 2, last_error: null });
        assert.deepEqual(relay.mails.map((m) => m.to), [['held@example.org']], 'exactly one delivery');
        assert.equal(relay.dropped.length, 1);
      } finally {
        held.release();
        await pass;
        await rt.close();
        await relay.close();
      }
    });

    test('without a relay, mail goes to the development maildir in DATA_DIR', async () => {
      const rt = await startTestRuntime(engine);
      try {
        const world = await seedWorld(rt);
        const r = await submit(rt, 'privastream', validReport({ reporter_email: 'dev@example.org' }));
        await rt.jobs.runAllOnce();
        const dir = join(rt.env.DATA_DIR ?? assert.fail('no DATA_DIR'), 'maildir', 'new');
        const files = readdirSync(dir);
        const acks = files.map((f) => readFileSync(join(dir, f), 'utf8')).filter((t) => t.includes('Report received'));
        assert.equal(acks.length, 1);
        assert.match(acks[0] ?? '', /^X-Embargo-Envelope-To: dev@example\.org\r\n/);
        assert.ok((acks[0] ?? '').replace(/=\r\n/g, '').includes(r.reporter_link));
        assert.equal((await outbox(rt, world)).find((m) => m.kind === 'acknowledgement')?.status, 'sent');
        // They hold private links in clear: only the server's user reads them, and start-up says so.
        for (const d of ['maildir', 'maildir/new', 'maildir/tmp']) assert.equal(statSync(join(rt.env.DATA_DIR ?? '', d)).mode & 0o777, 0o700, d);
        for (const f of files) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
        assert.match(rt.mail.outgoing, /private links in clear/);
      } finally {
        await rt.close();
      }
    });

    describe('SLA reminders to maintainers', () => {
      let relay: TestRelay;
      let rt: TestServer;
      let world: World;
      before(async () => {
        relay = await startRelay();
        rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_REMINDER_DUE_SOON_HOURS: '12' });
        world = await seedWorld(rt);
        await submit(rt, 'privastream', validReport({ reporter_email: null }));
      });
      after(async () => {
        await rt?.close();
        await relay?.close();
      });
      const reminders = () => relay.mails.filter((m) => /Deadline/.test(m.parsed.subject ?? ''));

      test('due soon, then missed: each once per maintainer (admins and triagers), however often the job runs', async () => {
        await rt.jobs.runAllOnce();
        assert.equal(reminders().length, 0, 'acknowledge is due in 48 h: nothing yet');
        rt.clock.advance(37 * HOUR); // 11 h left
        await rt.jobs.runAllOnce();
        await rt.jobs.runAllOnce();
        await relay.waitFor(2);
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(reminders().map((m) => m.to[0]).sort(), ['admin@example.org', 'triager@example.org']);
        assert.match(reminders()[0]?.parsed.subject ?? '', /Deadline due soon: acknowledge the report/);
        assert.match(reminders()[0]?.parsed.text ?? '', /https:\/\/embargo\.test\/app\/p\/privastream\/reports\/PRIV-/);
        rt.clock.advance(12 * HOUR); // acknowledge now breached
        await rt.jobs.runAllOnce();
        await rt.jobs.runAllOnce();
        await relay.waitFor(4);
        await new Promise((r) => setTimeout(r, 200));
        const subjects = reminders().map((m) => m.parsed.subject ?? '');
        assert.equal(subjects.filter((s) => /Deadline missed: acknowledge the report/.test(s)).length, 2);
        assert.equal(subjects.length, 4);
        for (const m of reminders()) assert.ok(!m.parsed.replyTo, 'maintainer reminders never carry the reporter thread address');
      });

      test('two instances on one PostgreSQL: reminders and sends are not duplicated', { skip: engine.name !== 'postgres' && 'needs two processes on one database' }, async () => {
        const other = await composeFromEnv(rt.env, rt.clock.now);
        try {
          const before = relay.mails.length;
          const later = new Date(rt.clock.now.getTime() + 5 * 24 * HOUR); // detailed response (7 business days) due or missed
          for (const r of [rt, other]) r.clock.now = later; // the instances' clocks agree (leases depend on it)
          const counts = await Promise.all([sendDueReminders(rt.ctx, 12 * HOUR), sendDueReminders(other.ctx, 12 * HOUR), sendDueReminders(rt.ctx, 12 * HOUR)]);
          assert.equal(counts.reduce((a, b) => a + b, 0), 1, 'one instance claimed the reminder');
          const dispatched = await Promise.all([dispatchEvents(rt.ctx), dispatchEvents(other.ctx)]);
          assert.equal(dispatched.reduce((a, b) => a + b, 0), 1, 'one instance fanned the reminder event out');
          const sent = await Promise.all([drainOutbox(rt.ctx, 1), drainOutbox(other.ctx, 1), drainOutbox(rt.ctx, 1), drainOutbox(other.ctx, 1)]);
          assert.equal(sent.reduce((a, b) => a + b, 0), 2, JSON.stringify(await outbox(rt, world)));
          await relay.waitFor(before + 2);
          await new Promise((r) => setTimeout(r, 300));
          assert.equal(relay.mails.length, before + 2);
          assert.equal(new Set(relay.mails.slice(before).map((m) => m.to[0])).size, 2);
        } finally {
          await other.close();
        }
      });
    });
  });
}
