import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const DIR = new URL('../../../src/core/policy/', import.meta.url);
const FORBIDDEN: [RegExp, string][] = [
  [/from 'node:|(?<![.\w])require\(['"]/, 'node: import'],
  [/\bprocess\./, 'process'],
  [/Date\.now\(|new Date\(\)/, 'clock read'],
  [/from '(fs|path|crypto)'/, 'I/O module'],
];

test('the policy module is pure: no node: imports, I/O or clock reads', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, DIR), 'utf8');
    for (const [pattern, what] of FORBIDDEN) assert.doesNotMatch(source, pattern, `${file}: ${what}`);
  }
});
