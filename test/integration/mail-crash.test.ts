import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/harness.ts';
import { quietMaintainers, seedWorld, submit, validReport } from '../support/fixtures.ts';
import { composeFromEnv } from '../support/runtime-from-env.ts';
import { freePort, startServer, type ServerProcess } from '../support/server-process.ts';
import { startRelay } from '../support/mail-relay.ts';

/**
 * The outbox across a crash, with real processes: a state change commits while the relay is down, the server
 * tries to send, fails, and is SIGKILLed before the relay ever got the mail. The next process (relay up) sends
 * it — exactly once, as the acknowledgement queued before it.
 */
const START_TIMEOUT = 60_000;

async function waitUntil<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface OutboxMail {
  kind: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
}

for (const engine of ENGINES) {
  describe(`outbox across a crash (${engine.name}, real server processes)`, () => {
    test('a state change committed while the relay is down is mailed exactly once after SIGKILL and restart', { timeout: 4 * START_TIMEOUT }, async () => {
      const relayPort = await freePort(); // nothing listens here yet: the relay is down
      const env: Record<string, string> = {
        ...(await engine.freshEnv()),
        HOST: '127.0.0.1',
        EMBARGO_PUBLIC_URL: 'https://embargo.test',
        EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relayPort}`,
        EMBARGO_MAIL_FROM: 'embargo@embargo.test',
        EMBARGO_MAIL_RETRY_BASE_SECONDS: '1',
      };

      // Seed the store in-process first (PGlite allows one process at a time), then hand it to real servers.
      const seed = await composeFromEnv(env, new Date()); // real time: the servers below run on the real clock
      const world = await seedWorld(seed);
      await quietMaintainers(seed, world); // this test counts the mails to the reporter
      const report = await submit(seed, 'privastream', validReport({ reporter_email: 'ada@example.org' }));
      await seed.close();

      const auth = (persona: 'admin' | 'triager') => ({ authorization: `Bearer ${world.tokens[persona]}`, 'content-type': 'application/json' });
      const outbox = async (server: ServerProcess): Promise<OutboxMail[]> => {
        const res = await fetch(`${server.baseUrl}/api/v1/projects/privastream/outbox`, { headers: auth('admin') });
        assert.equal(res.status, 200);
        return ((await res.json()) as { mails: OutboxMail[] }).mails;
      };

      const first = await startServer({ ...env, PORT: String(await freePort()) }, START_TIMEOUT);
      try {
        const res = await fetch(`${first.baseUrl}/api/v1/projects/privastream/reports/${report.tracking_id}/transitions`, {
          method: 'POST',
          headers: auth('triager'),
          body: JSON.stringify({ to: 'triaged' }),
        });
        assert.equal(res.status, 200, await res.text());
        // The server's outbox job tried both mails and failed (relay down): they are queued with the error. The kill
        // comes while no attempt is near: a mail claimed at the moment of the kill keeps its five-minute lease
        // (delivery.ts: the crashed sender may have sent it), and the next server would rightly wait that long.
        const tried = await waitUntil('a failed send attempt of the state-change mail, and no attempt due within 2 s', async () => {
          const mails = await outbox(first);
          const change = mails.find((m) => m.kind === 'state-change');
          const quiet = mails.every((m) => m.status === 'pending' && Date.parse(m.next_attempt_at) - Date.now() >= 2_000);
          return change && change.attempts >= 1 && quiet ? mails : null;
        });
        assert.match(tried.find((m) => m.kind === 'state-change')?.last_error ?? '', /ECONNREFUSED|connect/i);
      } finally {
        const killed = await first.kill('SIGKILL');
        assert.equal(killed.signal, 'SIGKILL');
      }

      const relay = await startRelay(relayPort);
      const second = await startServer({ ...env, PORT: String(await freePort()) }, START_TIMEOUT);
      try {
        // The first server retried the receipt mail with doubling delays for as long as it ran (longer on a busy
        // machine), so its next attempt may come well after this restart: wait from the time the outbox set for it.
        const due = Math.max(...(await outbox(second)).map((m) => Date.parse(m.next_attempt_at)));
        await relay.waitFor(2, Math.max(0, due - Date.now()) + 30_000);
        await waitUntil('both mails marked sent', async () => (await outbox(second)).every((m) => m.status === 'sent'));
        // Several more outbox ticks (and retry periods) pass: nothing is sent twice.
        await new Promise((r) => setTimeout(r, 6_000));
        assert.equal(relay.mails.length, 2, relay.mails.map((m) => m.parsed.subject).join(' | '));
        const subjects = relay.mails.map((m) => m.parsed.subject ?? '').sort();
        assert.match(subjects[0] ?? '', /Report received/);
        assert.match(subjects[1] ?? '', /Status: triaged/);
        assert.equal(new Set(relay.mails.map((m) => m.parsed.messageId)).size, 2);
        for (const m of relay.mails) assert.deepEqual(m.to, ['ada@example.org']);
        const final = await outbox(second);
        assert.deepEqual(final.map((m) => m.status), ['sent', 'sent']);
      } finally {
        await second.kill('SIGTERM');
        await relay.close();
      }
    });
  });
}
