import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../../src/server/config.ts';

/** EMBARGO_WEBHOOK_*: the allow-list compares like the delivery side does, and the POST time limit is bounded. */
const BASE = {
  EMBARGO_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  EMBARGO_SESSION_SECRET: randomBytes(32).toString('base64'),
  DATA_DIR: '/nonexistent-embargo-test',
};
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...BASE, ...env });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

test('EMBARGO_WEBHOOK_TIMEOUT_SECONDS is 1 to 30 s: a longer POST would hold the webhook job and outlive its lease', () => {
  assert.equal(loadConfig(BASE).webhooks.timeoutMs, 10_000);
  assert.equal(loadConfig({ ...BASE, EMBARGO_WEBHOOK_TIMEOUT_SECONDS: '1' }).webhooks.timeoutMs, 1_000);
  assert.equal(loadConfig({ ...BASE, EMBARGO_WEBHOOK_TIMEOUT_SECONDS: '30' }).webhooks.timeoutMs, 30_000);
  for (const bad of ['0', '31', '86400', '1e9', 'ten']) {
    const problems = problemsOf({ EMBARGO_WEBHOOK_TIMEOUT_SECONDS: bad });
    assert.equal(problems.length, 1, bad);
    assert.match(problems[0] ?? '', /EMBARGO_WEBHOOK_TIMEOUT_SECONDS must be an integer from 1 to 30/, bad);
  }
});
