import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CORE = join(ROOT, 'src', 'core');
/** The core may import itself and these pure libraries only. */
const ALLOWED_PACKAGES = new Set(['yaml']);

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

test('src/core is pure: no node: modules, frameworks, I/O, process or clock reads', () => {
  const offences: string[] = [];
  for (const file of files(CORE)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
      const spec = m[1] ?? '';
      if (spec.startsWith('.')) continue;
      if (!ALLOWED_PACKAGES.has(spec)) offences.push(`${relative(ROOT, file)} imports ${spec}`);
    }
    if (/\bprocess\./.test(text)) offences.push(`${relative(ROOT, file)} reads process`);
    if (/Date\.now\(\)|new Date\(\)/.test(text)) offences.push(`${relative(ROOT, file)} reads the clock`);
  }
  assert.deepEqual(offences, []);
});

test('nothing in src/core imports from adapters, services, server or cli', () => {
  const offences = files(CORE).filter((f) => /from\s+['"][./]*(adapters|services|server|cli)\//.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offences.map((f) => relative(ROOT, f)), []);
});
