import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { REPO } from '../support/fixtures.ts';

const CASES = [
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', version: '3.1', score: 9.8, severity: 'critical' },
  { vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', version: '3.0', score: 6.1, severity: 'medium' },
  { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', version: '4.0', score: 9.3, severity: 'critical' },
];

describe('POST /api/v1/cvss', () => {
  let rt: TestServer;
  before(async () => {
    rt = await startTestRuntime(ENGINES[0] ?? assert.fail('no engine'));
  });
  after(() => rt.close());

  for (const c of CASES) {
    test(`scores ${c.vector}`, async () => {
      const res = await rt.app.inject({ method: 'POST', url: '/api/v1/cvss', payload: { vector: c.vector } });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual({ version: res.json().version, score: res.json().score, severity: res.json().severity }, { version: c.version, score: c.score, severity: c.severity });
    });
  }

  test('an invalid vector is 400 naming the metric and the allowed values', async () => {
    const res = await rt.app.inject({ method: 'POST', url: '/api/v1/cvss', payload: { vector: 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } });
    assert.equal(res.statusCode, 400);
    assert.match(JSON.stringify(res.json()), /AV.*N, A, L, P/);
  });
});

describe('embargo cvss', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin/embargo.mjs'), 'cvss', ...args], { cwd: REPO, encoding: 'utf8' });

  test('--json prints exactly one object with version, score, severity and the normalised vector', () => {
    const r = run('--json', 'CVSS:3.1/A:H/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H');
    assert.equal(r.status, 0, r.stderr);
    const parsed = JSON.parse(r.stdout);
    assert.equal(parsed.vector, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    assert.equal(parsed.score, 9.8);
    assert.equal(parsed.severity, 'critical');
    assert.equal(parsed.version, '3.1');
  });

  test('an invalid vector exits 2 with the message on stderr', () => {
    const r = run('CVSS:3.1/AV:N');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Missing mandatory metric AC/);
  });
});
