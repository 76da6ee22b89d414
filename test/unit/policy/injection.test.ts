import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import { renderSecurityMd } from '../../../src/core/policy/render-security-md.ts';

const yaml = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'policies', 'privastream.yaml'), 'utf8');
const NOW = new Date('2026-03-02T09:00:00Z');

test('line breaks cannot smuggle lines into security.txt: one-line fields refuse CR, LF and other control characters', () => {
  const cases: [string, string, string][] = [
    ['name: PrivaStream', 'name: "PrivaStream\\rContact: mailto:attacker@evil.test"', 'project.name'],
    ['name: PrivaStream', 'name: "PrivaStream\\nContact: mailto:attacker@evil.test"', 'project.name'],
    ['  security_txt:\n', '  security_txt:\n    extra_contacts: ["https://example.org/a\\r\\nHiring: https://evil.test"]\n', 'contacts.security_txt.extra_contacts.0'],
  ];
  for (const [from, to, field] of cases) {
    const { policy, problems } = parsePolicy(yaml.replace(from, to), { now: NOW });
    assert.equal(policy, null, to);
    assert.deepEqual(problems.map((p) => p.field), [field], to);
  }
});

test('policy text reaches SECURITY.md as text, never as raw HTML', () => {
  const evil = yaml.replace('    - Web interface components', '    - "<img src=x onerror=alert(1)> Web <b>interface</b>"');
  const { policy, problems } = parsePolicy(evil, { now: NOW });
  assert.deepEqual(problems, []);
  const md = renderSecurityMd(policy!, { now: NOW, reportUrl: 'https://embargo.test/p/privastream/report' });
  assert.doesNotMatch(md, /<img|<b>/);
  assert.match(md, /&lt;img src=x onerror=alert\(1\)> Web &lt;b>interface&lt;\/b>/);
});
