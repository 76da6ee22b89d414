import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { reportMail, sendTo, startRelay, type TestRelay } from '../support/mail-relay.ts';
import { countUsers, issueSetupToken } from '../../src/services/access/users.ts';

/**
 * Tenant isolation (issue 13): a project admin ("outsider", admin of personal-chatter only) tries to take what
 * belongs to privastream — its security address, its host, its tracking prefix — and the instance's setup token is
 * raced. Each attack is refused and the owner keeps working.
 */
const CHATTER = '/api/v1/projects/personal-chatter';

const chatterWith = (edit: (yaml: string) => string) => ({ policy_yaml: edit(examplePolicy('personal-chatter')) });

for (const engine of ENGINES) {
  describe(`tenant isolation on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;
    let smtpPort: number;
    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_SMTP_LISTEN: '127.0.0.1:0' });
      world = await seedWorld(rt);
      smtpPort = rt.mail.smtpPort ?? assert.fail('no SMTP listener');
      // privastream serves its security.txt at its own host too.
      const withHost = examplePolicy('privastream').replace('  tracking_prefix: PRIV', '  tracking_prefix: PRIV\n  hosts: [security.privastream.ai]');
      const res = await rt.app.inject({ method: 'PUT', url: '/api/v1/projects/privastream/policy', headers: world.as('admin'), payload: { policy_yaml: withHost } });
      assert.equal(res.statusCode, 200, res.body);
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    const putChatter = (body: { policy_yaml: string }) => rt.app.inject({ method: 'PUT', url: `${CHATTER}/policy`, headers: world.as('outsider'), payload: body });

    test("another project's security address cannot be claimed: 409 naming the field and line; mail still reaches its owner", async () => {
      const res = await putChatter(chatterWith((y) => y.replace('email: security@personal-chatter.org', 'email: Security@PrivaStream.ai')));
      assert.equal(res.statusCode, 409, res.body);
      const body = res.json() as { problems: Array<{ field: string; line: number; message: string }> };
      assert.deepEqual(body.problems.map((p) => [p.field, p.line]), [['contacts.email', 10]]);

      const sent = await sendTo(smtpPort, reportMail());
      assert.match(sent.response, /Stored as report PRIV-/);
    });

    test("another project's host cannot be claimed, and security.txt by host stays the owner's", async () => {
      const res = await putChatter(chatterWith((y) => y.replace('  tracking_prefix: PCHAT', '  tracking_prefix: PCHAT\n  hosts: [chat.example.org, SECURITY.privastream.ai]')));
      assert.equal(res.statusCode, 409, res.body);
      assert.deepEqual((res.json() as { problems: Array<{ field: string; line: number }> }).problems.map((p) => [p.field, p.line]), [['project.hosts.1', 8]]);
      const txt = await rt.app.inject({ url: '/.well-known/security.txt', headers: { host: 'security.privastream.ai' } });
      assert.equal(txt.statusCode, 200);
      assert.match(txt.body, /security@privastream\.ai/);
    });

    test("another project's tracking prefix cannot be claimed (case-insensitively), so its intake can never be wedged", async () => {
      const res = await putChatter(chatterWith((y) => y.replace('tracking_prefix: PCHAT', 'tracking_prefix: PRIV')));
      assert.equal(res.statusCode, 409, res.body);
      assert.deepEqual((res.json() as { problems: Array<{ field: string; line: number }> }).problems.map((p) => [p.field, p.line]), [['project.tracking_prefix', 7]]);
      const a = await submit(rt, 'privastream');
      const b = await submit(rt, 'personal-chatter', validReport({ affected_version: '0.1.4' }));
      assert.match(a.tracking_id, /^PRIV-/);
      assert.match(b.tracking_id, /^PCHAT-/);
    });

    test('a project can keep and re-save its own claims, and release one for another project to take', async () => {
      const again = await rt.app.inject({ method: 'PUT', url: '/api/v1/projects/privastream/policy', headers: world.as('admin'), payload: { policy_yaml: examplePolicy('privastream') } });
      assert.equal(again.statusCode, 200, again.body);
      // privastream no longer lists the host: now personal-chatter may claim it.
      const take = await putChatter(chatterWith((y) => y.replace('  tracking_prefix: PCHAT', '  tracking_prefix: PCHAT\n  hosts: [security.privastream.ai]')));
      assert.equal(take.statusCode, 200, take.body);
      const back = await rt.app.inject({
        method: 'PUT',
        url: '/api/v1/projects/privastream/policy',
        headers: world.as('admin'),
        payload: { policy_yaml: examplePolicy('privastream').replace('  tracking_prefix: PRIV', '  tracking_prefix: PRIV\n  hosts: [security.privastream.ai]') },
      });
      assert.equal(back.statusCode, 409, 'the new holder keeps it against the former one');
      const release = await putChatter(chatterWith((y) => y));
      assert.equal(release.statusCode, 200, release.body);
    });

    test("a reply token sent through another project's address is not a reply there: held, not filed in the wrong project", async () => {
      const sent = await sendTo(smtpPort, reportMail({ subject: 'Second finding', messageId: '<second@example.org>' }));
      const trackingId = /Stored as report (\S+)/.exec(sent.response)?.[1] ?? assert.fail(sent.response);
      await rt.jobs.runAllOnce();
      const ack = (await relay.waitFor(1)).find((m) => (m.parsed.subject ?? '').includes(trackingId)) ?? assert.fail('no acknowledgement');
      const replyTo = ack.parsed.replyTo?.value[0]?.address ?? '';
      const token = /\+r-([a-z2-7]{32})@/.exec(replyTo)?.[1] ?? assert.fail(replyTo);
      const before = await rt.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'report.reporter-message').execute();
      const misrouted = await sendTo(smtpPort, { from: 'ada@example.org', to: `security+r-${token}@personal-chatter.org`, subject: 'Re: x', text: 'more' });
      assert.doesNotMatch(misrouted.response, /Stored as message/);
      const afterRows = await rt.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'report.reporter-message').execute();
      assert.equal(afterRows.length, before.length, 'no reporter message was filed');
    });

    test("creating a project never replaces another's: If-None-Match: * answers 409 for a slug in use; racing creators get one 201, never a 500", async () => {
      const create = (yaml: string, createOnly: boolean) =>
        rt.app.inject({ method: 'POST', url: '/api/v1/projects', headers: { ...world.as('siteAdmin'), ...(createOnly ? { 'if-none-match': '*' } : {}) }, payload: { policy_yaml: yaml } });
      const policyBefore = (await rt.app.inject({ url: '/api/v1/projects/privastream/policy' })).body;
      const taken = await create(examplePolicy('privastream').replace('name: PrivaStream', 'name: Not PrivaStream'), true);
      assert.equal(taken.statusCode, 409, taken.body);
      assert.match(taken.body, /privastream.*already exists/);
      assert.equal((await rt.app.inject({ url: '/api/v1/projects/privastream/policy' })).body, policyBefore, 'the policy is untouched');
      // Two admins creating the same new project at once: one creates it, the other is told it exists.
      const raced = await Promise.all([create(examplePolicy('taehv'), true), create(examplePolicy('taehv'), true)]);
      assert.deepEqual(raced.map((r) => r.statusCode).sort(), [201, 409], raced.map((r) => r.body).join('\n'));
      // Without the header a POST still creates or replaces (the API's documented upsert), and a race is no 500.
      const upserts = await Promise.all([create(examplePolicy('blayzen'), false), create(examplePolicy('blayzen'), false)]);
      assert.deepEqual(upserts.map((r) => r.statusCode).sort(), [200, 201], upserts.map((r) => r.body).join('\n'));
    });
  });

  describe(`the setup token on ${engine.name}`, () => {
    let rt: TestServer;
    before(async () => {
      rt = await startTestRuntime(engine);
    });
    after(() => rt?.close());

    test('is single-use even when raced: four parallel setups create one site admin', async () => {
      const token = (await issueSetupToken(rt.ctx.db)) ?? assert.fail('no setup token');
      const results = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          rt.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { token, email: `admin${i}@example.org`, name: `Admin ${i}`, password: 'a long and careful passphrase' } }),
        ),
      );
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 403, 403, 403]);
      assert.equal(await countUsers(rt.ctx.db), 1);
    });
  });
}
