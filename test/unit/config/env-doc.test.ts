import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_DOC } from '../../../src/server/config.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SERVER = join(ROOT, 'src', 'server');
const NAME = /['"`]((?:EMBARGO_[A-Z0-9_]+)|PORT|HOST|DATA_DIR|DATABASE_URL)['"`]|env\.((?:EMBARGO_[A-Z0-9_]+)|PORT|HOST|DATA_DIR|DATABASE_URL)\b/g;

test('every variable the server configuration reads is documented in ENV_DOC', () => {
  const read = new Set<string>();
  for (const f of readdirSync(SERVER).filter((n) => n.endsWith('.ts'))) {
    for (const m of readFileSync(join(SERVER, f), 'utf8').matchAll(NAME)) read.add((m[1] ?? m[2])!);
  }
  assert.ok(read.size > 20, `found only ${read.size} variables: the pattern no longer matches how config.ts reads them`);
  assert.deepEqual([...read].filter((n) => !(n in ENV_DOC)).sort(), []);
});

test("the README's configuration table lists every variable of ENV_DOC", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
  const listed = new Set([...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]));
  assert.deepEqual(Object.keys(ENV_DOC).filter((n) => !listed.has(n)).sort(), []);
});
