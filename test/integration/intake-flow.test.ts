import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, submit, validReport, type World } from '../support/fixtures.ts';

for (const engine of ENGINES) {
  describe(`intake → triage → thread → SLA on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test('a submitted report gets a tracking ID and a private link, and is classified', async () => {
      const res = await rt.app.inject({ method: 'POST', url: '/api/v1/projects/privastream/reports', payload: validReport({ affected_version: '0.9.1' }) });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.match(body.tracking_id, /^PRIV-2026-\d{4}$/);
      assert.ok(body.reporter_token.length >= 32);
      // The styled reporter page, the token in the fragment (never sent to a server, never in a log).
      assert.equal(body.reporter_link, `https://embargo.test/p/privastream/status#${body.reporter_token}`);
      assert.equal(body.classification.version_status, 'unsupported');
      assert.ok(body.classification.flags.some((f: string) => f.includes('unsupported')));
    });

    test('the reporter reads status and deadlines, maintainers triage and reply, notes stay internal', async () => {
      const { tracking_id, reporter_token } = await submit(rt);
      const asReporter = await rt.app.inject({ url: `/api/v1/reporter/${reporter_token}` });
      assert.equal(asReporter.statusCode, 200);
      const view = asReporter.json();
      assert.equal(view.state, 'new');
      assert.equal(view.tracking_id, tracking_id);
      assert.ok(view.deadlines.some((d: { clock: string }) => d.clock === 'acknowledge'));

      const base = `/api/v1/projects/privastream/reports/${tracking_id}`;
      rt.clock.advance(3_600_000);
      const ack = await rt.app.inject({ method: 'POST', url: `${base}/transitions`, headers: world.as('triager'), payload: { to: 'acknowledged' } });
      assert.equal(ack.statusCode, 200, ack.body);
      const bad = await rt.app.inject({ method: 'POST', url: `${base}/transitions`, headers: world.as('triager'), payload: { to: 'disclosed' } });
      assert.equal(bad.statusCode, 409);
      assert.deepEqual(bad.json().allowed, ['needs-info', 'triaged', 'rejected']);

      const reply = await rt.app.inject({ method: 'POST', url: `${base}/messages`, headers: world.as('triager'), payload: { body: 'Thanks, we are looking.' } });
      assert.equal(reply.statusCode, 201);
      const note = await rt.app.inject({ method: 'POST', url: `${base}/messages`, headers: world.as('triager'), payload: { body: 'Looks real; loader lacks normalisation.', internal: true } });
      assert.equal(note.statusCode, 201);
      const answer = await rt.app.inject({ method: 'POST', url: `/api/v1/reporter/${reporter_token}/messages`, payload: { body: 'Happy to help.' } });
      assert.equal(answer.statusCode, 201);

      const thread = (await rt.app.inject({ url: `/api/v1/reporter/${reporter_token}` })).json();
      assert.deepEqual(thread.messages.map((m: { body: string }) => m.body), ['Thanks, we are looking.', 'Happy to help.']);
      const full = (await rt.app.inject({ url: base, headers: world.as('viewer') })).json();
      assert.equal(full.messages.length, 3);
      assert.equal(full.body.description, validReport().description);
      assert.equal(full.state, 'acknowledged');
      assert.equal(full.deadlines.find((d: { clock: string }) => d.clock === 'acknowledge').status, 'met');

      const sla = await rt.app.inject({ url: '/api/v1/projects/privastream/sla', headers: world.as('viewer') });
      assert.equal(sla.statusCode, 200);
      assert.ok(sla.json().deadlines.length > 0);
    });

    test('the old private link /reporter/{token} opens the styled page; a bad one says so in words; a no-JS reply still lands', async () => {
      const { reporter_token } = await submit(rt, 'privastream', validReport({ title: '<script>alert(1)</script>', description: '<img src=x onerror=alert(1)>' }));
      const old = await rt.app.inject({ url: `/reporter/${reporter_token}` });
      assert.equal(old.statusCode, 302, old.body);
      assert.equal(old.headers.location, `/p/privastream/status#${reporter_token}`);
      assert.equal(old.headers['cache-control'], 'no-store');
      const styled = await rt.app.inject({ url: '/p/privastream/status' });
      assert.equal(styled.statusCode, 200, 'the UI serves the page it redirects to');

      const bad = await rt.app.inject({ url: '/reporter/not-a-real-token-but-long-enough' });
      assert.equal(bad.statusCode, 404);
      assert.match(bad.headers['content-type'] as string, /text\/html/);
      assert.match(bad.body, /No report matches this link/);
      assert.match(bad.body, /<link rel="stylesheet"/, 'styled like the other pages');
      const malformed = await rt.app.inject({ url: '/reporter/short' });
      assert.equal(malformed.statusCode, 404);
      assert.match(malformed.body, /No report matches this link/);

      const boundary = 'xEmbargoBoundary';
      const payload = `--${boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\nMore details <b>here</b>\r\n--${boundary}--\r\n`;
      const post = await rt.app.inject({ method: 'POST', url: `/reporter/${reporter_token}`, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
      assert.equal(post.statusCode, 303);
      const view = (await rt.app.inject({ url: `/api/v1/reporter/${reporter_token}` })).json() as { messages: { body: string }[] };
      assert.ok(view.messages.some((m) => m.body === 'More details <b>here</b>'));
    });

    test('bodies are sealed at rest: the plaintext never appears in the database', async () => {
      const marker = `secret-marker-${Date.now()}`;
      await submit(rt, 'privastream', validReport({ description: marker, title: `Title ${marker}` }));
      const rows = await rt.ctx.db.selectFrom('reports').select(['title_sealed', 'body_sealed', 'key_id']).execute();
      for (const r of rows) {
        assert.equal(Buffer.from(r.body_sealed).includes(marker), false);
        assert.equal(Buffer.from(r.title_sealed).includes(marker), false);
        assert.equal(r.key_id, 'test1');
      }
    });

    test('audit chain verifies, and detects a tampered entry', async () => {
      const ok = await rt.app.inject({ url: '/api/v1/audit/verify', headers: world.as('siteAdmin') });
      assert.equal(ok.json().ok, true, ok.body);
      await rt.ctx.db.updateTable('audit_log').set({ actor: 'mallory' }).where('seq', '=', 3).execute();
      // Entry 3 was verified already: only a full verification re-hashes it (test/integration/queue-scale.test.ts).
      const broken = (await rt.app.inject({ url: '/api/v1/audit/verify?full=true', headers: world.as('siteAdmin') })).json();
      assert.equal(broken.ok, false);
      assert.equal(broken.problems[0].seq, 3);
      assert.equal(broken.problems[0].problem, 'tampered');
    });
  });
}
