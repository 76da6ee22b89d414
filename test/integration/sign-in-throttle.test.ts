import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { buildApp } from '../../src/http/app.ts';
import { compose, type Runtime } from '../../src/server/compose.ts';
import { loadConfig } from '../../src/server/config.ts';
import { createUser } from '../../src/services/access/users.ts';
import { ACCOUNT_FAILURES_ALLOWED_ANY_CLIENT } from '../../src/services/access/sign-in.ts';

/**
 * Failed sign-ins are limited per account and per client, and both limits hold across instances (issue 15): the
 * counts live in the database (`sign_in_failures`), not in a process. Instance B is a second server process on the
 * same PostgreSQL, or, on PGlite (one process per data directory), a second HTTP app over the same store: either way
 * nothing in process memory is shared with instance A.
 */
const PASSWORD = 'correct horse battery staple';
const PER_CLIENT = 6;

for (const engine of ENGINES) {
  describe(`sign-in throttling across instances on ${engine.name}`, () => {
    let rt: TestServer;
    let second: Runtime | null = null;
    let b: FastifyInstance;
    before(async () => {
      rt = await startTestRuntime(engine, { EMBARGO_LOGIN_RATE_LIMIT: String(PER_CLIENT) });
      if (engine.name === 'postgres') {
        second = await compose(loadConfig(rt.env), { logger: false, now: () => rt.clock.now, jobs: false });
        b = second.app;
      } else {
        b = await buildApp(rt.ctx, { ...rt.config, logger: false });
      }
      await createUser(rt.ctx, { email: 'kim@example.org', name: 'Kim', password: PASSWORD, siteAdmin: false }, 'test');
    });
    after(async () => {
      if (second) await second.close();
      else await b?.close();
      await rt?.close();
    });

    const signIn = (app: FastifyInstance, email: string, password: string, ip: string) =>
      app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password }, remoteAddress: ip });

    test('one client spraying many addresses over two instances is stopped at the per-client limit of both together', async () => {
      const ip = '198.51.100.7';
      // Half the limit on each instance: neither process alone has seen enough to refuse.
      for (let i = 0; i < PER_CLIENT; i++) {
        const res = await signIn(i % 2 ? b : rt.app, `sprayed-${i}@example.org`, 'guess', ip);
        assert.equal(res.statusCode, 401, res.body);
      }
      for (const app of [rt.app, b]) {
        const refused = await signIn(app, 'kim@example.org', PASSWORD, ip);
        assert.equal(refused.statusCode, 429, `the right password from that client waits too: ${refused.body}`);
        assert.match(refused.body, /Too many failed sign-ins from your network address/);
      }
      // Another client is not affected, and the account was never the one guessed.
      assert.equal((await signIn(b, 'kim@example.org', PASSWORD, '203.0.113.9')).statusCode, 200);
      // A minute later the client may try again.
      rt.clock.advance(60_000);
      assert.equal((await signIn(rt.app, 'kim@example.org', PASSWORD, ip)).statusCode, 200);
    });

    test('failed passkey sign-ins count against the client over both instances, as failed passwords do', async () => {
      const ip = '198.51.100.44';
      const passkey = (app: FastifyInstance) =>
        app.inject({ method: 'POST', url: '/api/v1/session/passkey', payload: { response: { id: 'bm90LXJlZ2lzdGVyZWQ', type: 'public-key', response: {} } }, remoteAddress: ip });
      for (let i = 0; i < PER_CLIENT; i++) assert.equal((await passkey(i % 2 ? b : rt.app)).statusCode, 401);
      const refused = await signIn(rt.app, 'kim@example.org', PASSWORD, ip);
      assert.equal(refused.statusCode, 429, `a client that failed ${PER_CLIENT} passkey sign-ins waits: ${refused.body}`);
      assert.match(refused.body, /Too many failed sign-ins from your network address/);
      const again = await passkey(b);
      assert.equal(again.statusCode, 429, again.body);
      rt.clock.advance(60_000);
    });

    test('ten wrong passwords from one network lock the account for that network only: its owner elsewhere still signs in', async () => {
      // The lockout was per account: anyone who knew an admin's address could keep them out with ten guesses.
      for (let i = 0; i < 10; i++) {
        // Addresses within one IPv6 /64 are one client: rotating them does not buy more guesses.
        const res = await signIn(i % 2 ? b : rt.app, 'kim@example.org', `wrong ${i}`, `2001:db8:7:1::${(i + 1).toString(16)}`);
        assert.equal(res.statusCode, 401, res.body);
        rt.clock.advance(10_000); // slower than the per-client minute limit: only the account's count applies
      }
      for (const app of [rt.app, b]) {
        const refused = await signIn(app, 'kim@example.org', PASSWORD, '2001:db8:7:1:ffff::99');
        assert.equal(refused.statusCode, 429, `the right password from the guessing network waits: ${refused.body}`);
        assert.match(refused.body, /Too many failed sign-ins for this address from your network address/);
      }
      assert.equal((await signIn(b, 'kim@example.org', PASSWORD, '2001:db8:7:2::1')).statusCode, 200, 'the next /64 is another client');
      assert.equal((await signIn(rt.app, 'kim@example.org', PASSWORD, '192.0.2.80')).statusCode, 200, 'the owner on their own network signs in');
      // A third app over the same store: each process's own per-minute limit (real time) has seen enough of this /64.
      const c = await buildApp(rt.ctx, { ...rt.config, logger: false });
      try {
        // The owner's success does not clear the guessing network's count.
        const still = await signIn(c, 'kim@example.org', PASSWORD, '2001:db8:7:1::abcd');
        assert.equal(still.statusCode, 429, still.body);
        assert.match(still.body, /from your network address/);
        rt.clock.advance(15 * 60_000);
        const later = await signIn(c, 'kim@example.org', PASSWORD, '2001:db8:7:1::abcd');
        assert.equal(later.statusCode, 200, later.body);
      } finally {
        await c.close();
      }
    });

    test('one account guessed from many clients over two instances is stopped at the per-account limit of every client together', async () => {
      for (let i = 0; i < ACCOUNT_FAILURES_ALLOWED_ANY_CLIENT; i++) {
        const res = await signIn(i % 2 ? b : rt.app, 'kim@example.org', `wrong ${i}`, `192.0.2.${10 + (i % 200)}`);
        assert.equal(res.statusCode, 401, res.body);
      }
      for (const app of [rt.app, b]) {
        const refused = await signIn(app, 'kim@example.org', PASSWORD, '203.0.113.250');
        assert.equal(refused.statusCode, 429, refused.body);
        assert.match(refused.body, /Too many failed sign-ins for this address;/);
      }
      rt.clock.advance(15 * 60_000);
      assert.equal((await signIn(b, 'kim@example.org', PASSWORD, '192.0.2.99')).statusCode, 200);
    });
  });
}

