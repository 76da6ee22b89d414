import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkModelFile } from '../../../src/adapters/hygiene/model-file.ts';
import { bufferSource } from '../../../src/adapters/osv/zip-entries.ts';
import { analysePickle } from '../../../src/core/hygiene/pickle.ts';
import { checkSafetensors, safetensorsHeaderLength } from '../../../src/core/hygiene/safetensors.ts';
import { sarifFindings } from '../../../src/core/hygiene/sarif.ts';
import { scanSecrets } from '../../../src/core/hygiene/secrets.ts';
import { MAX_INPUT, mutate, rng } from '../../support/fuzz.ts';

/**
 * A seeded fuzz pass over the hygiene parsers of untrusted input: pickle opcode streams, PyTorch zips, safetensors
 * headers, SARIF logs and the secret rules. Seeds are the labelled model set; inputs are mutated by byte flips,
 * inserts, cuts, splices and repetition. None may throw (broken input is a finding) or take long on 64 KiB.
 */
const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'hygiene', 'models');
const ROUNDS = 300;
const SLOW_MS = 500;
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const seeds = (pattern: RegExp): Buffer[] => readdirSync(DIR).filter((n) => pattern.test(n)).sort().map((n) => readFileSync(join(DIR, n)));

function mutateBytes(seed: Buffer, random: () => number): Buffer {
  let b = Buffer.from(seed);
  const edits = 1 + Math.floor(random() * 8);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (b.length + 1));
    const kind = random();
    if (kind < 0.3 && b.length) b[Math.min(at, b.length - 1)] = Math.floor(random() * 256);
    else if (kind < 0.45) b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(random() * 256)]), b.subarray(at)]);
    else if (kind < 0.6) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(random() * 40))]);
    else if (kind < 0.7) b = b.subarray(0, at);
    else if (kind < 0.85) {
      const frag = b.subarray(at, at + 1 + Math.floor(random() * 12));
      b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: 1 + Math.floor(random() * 500) }, () => frag), b.subarray(at)]);
    } else {
      const from = Math.floor(random() * b.length);
      b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + 1 + Math.floor(random() * 200)), b.subarray(at)]);
    }
  }
  return b.subarray(0, MAX_INPUT);
}

function fuzzBytes(name: string, inputs: Buffer[], run: (b: Buffer) => unknown, seed: number): void {
  test(`fuzz: ${name} never throws or stalls on mutated input`, () => {
    const random = rng(seed);
    for (let i = 0; i < ROUNDS; i++) {
      const input = mutateBytes(inputs[i % inputs.length] as Buffer, random);
      const start = performance.now();
      try {
        run(input);
      } catch (e) {
        assert.fail(`${name} round ${i} (seed ${seed}) threw ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : String(e)}`);
      }
      assert.ok(performance.now() - start < SLOW_MS, `${name} round ${i} took ${Math.round(performance.now() - start)} ms`);
    }
  });
}

fuzzBytes('pickle opcodes', seeds(/\.pkl$/), (b) => analysePickle(b), 22_1);
fuzzBytes('model files (pickles, PyTorch zips)', seeds(/\.(pt|pth|bin)$/), (b) => checkModelFile('m.pt', bufferSource(b)), 22_2);
fuzzBytes('safetensors headers', seeds(/\.safetensors$/), (b) => checkModelFile('m.safetensors', bufferSource(b)), 22_3);
fuzzBytes('safetensors header JSON', seeds(/^sound\.safetensors$/), (b) => checkSafetensors(b.length, b, b.length + 8 + 64), 22_4);

const sarif = JSON.stringify({
  version: '2.1.0',
  runs: [{ tool: { driver: { name: 'Semgrep', rules: [{ id: 'r1', properties: { 'security-severity': '7.5' } }] } }, results: [{ ruleId: 'r1', rule: { index: 0 }, level: 'error', message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.py' }, region: { startLine: 3 } } }], partialFingerprints: { p: 'x' } }] }],
});
test('fuzz: SARIF mapping answers every mutated (parsable) log with findings, never a throw', () => {
  const random = rng(22_5);
  for (let i = 0; i < ROUNDS; i++) {
    const text = mutate(sarif, random);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      continue;
    }
    sarifFindings(doc);
  }
  for (const odd of [null, 1, 'x', [], { runs: 5 }, { runs: [null, { results: [null, 5, { locations: 'x', rule: { index: 99 } }] }] }]) sarifFindings(odd);
});

const text = ['API_TOKEN = "', 'x'.repeat(10), '"\n-----BEGIN ', 'PRIVATE', ' KEY-----\n', 'QUJD'.repeat(40), '\n-----END PRIVATE KEY-----\naws_secret_key = ', 'A/'.repeat(20), '\n'].join('');
test('fuzz: secret scanning stays fast on mutated text', () => {
  const random = rng(22_6);
  for (let i = 0; i < ROUNDS; i++) {
    const input = mutate(text, random);
    const start = performance.now();
    scanSecrets('f', input, sha);
    assert.ok(performance.now() - start < SLOW_MS, `round ${i} took ${Math.round(performance.now() - start)} ms`);
  }
});

test('pickle: a header length past 2^53 and a stream of only MARKs stay bounded', () => {
  assert.equal(safetensorsHeaderLength(Buffer.alloc(8, 0xff)), 2 ** 64 - 1);
  const marks = analysePickle(Buffer.alloc(200_000, 0x28));
  assert.match(marks.error ?? '', /stack deeper|truncated/);
});
