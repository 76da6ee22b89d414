import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { compare, reasonsFor, type Corpus } from '../../../src/core/triage/similarity.ts';
import { kindOfHash, signText } from '../../../src/core/triage/signature.ts';

// Any 32-bit hash serves the core; the product's is an HMAC (adapters/crypto/term-hash.ts).
const hash = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0);
const sign = (t: string) => signText(t, hash);
const flat: Corpus = { reports: 100, df: () => 1 };

describe('triage similarity', () => {
  test('identical texts score 1; unrelated ones 0', () => {
    const a = sign('heap overflow in parse_header of ingest.c');
    assert.equal(compare(a.signature, a.signature, flat).score, 1);
    assert.equal(compare(a.signature, sign('cookie without the secure flag').signature, flat).score, 0);
  });

  test('a terse re-write contained in the original scores by containment', () => {
    const long = sign('The ingest copies the chunk header into a fixed buffer in parse_header() without checking the declared length, so a crafted chunk overwrites the heap. Tested on 2.4.1.');
    const terse = sign('parse_header overflows its buffer on a crafted chunk header (2.4.1)');
    const sim = compare(terse.signature, long.signature, flat);
    assert.ok(sim.containment > 0.6, String(sim.containment));
    assert.ok(sim.score > 0.45, String(sim.score));
  });

  test('two reports naming different advisory ids score half as much', () => {
    const a = sign('CVE-2024-0001: overflow in parse_header of ingest.c');
    const b = sign('CVE-2024-0002: overflow in parse_header of ingest.c');
    const c = sign('overflow in parse_header of ingest.c');
    const ab = compare(a.signature, b.signature, flat);
    const ac = compare(a.signature, c.signature, flat);
    assert.ok(ab.differentIds && !ac.differentIds);
    assert.ok(ab.score < ac.score / 1.5, `${ab.score} vs ${ac.score}`);
  });

  test('different kinds of flaw in the same words score less, and say so', () => {
    const xss = sign('the title field of the upload form allows cross-site scripting');
    const dos = sign('the title field of the upload form allows a denial of service');
    const sim = compare(xss.signature, dos.signature, flat);
    assert.ok(sim.differentFlaws);
    assert.ok(reasonsFor(sim, xss.termOf).includes('but they describe different kinds of flaw'));
  });

  test('common words weigh less than rare ones (document frequency)', () => {
    const a = sign('privastream ingest crash in parse_header');
    const b = sign('privastream ingest crash in decode_frame');
    const c = sign('other words entirely crash in parse_header');
    const common = new Set([...sign('privastream ingest crash').signature.hashes]);
    const corpus: Corpus = { reports: 1000, df: (h) => (common.has(h) ? 900 : 1) };
    assert.ok(compare(a.signature, c.signature, corpus).score > compare(a.signature, b.signature, corpus).score);
  });

  test('reasons name shared identifiers from the new report, then the share of wording', () => {
    const a = sign('CVE-2024-1234 overflow in parse_header (src/rtmp/ingest.c) since 2.4.1');
    const b = sign('parse_header in rtmp/ingest.c overflows, CVE-2024-1234, version 2.4.1');
    const reasons = reasonsFor(compare(a.signature, b.signature, flat), a.termOf);
    assert.deepEqual(reasons.slice(0, 4), ['same CVE id CVE-2024-1234', 'same function name `parse_header`', 'same file `rtmp/ingest.c`', 'same version 2.4.1']);
    assert.match(reasons.at(-1) ?? '', /^\d+% of the distinctive wording shared$/);
  });

  test('reasons spell identifiers as the new report wrote them; matching ignores case', () => {
    const a = sign('renderDisplayName() in src/Chat/Names.ts does not escape');
    const b = sign('renderdisplayname() in chat/names.ts');
    assert.deepEqual(reasonsFor(compare(a.signature, b.signature, flat), a.termOf).slice(0, 2), ['same function name `renderDisplayName`', 'same file `Chat/Names.ts`']);
  });

  test("a hash carries its term's kind, whatever the hash function", () => {
    const { termOf } = sign('CVE-2024-1234 in parse_header, file a.c, 1.2.3, github.com/a/b, xss');
    for (const [h, t] of termOf) assert.equal(kindOfHash(h), t.kind === 'ghsa' ? 'advisory' : t.kind);
  });
});
