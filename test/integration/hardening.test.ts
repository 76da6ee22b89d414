import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, validReport, type World } from '../support/fixtures.ts';

/**
 * Hostile input that used to answer 500 or tell more than it should (issue 13, item 5): every answer is a clear 4xx
 * and the same whatever exists.
 */
const P = '/api/v1/projects/privastream';

for (const engine of ENGINES) {
  describe(`hardening on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt?.close());

    test('NUL characters in unencrypted fields, filters and login are refused with 400 naming the field, never 500', async () => {
      const intake = await rt.app.inject({ method: 'POST', url: `${P}/reports`, payload: validReport({ affected_version: '1.0\u00003', reporter_email: 'ada\u0000@example.org' }) });
      assert.equal(intake.statusCode, 400, intake.body);
      assert.deepEqual((intake.json() as { problems: { field: string }[] }).problems.map((p) => p.field).sort(), ['affected_version', 'reporter_email']);
      const filter = await rt.app.inject({ url: `${P}/reports?state=new%00`, headers: world.as('triager') });
      assert.equal(filter.statusCode, 400, filter.body);
      const login = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'admin\u0000@example.org', password: 'x' } });
      assert.equal(login.statusCode, 400, login.body);
      const form = await rt.app.inject({
        method: 'POST',
        url: `${P}/reports`,
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        payload: `--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\u0000y\r\n--b--\r\n`,
      });
      assert.equal(form.statusCode, 400, form.body);
    });

    test('multipart without a boundary is a 400, not a 500', async () => {
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports`, headers: { 'content-type': 'multipart/form-data' }, payload: 'title=x' });
      assert.equal(res.statusCode, 400, res.body);
    });
  });
}
