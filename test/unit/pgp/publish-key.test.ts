import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSecurityMd } from '../../../src/core/policy/render-security-md.ts';
import { renderSecurityTxt } from '../../../src/core/policy/render-security-txt.ts';
import { EXAMPLE_NAMES, loadExample } from '../policy/examples.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const KEY = { fingerprint: '0123456789ABCDEF0123456789ABCDEF01234567', url: 'https://embargo.example.org/projects/demo/pgp-key.asc' };

/** The key Embargo holds replaces whatever the policy says about PGP (on-request, none, published elsewhere). */
for (const name of EXAMPLE_NAMES) {
  test(`${name}: SECURITY.md publishes the project key's fingerprint and URL when there is one`, () => {
    const policy = loadExample(name);
    const md = renderSecurityMd(policy, { now: NOW, projectKey: KEY });
    assert.match(md, /## Encrypted Communication\n\nOur PGP key \(fingerprint `0123456789ABCDEF0123456789ABCDEF01234567`\) is published at /);
    assert.ok(md.includes(KEY.url));
    assert.doesNotMatch(md, /available upon request|do not currently offer PGP/);
    assert.equal((md.match(/## Encrypted Communication/g) ?? []).length, 1);
    const without = renderSecurityMd(policy, { now: NOW });
    assert.ok(!without.includes(KEY.fingerprint));
  });

  test(`${name}: security.txt lists the key URL first under Encryption`, () => {
    const txt = renderSecurityTxt(loadExample(name), { now: NOW, encryptionUrl: KEY.url });
    const encryption = txt.split('\n').filter((l) => l.startsWith('Encryption: '));
    assert.equal(encryption[0], `Encryption: ${KEY.url}`);
  });
}
