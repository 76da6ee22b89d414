import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/harness.ts';
import { REPO } from '../support/fixtures.ts';
import { freePort, startServer, type ServerProcess } from '../support/server-process.ts';

/** The walkthrough is the first block in the README that uses the setup token: the one a newcomer pastes. */
function walkthroughScript(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('SETUP='));
  assert.ok(block, 'the README has a walkthrough block');
  return block;
}

describe('the README walkthrough, pasted into a shell against a real server', () => {
  let server: ServerProcess;
  before(async () => {
    const port = await freePort();
    server = await startServer({ DATA_DIR: tempDir(), PORT: String(port), HOST: '127.0.0.1' });
  });
  after(() => server?.kill('SIGTERM'));

  test('every step answers as the README says', () => {
    const token = /setup_[A-Za-z0-9_-]+/.exec(server.stdout())?.[0];
    assert.ok(token, `the server printed a setup token: ${server.stdout()}`);
    const script = walkthroughScript()
      .replace(/^SETUP=.*$/m, `SETUP=${token}`)
      .replace(/^API=.*$/m, `API=${server.baseUrl}`)
      .replaceAll('/tmp/embargo.jar', join(tempDir(), 'jar'));
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `walkthrough failed:\n${run.stderr}\n${run.stdout}`);
    assert.match(run.stdout, /"site_admin":true/);
    assert.match(run.stdout, /^Contact: mailto:security@privastream\.ai$/m);
    assert.match(run.stdout, /"tracking_id":"PRIV-\d{4}-0001"/);
    assert.match(run.stdout, /"state":"new"/);
    assert.match(run.stdout, /"error":"invalid_transition"/);
    assert.match(run.stdout, /"deadlines":\[\{"tracking_id":"PRIV-/);
    assert.match(run.stdout, /"ok":true,"entries":\d+,"problems":\[\]/);
  });
});
