import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as openpgp from 'openpgp';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { reportMail, sendTo, startRelay, type CapturedMail, type TestRelay } from '../support/mail-relay.ts';
import { generateProjectKey } from '../../src/adapters/pgp/keys.ts';
import { getProject } from '../../src/services/projects/projects.ts';
import { quarantine } from '../../src/services/pgp/quarantine.ts';
import { dispatchEvents } from '../../src/services/events/dispatch.ts';
import { projectEventRow } from '../../src/services/events/raise.ts';
import { importOsvPath } from '../../src/services/scanning/osv-import.ts';
import { publishedAdvisory } from '../support/advisory-fixtures.ts';
import { join } from 'node:path';
import { REPO } from '../support/fixtures.ts';
import { joinedParty } from '../support/coordination.ts';

/**
 * Maintainer notifications through the outbox to a real SMTP relay on 127.0.0.1: who is mailed what (role
 * defaults, preferences), what a mail may say (never a body or the reporter; the title only when allowed), mails
 * encrypted to a maintainer's key, and exactly once per event.
 */
const P = '/api/v1/projects/privastream';
const DESCRIPTION = 'The /models endpoint accepts ../ sequences and reads arbitrary files.';

for (const engine of ENGINES) {
  describe(`maintainer notifications (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;

    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_MAIL_FROM: 'embargo@embargo.test' });
      world = await seedWorld(rt);
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    /** Runs the jobs and returns the maintainer notifications the relay got since `from`. */
    const notified = async (from: number): Promise<CapturedMail[]> => {
      await rt.jobs.runAllOnce();
      await new Promise((r) => setTimeout(r, 300));
      return relay.mails.slice(from).filter((m) => m.to[0] !== 'ada@example.org');
    };
    const setLevel = async (persona: 'admin' | 'triager' | 'viewer', level: string, include_titles = false) => {
      const res = await rt.app.inject({ method: 'PUT', url: '/api/v1/me/notifications', headers: await world.session(persona), payload: { project: 'privastream', level, include_titles } });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };

    test('a new report: admins and triagers are mailed at once by default, viewers not; no body, no title, no reporter', async () => {
      const list = await rt.app.inject({ method: 'GET', url: '/api/v1/me/notifications', headers: world.as('viewer') });
      assert.deepEqual(list.json().projects, [{ project: 'privastream', project_name: 'PrivaStream', role: 'viewer', level: 'none', include_titles: false, default: true }]);
      const from = relay.mails.length;
      const r = await submit(rt, 'privastream', validReport());
      const mails = await notified(from);
      assert.deepEqual(mails.map((m) => m.to[0]).sort(), ['admin@example.org', 'triager@example.org']);
      for (const m of mails) {
        assert.equal(m.parsed.subject, `[${r.tracking_id}] New report`);
        const text = m.parsed.text ?? '';
        assert.match(text, new RegExp(`https://embargo\\.test/app/p/privastream/reports/${r.tracking_id}`));
        for (const secret of ['Path traversal', DESCRIPTION, 'ada@example.org', 'Ada', r.reporter_token]) assert.ok(!m.raw.toString('utf8').includes(secret), `a notification never carries ${secret}`);
        assert.equal(m.parsed.headers.get('auto-submitted'), 'auto-generated');
      }
      const again = await notified(relay.mails.length);
      assert.equal(again.length, 0, 'each event is mailed once, however often the jobs run');
    });

    test('preferences: the title only when allowed (never in the subject), high-only, none; viewers may opt in', async () => {
      assert.equal((await setLevel('triager', 'all', true)).include_titles, true);
      await setLevel('admin', 'high');
      await setLevel('viewer', 'all');
      const from = relay.mails.length;
      const r = await submit(rt, 'privastream', validReport({ title: 'Heap overflow in the codec' }));
      const mails = await notified(from);
      assert.deepEqual(mails.map((m) => m.to[0]).sort(), ['triager@example.org', 'viewer@example.org'], 'admin asked for high and critical only; a new report has no severity yet');
      const triager = mails.find((m) => m.to[0] === 'triager@example.org');
      assert.match(triager?.parsed.text ?? '', /Title: Heap overflow in the codec/);
      assert.equal(triager?.parsed.subject, `[${r.tracking_id}] New report`);
      assert.ok(!(mails.find((m) => m.to[0] === 'viewer@example.org')?.parsed.text ?? '').includes('Heap overflow'));
      const audit = await rt.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'user.notifications-set').execute();
      assert.equal(audit.length, 3);
    });

    test("a reporter's reply is mailed (without what they wrote); held mail only to those who may read the quarantine", async () => {
      const r = await submit(rt, 'privastream', validReport());
      await notified(relay.mails.length);
      const from = relay.mails.length;
      const reply = await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${r.reporter_token}/messages`, payload: { body: 'SECRET-REPLY: it also affects 1.0.4' } });
      assert.equal(reply.statusCode, 201, reply.body);
      const mails = await notified(from);
      assert.deepEqual(mails.map((m) => m.to[0]).sort(), ['triager@example.org', 'viewer@example.org']);
      assert.ok(mails.every((m) => m.parsed.subject === `[${r.tracking_id}] The reporter replied` && !m.raw.toString().includes('SECRET-REPLY')));

      const held = relay.mails.length;
      const project = await getProject(rt.ctx.db, 'privastream');
      await quarantine(rt.ctx.db, rt.ctx, { projectId: project.id, channel: 'email', reasonCode: 'unknown_sender', reason: 'test', sender: 'mallory@example.org', raw: Buffer.from('raw mail') });
      const quarantined = await notified(held);
      assert.deepEqual(quarantined.map((m) => m.to[0]), ['triager@example.org'], 'the viewer may not read the quarantine; the admin asked for high only');
      assert.equal(quarantined[0]?.parsed.subject, 'Mail held in quarantine');
      assert.ok(!quarantined[0]?.raw.toString().includes('mallory'), 'the sender is not named');
    });

    test('"assigned": a reply is mailed only to the member the report is assigned to', async () => {
      await setLevel('triager', 'assigned');
      try {
        const mine = await submit(rt, 'privastream', validReport());
        const other = await submit(rt, 'privastream', validReport());
        await notified(relay.mails.length);
        const triager = await rt.ctx.db.selectFrom('users').select('id').where('email', '=', 'triager@example.org').executeTakeFirstOrThrow();
        const assigned = await rt.app.inject({ method: 'PUT', url: `/api/v1/projects/privastream/reports/${mine.tracking_id}/assignee`, headers: world.as('admin'), payload: { user_id: triager.id } });
        assert.equal(assigned.statusCode, 200, assigned.body);
        const from = relay.mails.length;
        for (const r of [mine, other]) {
          const reply = await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${r.reporter_token}/messages`, payload: { body: 'more details' } });
          assert.equal(reply.statusCode, 201, reply.body);
        }
        const mails = (await notified(from)).filter((m) => m.to[0] === 'triager@example.org');
        assert.deepEqual(mails.map((m) => m.parsed.subject), [`[${mine.tracking_id}] The reporter replied`]);
        assert.match(mails[0]?.parsed.text ?? '', /set to reports assigned to you/);
      } finally {
        await setLevel('triager', 'all', true);
      }
    });

    test("a maintainer's mails are encrypted to the OpenPGP key they registered", async () => {
      const key = await generateProjectKey({ projectName: 'Triager', email: 'triager@example.org', now: new Date(rt.clock.now.getTime() - 60_000) });
      const put = await rt.app.inject({ method: 'PUT', url: '/api/v1/me/pgp-key', headers: await world.session('triager'), payload: { public_key: key.publicKeyArmored } });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(put.json().fingerprint, key.fingerprint);
      const from = relay.mails.length;
      const r = await submit(rt, 'privastream', validReport({ title: 'Encrypted title' }));
      const mails = await notified(from);
      const triager = mails.find((m) => m.to[0] === 'triager@example.org');
      assert.ok(triager);
      assert.match(String(triager.parsed.headers.get('content-type') && (triager.parsed.headers.get('content-type') as { value: string }).value), /multipart\/encrypted/);
      assert.ok(!triager.raw.toString().includes('Encrypted title'), 'the title is inside the encryption only');
      const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(triager.raw.toString('utf8'))?.[0] ?? assert.fail('no armored message');
      const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: armored }), decryptionKeys: await openpgp.readPrivateKey({ armoredKey: key.privateKeyArmored }), date: rt.clock.now });
      assert.match(String(data), /Title: Encrypted title/);
      assert.match(String(data), new RegExp(r.tracking_id));
      const viewer = mails.find((m) => m.to[0] === 'viewer@example.org');
      assert.ok(viewer && !/multipart\/encrypted/.test(viewer.raw.toString().slice(0, 2000)), 'others without a key get it in clear');
    });

    test('a batch that fails midway commits nothing; its good events then go one by one, exactly once; the bad one waits', async () => {
      const project = await getProject(rt.ctx.db, 'privastream');
      const r = await submit(rt, 'privastream', validReport());
      const good = await rt.ctx.db.selectFrom('project_events').select('id').where('dispatched_at', 'is', null).execute();
      assert.equal(good.length, 1);
      // An event naming a report that does not exist, first in the batch: opening its title (the triager wants
      // titles) fails after the batch already queued webhook deliveries and mails for it and the good event.
      const broken = projectEventRow(project.id, { type: 'report.created', report: { id: '00000000-0000-4000-8000-000000000000', tracking_id: 'PRIV-2026-9999', state: 'new', severity: null }, source: 'web' }, new Date(rt.clock.now.getTime() - 1000));
      await rt.ctx.db.insertInto('project_events').values({ ...broken, report_id: null }).execute();
      const count = async () => Number((await rt.ctx.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', '=', (await rt.ctx.db.selectFrom('reports').select('id').where('tracking_id', '=', r.tracking_id).executeTakeFirstOrThrow()).id).executeTakeFirstOrThrow()).n);
      // A webhook too: the batch queues its deliveries before the mails, so a batch that is not rolled back shows.
      const hook = await rt.app.inject({ method: 'POST', url: `${P}/webhooks`, headers: world.as('admin'), payload: { url: 'https://hooks.example.org/x', secret: 'a-secret-of-16-chars', events: ['report.created'] } });
      assert.equal(hook.statusCode, 201, hook.body);
      const before = await count();
      await assert.rejects(dispatchEvents(rt.ctx), /events: dispatched 1, 1 could not be/);
      assert.equal((await count()) - before, 2, "the good event's mails once (triager and viewer)");
      const deliveries = await rt.ctx.db.selectFrom('webhook_deliveries').select('event_id').execute();
      assert.deepEqual(deliveries.map((d) => d.event_id), [good[0]?.id], 'one delivery, for the good event: the failed batch left nothing behind');
      assert.equal((await rt.app.inject({ method: 'DELETE', url: `${P}/webhooks/${hook.json().id}`, headers: world.as('admin') })).statusCode, 204);
      const waiting = await rt.ctx.db.selectFrom('project_events').select('id').where('dispatched_at', 'is', null).execute();
      assert.deepEqual(waiting.map((w) => w.id), [broken.id]);
      await assert.rejects(dispatchEvents(rt.ctx), 'it fails again, loudly, until fixed');
      assert.equal((await count()) - before, 2, 'and never mails the good event twice');
      await rt.ctx.db.deleteFrom('project_events').where('id', '=', broken.id).execute();
      assert.equal(await dispatchEvents(rt.ctx), 0);
      const from = relay.mails.length;
      const mails = await notified(from);
      assert.deepEqual(mails.map((m) => m.to[0]).sort(), ['triager@example.org', 'viewer@example.org']);
    });
  });

  describe(`notifications of mail in (${engine.name})`, () => {
    let rt: TestServer;
    let relay: TestRelay;
    let smtpPort: number;

    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_SMTP_LISTEN: '127.0.0.1:0', EMBARGO_MAIL_FROM: 'embargo@embargo.test' });
      await seedWorld(rt);
      smtpPort = rt.mail.smtpPort ?? assert.fail('no SMTP listener');
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    const run = async (from: number) => {
      await rt.jobs.runAllOnce();
      await new Promise((r) => setTimeout(r, 300));
      return relay.mails.slice(from);
    };
    const team = (mails: CapturedMail[]) => mails.filter((m) => m.to[0] !== 'ada@example.org').map((m) => `${m.to[0]}: ${m.parsed.subject}`).sort();

    test('a report by mail and a reply by mail reach the team through the outbox, never their text or sender', async () => {
      const sent = await sendTo(smtpPort, reportMail({ subject: 'SECRET-MAIL-TITLE in the loader' }));
      const tracking = /Stored as report (\S+)/.exec(sent.response)?.[1] ?? assert.fail(sent.response);
      const first = await run(0);
      assert.deepEqual(team(first), [`admin@example.org: [${tracking}] New report`, `triager@example.org: [${tracking}] New report`]);
      const ack = first.find((m) => m.to[0] === 'ada@example.org') ?? assert.fail('no acknowledgement');
      const replyTo = ack.parsed.replyTo?.value[0]?.address ?? assert.fail('no reply address');

      const from = relay.mails.length;
      const reply = await sendTo(smtpPort, { from: 'ada@example.org', to: replyTo, subject: `Re: ${ack.parsed.subject}`, text: 'SECRET-MAIL-REPLY: also 1.0.4', inReplyTo: ack.parsed.messageId, references: ack.parsed.messageId });
      assert.match(reply.response, /Stored as message/);
      const second = await run(from);
      assert.deepEqual(team(second), [`admin@example.org: [${tracking}] The reporter replied`, `triager@example.org: [${tracking}] The reporter replied`]);
      for (const m of [...first, ...second].filter((x) => x.to[0] !== 'ada@example.org')) {
        const raw = m.raw.toString('utf8');
        for (const secret of ['SECRET-MAIL-TITLE', 'SECRET-MAIL-REPLY', 'ada@example.org', 'Ada Researcher']) assert.ok(!raw.includes(secret), `a notification never carries ${secret}`);
      }
      const events = await rt.ctx.db.selectFrom('project_events').select(['type', 'data']).orderBy('occurred_at').execute();
      assert.deepEqual(events.map((e) => [e.type, (e.data as { source?: string; channel?: string }).source ?? (e.data as { channel?: string }).channel]), [['report.created', 'email'], ['report.message_created', 'email']]);
    });
  });

  describe(`party notifications (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;

    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_MAIL_FROM: 'embargo@embargo.test' });
      world = await seedWorld(rt);
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    const MAINTAINERS = ['admin@example.org', 'triager@example.org', 'viewer@example.org'];
    const toTeam = async (from: number) => {
      await rt.jobs.runAllOnce();
      await new Promise((r) => setTimeout(r, 300));
      return relay.mails.slice(from).filter((m) => MAINTAINERS.includes(m.to[0] ?? ''));
    };

    test("a party's status statement and case message are mailed to the team like a reply (never the statement or the text); a maintainer's own case message is not", async () => {
      const r = await submit(rt, 'privastream', validReport({ reporter_email: null }));
      const party = await joinedParty(rt, world, r.tracking_id, 'psirt@vendor-a.example');
      await toTeam(relay.mails.length);

      let from = relay.mails.length;
      const stated = await rt.app.inject({
        method: 'PUT',
        url: `/api/v1/cases/${party.caseId}/status`,
        headers: party.headers,
        payload: { vulnerability: r.tracking_id, product: 'pkg:npm/vendor-a', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', statement: 'SECRET-STATEMENT: we never load models by name' },
      });
      assert.equal(stated.statusCode, 200, stated.body);
      let mails = await toTeam(from);
      assert.deepEqual(mails.map((m) => `${m.to[0]}: ${m.parsed.subject}`).sort(), [`admin@example.org: [${r.tracking_id}] A party changed its status`, `triager@example.org: [${r.tracking_id}] A party changed its status`]);
      for (const m of mails) {
        assert.ok(!m.raw.toString('utf8').includes('SECRET-STATEMENT'), 'the statement stays in Embargo');
        assert.match(m.parsed.text ?? '', new RegExp(`https://embargo\\.test/app/p/privastream/reports/${r.tracking_id}`));
      }
      assert.ok(!relay.mails.slice(from).some((m) => m.to[0] === 'psirt@vendor-a.example'), 'the party is not told of its own statement');

      from = relay.mails.length;
      const said = await rt.app.inject({ method: 'POST', url: `/api/v1/cases/${party.caseId}/messages`, headers: party.headers, payload: { body: 'SECRET-CASE-TEXT: patch ready on our side' } });
      assert.equal(said.statusCode, 201, said.body);
      mails = await toTeam(from);
      assert.deepEqual(mails.map((m) => `${m.to[0]}: ${m.parsed.subject}`).sort(), [`admin@example.org: [${r.tracking_id}] New message in the case`, `triager@example.org: [${r.tracking_id}] New message in the case`]);
      assert.ok(mails.every((m) => !m.raw.toString('utf8').includes('SECRET-CASE-TEXT')));

      from = relay.mails.length;
      const own = await rt.app.inject({ method: 'POST', url: `/api/v1/cases/${party.caseId}/messages`, headers: world.as('triager'), payload: { body: 'Thanks, noted.' } });
      assert.equal(own.statusCode, 201, own.body);
      assert.deepEqual(await toTeam(from), [], "the team's own case message is not mailed back to it");
    });
  });

  describe(`advisory and scan notifications (${engine.name})`, () => {
    let rt: TestServer;
    let world: World;
    let relay: TestRelay;

    before(async () => {
      relay = await startRelay();
      rt = await startTestRuntime(engine, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, EMBARGO_MAIL_FROM: 'embargo@embargo.test' });
      world = await seedWorld(rt);
      await importOsvPath(rt.ctx.db, join(REPO, 'test', 'fixtures', 'scanner', 'records'));
    });
    after(async () => {
      await rt?.close();
      await relay?.close();
    });

    const subjects = async (from: number) => {
      await rt.jobs.runAllOnce();
      await new Promise((r) => setTimeout(r, 300));
      return relay.mails.slice(from).filter((m) => m.to[0] !== 'ada@example.org').map((m) => `${m.to[0]}: ${m.parsed.subject}`).sort();
    };

    test('a published advisory is mailed to admins and triagers, with its link', async () => {
      const from = relay.mails.length;
      const published = await publishedAdvisory(rt, world);
      const got = await subjects(from);
      assert.deepEqual(got, ['admin@example.org: Advisory published', 'triager@example.org: Advisory published']);
      const mail = relay.mails.slice(from).find((m) => m.parsed.subject === 'Advisory published');
      assert.match(mail?.parsed.text ?? '', new RegExp(`advisory ${published.advisory.id} published`));
      assert.match(mail?.parsed.text ?? '', new RegExp(`https://embargo\\.test/projects/privastream/advisories/${published.advisory.id}`));
    });

    test('a critical scan finding is mailed (lower ones are not: test/unit/notifications); a clean scan raises nothing', async () => {
      const scan = async (content: string, filename: string) => {
        const res = await rt.app.inject({ method: 'POST', url: `${P}/scans`, headers: world.as('triager'), payload: { filename, content } });
        assert.equal(res.statusCode, 201, res.body);
        return res.json() as { findings: Array<{ severity: string | null; advisory: string }> };
      };
      const from = relay.mails.length;
      const failure = await scan('version = 3\n\n[[package]]\nname = "failure"\nversion = "0.1.8"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n', 'Cargo.lock');
      assert.ok(failure.findings.some((f) => f.severity === 'critical'), 'failure 0.1.8: RUSTSEC-2019-0036, CVSS 9.8');
      const events = await rt.ctx.db.selectFrom('project_events').select(['type', 'data']).where('type', '=', 'scan.finding').execute();
      assert.equal(events.length, 1, 'a scan with findings raises one event');
      const got = await subjects(from);
      assert.deepEqual(got, ['admin@example.org: Scan found vulnerable packages (critical)', 'triager@example.org: Scan found vulnerable packages (critical)']);
      const none = await scan('version = 3\n\n[[package]]\nname = "serde"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n', 'Cargo.lock');
      assert.equal(none.findings.length, 0);
      assert.equal((await rt.ctx.db.selectFrom('project_events').select('id').where('type', '=', 'scan.finding').execute()).length, 1, 'a clean scan raises nothing');
    });
  });
}
