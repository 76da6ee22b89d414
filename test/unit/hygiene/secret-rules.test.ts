import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SECRET_RULES } from '../../../src/core/hygiene/secret-rules.ts';
import { entropy, scanSecrets } from '../../../src/core/hygiene/secrets.ts';
import { rng } from '../../support/fuzz.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Fake credentials are assembled here from parts, so this repository holds no string a secret scanner takes
 * for a real one. `mix(n, seed)` is a deterministic high-entropy run of letters and digits.
 */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function mix(n: number, seed: number, alphabet = ALNUM): string {
  const random = rng(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return s;
}
const j = (...parts: string[]): string => parts.join('');
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const pemBody = Array.from({ length: 4 }, (_, i) => mix(64, 40 + i, `${ALNUM}+/`)).join('\n');

/** Per rule: a line it must find (true positive) and a similar line it must not (false positive). */
const CASES: Record<string, { found: string; notFound: string }> = {
  'aws-access-key-id': { found: j('key = "', 'AK', 'IA', mix(16, 1, B32), '"'), notFound: j('key = "', 'AK', 'IA', 'IOSFODNN7', 'EXAMPLE', '"') },
  'aws-secret-access-key': { found: j('aws_secret_access_key = ', mix(40, 2, `${ALNUM}/+`)), notFound: j('aws_secret_access_key = ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY', 'EXAMPLEKEY') },
  'github-token': { found: j('GH = "', 'gh', 'p_', mix(36, 3), '"'), notFound: j('GH = "', 'gh', 'p_', 'x'.repeat(36), '"') },
  'gitlab-token': { found: j('token: ', 'gl', 'pat-', mix(20, 4)), notFound: j('prefix: ', 'gl', 'pat-', '<your-token-here-now>') },
  'slack-token': { found: j('slack = ', 'xo', 'xb-', '123456789012-', mix(24, 5)), notFound: j('slack = ', 'xo', 'xb-', '000000-', 'aaaaaaaaaaaaaaaa') },
  'slack-webhook': { found: j('url = ', 'https://hooks.', 'slack.com/services/', 'T', mix(8, 6, B32), '/B', mix(8, 7, B32), '/', mix(24, 8)), notFound: 'url = https://hooks.slack.com/services/T000/B000/xyz' },
  'stripe-live-key': { found: j('STRIPE = "', 'sk', '_live_', mix(24, 9), '"'), notFound: j('STRIPE = "', 'sk', '_test_', mix(24, 9), '"') },
  'google-api-key': { found: j('maps = "', 'AI', 'za', mix(35, 10), '"'), notFound: j('maps = "', 'AI', 'za', '-'.repeat(35), '"') },
  'private-key': { found: j('-----BEGIN ', 'RSA PRIVATE', ' KEY-----\n', pemBody, '\n-----END RSA PRIVATE KEY-----'), notFound: j('const marker = "-----BEGIN ', 'PRIVATE', ' KEY-----";') },
  'generic-secret': { found: j('DB_PASSWORD = "', mix(20, 11), '"'), notFound: 'DB_PASSWORD = "${DB_PASSWORD}"' },
};

test('every secret rule has a true and a false positive here (a new rule without them fails)', () => {
  assert.deepEqual(Object.keys(CASES).sort(), SECRET_RULES.map((r) => r.id).sort());
});

for (const rule of SECRET_RULES) {
  test(`secret rule ${rule.id}: finds the real shape, not its look-alike`, () => {
    const c = CASES[rule.id];
    assert.ok(c);
    const found = scanSecrets('f.txt', c.found, sha);
    assert.ok(found.some((f) => f.rule === rule.id), `${rule.id} missed its true positive: ${JSON.stringify(found)}`);
    assert.deepEqual(scanSecrets('f.txt', c.notFound, sha).filter((f) => f.rule === rule.id), []);
  });
}

test('a found secret is never shown in full: a prefix, its length and a hash', () => {
  const token = j('gh', 'p_', mix(36, 3));
  const [f] = scanSecrets('a.env', `x = ${token}\n`, sha);
  assert.ok(f);
  assert.ok(!f.message.includes(token));
  assert.ok(!JSON.stringify(f).includes(token.slice(4)));
  assert.match(f.message, /ghp_… \(40 chars, sha256:[0-9a-f]{12}\)/);
  assert.equal(f.line, 1);
});

test('placeholders, environment lookups and the allow comment are not findings', () => {
  const lines = [
    'password = os.environ["DB_PASSWORD"]',
    'token: "<your-api-token>"',
    'api_key = "{{ secrets.API_KEY }}"',
    'secret = "changeme-please"',
    'PASSWORD = "$DB_PASSWORD"',
    j('k = "', 'gh', 'p_', mix(36, 12), '"  # embargo:allow-secret'),
  ];
  assert.deepEqual(scanSecrets('c.py', lines.join('\n'), sha), []);
});

test('entropy: repeated characters are low, random ones high', () => {
  assert.ok(entropy('aaaaaaaa') < 1);
  assert.ok(entropy(mix(40, 1)) > 4.5);
});

test('long lines and many candidates stay linear', () => {
  const start = performance.now();
  scanSecrets('min.js', `${'a'.repeat(500_000)}\n${'token_'.repeat(100_000)}\n${'password="'.repeat(50_000)}`, sha);
  assert.ok(performance.now() - start < 2000, `took ${performance.now() - start} ms`);
});
