import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson, chainInput, GENESIS_HASH, verifyChain, type AuditEntry } from '../../../src/core/audit/chain.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function buildChain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = { seq, at: `2026-01-0${(seq % 9) + 1}T00:00:00.000Z`, actor: `user:${seq}`, action: 'report.transition', project_id: null, report_id: null, data: { to: 'acknowledged', n: seq } };
    const hash = sha(chainInput(content, prev));
    out.push({ ...content, prev_hash: prev, hash });
    prev = hash;
  }
  return out;
}

const head = (c: AuditEntry[]) => ({ seq: c.at(-1)?.seq ?? 0, hash: c.at(-1)?.hash ?? GENESIS_HASH });

test('canonical JSON sorts keys at every depth', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
});

const cases: Array<{ name: string; mutate: (c: AuditEntry[]) => { entries: AuditEntry[]; head?: { seq: number; hash: string } }; expect: string[] }> = [
  { name: 'an intact chain', mutate: (c) => ({ entries: c }), expect: [] },
  { name: 'an empty log', mutate: () => ({ entries: [], head: { seq: 0, hash: GENESIS_HASH } }), expect: [] },
  { name: 'a modified actor', mutate: (c) => ({ entries: c.map((e) => (e.seq === 3 ? { ...e, actor: 'mallory' } : e)) }), expect: ['tampered@3'] },
  { name: 'modified data', mutate: (c) => ({ entries: c.map((e) => (e.seq === 2 ? { ...e, data: { to: 'closed' } } : e)) }), expect: ['tampered@2'] },
  { name: 'a deleted middle entry', mutate: (c) => ({ entries: c.filter((e) => e.seq !== 3) }), expect: ['missing@3', 'broken-link@4'] },
  { name: 'a deleted last entry', mutate: (c) => ({ entries: c.slice(0, -1), head: head(c) }), expect: ['head-mismatch@5'] },
  {
    name: 'a rewritten entry with a recomputed hash',
    mutate: (c) => {
      const e = c[1] as AuditEntry;
      const { prev_hash, hash: _h, ...content } = { ...e, actor: 'mallory' };
      const forged = { ...content, prev_hash, hash: sha(chainInput(content, prev_hash)) };
      return { entries: c.map((x) => (x.seq === 2 ? forged : x)) };
    },
    expect: ['broken-link@3'],
  },
];

for (const c of cases) {
  test(`verifyChain: ${c.name}`, () => {
    const chain = buildChain(5);
    const { entries, head: h } = c.mutate(chain);
    const problems = verifyChain(entries, h ?? head(entries), sha);
    assert.deepEqual(problems.map((p) => `${p.problem}@${p.seq}`), c.expect);
  });
}
