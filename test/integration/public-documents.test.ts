import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy } from '../support/fixtures.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';
import { validateSecurityTxt } from '../../src/core/policy/render-security-txt.ts';

describe('public policy documents and API description', () => {
  let rt: TestServer;
  before(async () => {
    rt = await startTestRuntime(ENGINES[0] ?? assert.fail('no engine'));
    const withHost = examplePolicy('privastream').replace('  tracking_prefix: PRIV', '  tracking_prefix: PRIV\n  hosts: [privastream.example]');
    await savePolicy(rt.ctx, withHost, 'test');
    await savePolicy(rt.ctx, examplePolicy('taehv'), 'test');
  });
  after(() => rt.close());

  test('security.txt by path is valid RFC 9116, with Canonical and Policy on an https deployment', async () => {
    const res = await rt.app.inject({ url: '/projects/taehv/.well-known/security.txt' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.deepEqual(validateSecurityTxt(res.body, rt.clock.now), []);
    assert.match(res.body, /^Canonical: https:\/\/embargo\.test\/projects\/taehv\/\.well-known\/security\.txt$/m);
    assert.match(res.body, /^Policy: https:\/\/embargo\.test\/api\/v1\/projects\/taehv\/security\.md$/m);
  });

  test('security.txt offers the web report form as a Contact on an https deployment, after the policy\'s own contacts', async () => {
    const res = await rt.app.inject({ url: '/projects/taehv/.well-known/security.txt' });
    const contacts = res.body.split('\n').filter((l) => l.startsWith('Contact: '));
    assert.ok(contacts.includes('Contact: https://embargo.test/p/taehv/report'), res.body);
    assert.notEqual(contacts[0], 'Contact: https://embargo.test/p/taehv/report', 'the policy\'s own contact comes first');
    assert.deepEqual(validateSecurityTxt(res.body, rt.clock.now), []);
  });

  test('security.txt points at the CSAF provider metadata and, when the policy keeps one, the Hall of Fame page', async () => {
    const taehv = await rt.app.inject({ url: '/projects/taehv/.well-known/security.txt' });
    assert.match(taehv.body, /^CSAF: https:\/\/embargo\.test\/\.well-known\/csaf\/provider-metadata\.json$/m);
    assert.match(taehv.body, /^Acknowledgments: https:\/\/embargo\.test\/projects\/taehv\/hall-of-fame$/m);
    // privastream keeps no Hall of Fame: no Acknowledgments line points at a page that would answer 404.
    const priv = await rt.app.inject({ url: '/projects/privastream/.well-known/security.txt' });
    assert.doesNotMatch(priv.body, /^Acknowledgments:/m);
    assert.match(priv.body, /^CSAF: /m);
    const hof = await rt.app.inject({ url: '/projects/taehv/hall-of-fame' });
    assert.equal(hof.statusCode, 200);
  });

  test('security.txt by host name belongs to the project that claims the host', async () => {
    const res = await rt.app.inject({ url: '/.well-known/security.txt', headers: { host: 'privastream.example' } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /^Contact: mailto:security@privastream\.ai$/m);
    const unknown = await rt.app.inject({ url: '/.well-known/security.txt', headers: { host: 'nobody.example' } });
    assert.equal(unknown.statusCode, 404);
  });

  test('SECURITY.md is rendered from the stored policy', async () => {
    const res = await rt.app.inject({ url: '/api/v1/projects/privastream/security.md' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /\| 1\.0\.x \| Supported \|/);
    assert.match(res.body, /48 hours/);
  });

  test('a policy update with problems is 422 listing each problem with its line, and changes nothing', async () => {
    const { createUser } = await import('../../src/services/access/users.ts');
    const { createApiToken } = await import('../../src/services/access/tokens.ts');
    const admin = await createUser(rt.ctx, { email: 'docs-admin@example.org', name: 'Docs', password: 'correct horse battery staple', siteAdmin: true }, 'test');
    const { token } = await createApiToken(rt.ctx, admin, 'test');
    const broken = examplePolicy('taehv').replace('within: 48h', 'within: soon').replace('timezone: UTC', 'timezone: Mars/Olympus');
    const res = await rt.app.inject({ method: 'PUT', url: '/api/v1/projects/taehv/policy', headers: { authorization: `Bearer ${token}` }, payload: { policy_yaml: broken } });
    assert.equal(res.statusCode, 422, res.body);
    const problems = res.json().problems as Array<{ field: string; line: number }>;
    assert.ok(problems.length >= 2, JSON.stringify(problems));
    assert.ok(problems.every((p) => Number.isInteger(p.line) && p.line > 0));
    const stored = await rt.app.inject({ url: '/api/v1/projects/taehv/policy' });
    assert.equal(stored.body, examplePolicy('taehv'));
  });

  test('the OpenAPI description covers the API routes and the docs UI is served', async () => {
    const spec = (await rt.app.inject({ url: '/api/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
    assert.match(spec.openapi, /^3\./);
    for (const path of ['/api/v1/projects/{slug}/reports', '/api/v1/reporter/{token}', '/api/v1/projects/{slug}/sla', '/api/v1/cvss', '/api/v1/audit/verify']) {
      assert.ok(path in spec.paths, `${path} missing from OpenAPI`);
    }
    const ui = await rt.app.inject({ url: '/api/docs' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
    assert.doesNotMatch(ui.headers['content-security-policy'] as string, /https:|validator\.swagger\.io/);
  });
});
