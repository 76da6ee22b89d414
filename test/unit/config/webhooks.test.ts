import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../../src/server/config.ts';
import { checkWebhookUrl } from '../../../src/adapters/webhooks/http-post.ts';

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

test('EMBARGO_WEBHOOK_ALLOW_HOSTS: any spelling of an address matches the URL the webhook is sent to', () => {
  const entries = ['[0:0:0:0:0:0:0:1]:8080', '[::FFFF:127.0.0.1]:8081', '[::1]:8082', '127.1:8083', 'Hooks.Example.ORG:443', '10.0.0.1:80'];
  const { allowHosts } = loadConfig({ ...BASE, EMBARGO_WEBHOOK_ALLOW_HOSTS: entries.join(', ') }).webhooks;
  assert.deepEqual(allowHosts, ['[::1]:8080', '[::ffff:7f00:1]:8081', '[::1]:8082', '127.0.0.1:8083', 'hooks.example.org:443', '10.0.0.1:80']);
  // What the sender checks: the target URL, however written, against those keys.
  for (const url of ['http://[::1]:8080/', 'http://[0::1]:8080/', 'http://[::ffff:127.0.0.1]:8081/', 'http://127.0.0.1:8083/', 'https://hooks.example.org/x', 'http://10.0.0.1/']) {
    assert.doesNotThrow(() => checkWebhookUrl(url, allowHosts), url);
  }
  assert.throws(() => checkWebhookUrl('http://[::1]:9999/', allowHosts), /loopback/, 'only the listed port');
});

test('EMBARGO_WEBHOOK_ALLOW_HOSTS: an entry that is not host:port is a configuration problem', () => {
  for (const bad of ['[::1]', 'example.org', 'example.org:99999', '[::1::2]:80', 'user@example.org:80', 'example.org:80/path']) {
    const problems = problemsOf({ EMBARGO_WEBHOOK_ALLOW_HOSTS: bad });
    assert.equal(problems.length, 1, `${bad}: ${problems.join('; ')}`);
    assert.match(problems[0] ?? '', /EMBARGO_WEBHOOK_ALLOW_HOSTS entry .* must be host:port/, bad);
  }
});

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
