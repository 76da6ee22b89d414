import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changelogEntry, cvssTexts, cweForCategory, transitionAdvisory } from '../../../src/core/advisories/index.ts';
import { exampleAdvisories } from './example-advisories.ts';

const URL = 'https://embargo.test/projects/x/advisories/X';

test('changelog entry: ids, title, every branch outcome, score, credits, URL', () => {
  for (const { name, policy, advisory } of exampleAdvisories()) {
    const text = changelogEntry(advisory, policy, URL);
    assert.match(text, /^### Security\n\n- \*\*/, name);
    assert.ok(text.includes(advisory.id), name);
    if (advisory.cve_id) assert.ok(text.includes(`${advisory.id} / ${advisory.cve_id}`), name);
    assert.ok(text.includes(advisory.title), name);
    for (const p of advisory.affected) {
      for (const b of p.branches) {
        assert.ok(text.includes(`${b.branch}: `), `${name}: branch ${b.branch}`);
        if (b.status === 'fixed') assert.ok(text.includes(`${b.branch}: fixed in ${b.fixed}`), `${name}: ${b.branch} fix`);
      }
    }
    for (const score of cvssTexts(advisory)) assert.ok(text.includes(score), `${name}: ${score}`);
    for (const c of advisory.credits) if (c.name) assert.ok(text.includes(c.name), `${name}: credit ${c.name}`);
    assert.ok(text.includes(`Details: ${URL}`), name);
    assert.ok(!text.includes('withdrawn'), name);
  }
});

test('changelog entry: anonymous credits are counted, a withdrawal says why', () => {
  const { policy, advisory } = exampleAdvisories()[0]!;
  const anon = { ...advisory, credits: [{ name: null, type: 'finder' as const }, { name: null, type: 'reporter' as const }] };
  assert.match(changelogEntry(anon, policy, URL), /Thanks to 2 anonymous reporters\./);
  const one = { ...advisory, credits: [{ name: 'Ada', type: 'finder' as const }, { name: null, type: 'finder' as const }] };
  assert.match(changelogEntry(one, policy, URL), /Thanks to Ada, an anonymous reporter\./);
  const withdrawn = transitionAdvisory(advisory, { to: 'withdrawn', at: '2026-04-01T00:00:00Z', summary: 'Duplicate of PRIV-SA-2026-000' });
  assert.match(changelogEntry(withdrawn, policy, URL), /This advisory was withdrawn: Duplicate of PRIV-SA-2026-000/);
});

test('cweForCategory: a CWE id itself, common category ids, nothing for the rest', () => {
  const cases: [string | null, string | null][] = [
    ['CWE-79', 'CWE-79'],
    ['cwe-22', 'CWE-22'],
    ['CWE-99999', null],
    ['xss', 'CWE-79'],
    ['SQLi', 'CWE-89'],
    ['path-traversal', 'CWE-22'],
    ['ssrf', 'CWE-918'],
    ['social-engineering', null],
    ['', null],
    [null, null],
  ];
  for (const [category, cwe] of cases) assert.equal(cweForCategory(category), cwe, String(category));
});
