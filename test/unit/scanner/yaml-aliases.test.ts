import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDomainError } from '../../../src/core/errors.ts';
import { readYamlLockfile } from '../../../src/core/scanner/yaml-lockfile.ts';

/** A pnpm-lock.yaml-shaped document whose packages all point at one anchored node through `count` aliases. */
const aliasBomb = (count: number): string => {
  const lines = ["lockfileVersion: '6.0'", 'settings: &s {autoInstallPeers: true, excludeLinksFromLockfile: false}', 'packages:'];
  for (let i = 0; i < count; i++) lines.push(`  /p${i}@1.0.0:`, '    resolution: *s');
  return lines.join('\n') + '\n';
};

test('YAML lockfiles: aliases are bounded, with an error naming the limit (no unbounded expansion)', () => {
  assert.throws(
    () => readYamlLockfile(aliasBomb(20_000), 'pnpm-lock.yaml'),
    (e: unknown) => isDomainError(e) && /pnpm-lock\.yaml:\d+: .*more than 1000 YAML aliases/.test(e.message),
  );
  // A few aliases, as hand-edited lockfiles may have, still read.
  const doc = readYamlLockfile(aliasBomb(3), 'pnpm-lock.yaml') as { packages: Record<string, { resolution: unknown }> };
  assert.deepEqual(doc.packages['/p2@1.0.0']?.resolution, { autoInstallPeers: 'true', excludeLinksFromLockfile: 'false' });
});

test('YAML lockfiles: nested aliases that would expand exponentially are refused', () => {
  const lines = ["lockfileVersion: '6.0'", 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  assert.throws(
    () => readYamlLockfile(lines.join('\n') + '\n', 'pnpm-lock.yaml'),
    (e: unknown) => isDomainError(e) && /pnpm-lock\.yaml:1: .*aliases expand beyond 1000/.test(e.message),
  );
});
