import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isDomainError } from '../../../src/core/errors.ts';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import { parseLockfile } from '../../../src/core/scanner/parse-lockfile.ts';
import { parseToml } from '../../../src/core/scanner/toml.ts';
import { parseCvss } from '../../../src/core/cvss/index.ts';
import { parsePurl, purlPackage } from '../../../src/core/scanner/purl.ts';
import { cycloneDxFor, spdxFor } from '../../support/sbom.ts';
import { MAX_INPUT, mutate, rng } from '../../support/fuzz.ts';

/**
 * A fuzz pass over every pure parser of untrusted input, with a fixed seed so a failure replays: seeds are real
 * documents, mutated by byte edits, splices and repetition (nesting, aliases, long lines). Each input is bounded
 * (64 KiB); the parser must answer with a result or its own DomainError — never another exception, never a stack
 * overflow. (MIME and multipart are fuzzed through the mail intake and the HTTP server in test/integration/hardening.test.ts.)
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const ROUNDS = 150;

function fuzz(name: string, seeds: string[], parse: (input: string) => unknown, seed: number): void {
  test(`fuzz: ${name} answers every mutated input with a result or its own error`, () => {
    const random = rng(seed);
    for (let i = 0; i < ROUNDS; i++) {
      const input = mutate(seeds[i % seeds.length] ?? '', random);
      try {
        parse(input);
      } catch (e) {
        assert.ok(isDomainError(e), `${name} round ${i} (seed ${seed}) threw ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : String(e)}`);
      }
    }
  });
}

const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const policies = readdirSync(join(ROOT, 'examples', 'policies')).map((n) => readFileSync(join(ROOT, 'examples', 'policies', n), 'utf8'));
const lockfiles = [...files(join(ROOT, 'test', 'fixtures', 'scanner', 'lockfiles')), ...files(join(ROOT, 'test', 'fixtures', 'scanner', 'synthetic'))]
  .filter((f) => statSync(f).size < 400_000)
  .map((f) => ({ name: basename(f), text: readFileSync(f, 'utf8').slice(0, MAX_INPUT) }));

fuzz('policy YAML', policies, (y) => parsePolicy(y, { now: new Date('2026-03-02T09:00:00Z') }), 1);
for (const [i, { name, text }] of lockfiles.entries()) {
  // Lockfiles name their includes; a fuzzed one may name anything, and reads nothing.
  fuzz(`lockfile ${name} (${i})`, [text], (t) => parseLockfile(name, t, () => null), 100 + i);
}
// SBOMs: the real examples and generated ones (every ecosystem's purls), each parsed by content whatever its name.
const sbomPackages = [
  { ecosystem: 'npm', name: '@babel/core', version: '7.0.0' },
  { ecosystem: 'PyPI', name: 'Django', version: '2.2.16' },
  { ecosystem: 'crates.io', name: 'failure', version: '0.1.8' },
  { ecosystem: 'Go', name: 'golang.org/x/net', version: 'v0.1.0' },
] as const;
const sboms = [
  ...files(join(ROOT, 'test', 'fixtures', 'scanner', 'sbom')).map((f) => readFileSync(f, 'utf8').slice(0, MAX_INPUT)),
  cycloneDxFor(sbomPackages, '1.5', [{ type: 'library', name: 'nested', components: [{ type: 'library', name: 'inner', purl: 'pkg:maven/a/b@1' }] }]),
  spdxFor(sbomPackages),
];
fuzz('SBOMs (CycloneDX, SPDX)', sboms, (t) => parseLockfile('bom.json', t, () => null), 11);
fuzz('package URLs', ['pkg:npm/%40angular/animation@12.3.1', 'pkg:golang/github.com/gorilla/context@v1.1.1#api', 'pkg:maven/org.apache/x@1.0?packaging=jar&repository_url=https://r.example'], (t) => {
  const purl = parsePurl(t);
  return purl && purlPackage(purl);
}, 13);
fuzz('TOML', lockfiles.filter((l) => /\.lock$/.test(l.name) && /\[\[package\]\]/.test(l.text)).map((l) => l.text), (t) => parseToml(t, 'fuzz.toml'), 7);
fuzz(
  'CVSS vectors',
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:C/C:L/I:N/A:N/E:U/RL:O'],
  (v) => parseCvss(v),
  9,
);