/**
 * Behind a reverse proxy, the client address is the one the proxy saw, not what the client writes into
 * X-Forwarded-For: a proxy that appends (nginx's $proxy_add_x_forwarded_for, most others) passes the client's own
 * header on, so trusting every hop let a client choose a new address per request and escape every per-client limit.
 */
describe('the client address behind a reverse proxy (EMBARGO_TRUST_PROXY)', () => {
  const engine = ENGINES[0]!;
  const spray = async (trust: string) => {
    const rt = await startTestRuntime(engine, { EMBARGO_LOGIN_RATE_LIMIT: '3', EMBARGO_TRUST_PROXY: trust });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        // The proxy (127.0.0.1, the socket's peer) appends the address it saw; the client made up the first entry.
        const res = await rt.app.inject({
          method: 'POST',
          url: '/api/v1/session',
          payload: { email: `sprayed-${i}@example.org`, password: 'guess' },
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': `203.0.113.${i + 10}, 198.51.100.7` },
        });
        codes.push(res.statusCode);
      }
      return codes;
    } finally {
      await rt.close();
    }
  };

  test('"true" trusts the one proxy in front: a made-up X-Forwarded-For entry does not make a new client', async () => {
    assert.deepEqual(await spray('true'), [401, 401, 401, 429, 429]);
  });
  test('a hop count and a list of proxy addresses are taken as Fastify reads them', async () => {
    assert.deepEqual(await spray('1'), [401, 401, 401, 429, 429]);
    assert.deepEqual(await spray('127.0.0.1/8, ::1'), [401, 401, 401, 429, 429]);
  });
});
