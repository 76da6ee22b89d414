import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { importCycles, importsOf, importsOfText, sourceFiles } from './import-graph.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SRC = join(ROOT, 'src');
const WEB = join(ROOT, 'web', 'src');
const rel = (f: string) => relative(ROOT, f).split(sep).join('/');
/** The top folder of a file under src/ ("core", "services", …). */
const layerOf = (file: string): string | null => {
  const r = relative(SRC, file);
  return r.startsWith('..') ? null : (r.split(sep)[0] ?? null);
};

/**
 * Directions (docs/ARCHITECTURE.md): web → api (types) and core; cli, server, http, jobs → services → adapters → core;
 * api (wire schemas and presenters) sits between http/cli and services. server is the composition root.
 */
const FORBIDDEN: Record<string, string[]> = {
  core: ['adapters', 'services', 'api', 'http', 'jobs', 'server', 'cli'],
  adapters: ['services', 'api', 'http', 'jobs', 'server', 'cli'],
  services: ['api', 'http', 'jobs', 'server', 'cli'],
  api: ['http', 'jobs', 'server', 'cli'],
  http: ['jobs', 'server', 'cli'],
  jobs: ['api', 'http', 'server', 'cli'],
  cli: ['http'],
};
/** Packages a layer may not reach for: the web framework belongs to http (and the composition root). */
const FORBIDDEN_PACKAGES: Record<string, RegExp> = {
  adapters: /^(fastify|@fastify\/)/,
  services: /^(fastify|@fastify\/)/,
  api: /^(fastify|@fastify\/)/,
  jobs: /^(fastify|@fastify\/)/,
  cli: /^(fastify|@fastify\/)/,
};
/** The core may import itself and these pure libraries only. */
const CORE_PACKAGES = new Set(['yaml']);

function layerOffences(files: string[]): string[] {
  const offences: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (!from) continue;
    for (const e of importsOf(file)) {
      if (e.spec === '<computed>') offences.push(`${rel(file)} imports a computed specifier`);
      if (e.target) {
        const to = layerOf(e.target);
        if (to && to !== from && FORBIDDEN[from]?.includes(to)) offences.push(`${rel(file)} (${from}) imports ${rel(e.target)} (${to}) [${e.kind}]`);
        if (!to) offences.push(`${rel(file)} imports outside src: ${e.spec}`);
      } else if (from === 'core' && !CORE_PACKAGES.has(e.spec)) offences.push(`${rel(file)} (core) imports ${e.spec} [${e.kind}]`);
      else if (FORBIDDEN_PACKAGES[from]?.test(e.spec)) offences.push(`${rel(file)} (${from}) imports ${e.spec} [${e.kind}]`);
    }
  }
  return offences;
}

test('the import reader sees every form of import, so no direction can be crossed unnoticed', () => {
  const f = join(SRC, 'core', 'x.ts');
  const text = [
    "import 'node:fs';",
    "const cp = await import('node:child_process');",
    "import type { A } from '../services/a.ts';",
    "export * from '../adapters/db/schema.ts';",
    "type B = import('../http/app.ts').B;",
    "// import '../cli/main.ts' in a comment is not an import",
    "const s = \"import('../server/main.ts')\";",
  ].join('\n');
  const edges = importsOfText(f, text).map((e) => `${e.kind}:${e.spec}:${e.typeOnly}`);
  assert.deepEqual(edges, [
    'side-effect:node:fs:false',
    'dynamic:node:child_process:false',
    'static:../services/a.ts:true',
    'export:../adapters/db/schema.ts:false',
    'static:../http/app.ts:true',
  ]);
});

test('layer rules catch a side-effect, dynamic or type import in the wrong direction', () => {
  // Run the same rule table over synthetic edges: each of these must be reported.
  const offences = (from: string, edges: ReturnType<typeof importsOfText>) =>
    edges.filter((e) => (e.target ? FORBIDDEN[from]?.includes(layerOf(e.target) ?? '') : from === 'core' && !CORE_PACKAGES.has(e.spec)));
  const core = join(SRC, 'core', 'x.ts');
  assert.equal(offences('core', importsOfText(core, "import 'node:fs'; await import('node:child_process'); import type {X} from '../services/a.ts';")).length, 3);
  const adapter = join(SRC, 'adapters', 'db', 'x.ts');
  assert.equal(offences('adapters', importsOfText(adapter, "await import('../../services/a.ts'); import '../../http/app.ts';")).length, 2);
});

test('every layer imports only in its allowed directions (static, side-effect, dynamic and type imports)', () => {
  assert.deepEqual(layerOffences(sourceFiles(SRC)), []);
});

test('src/core reads neither process nor the clock', () => {
  const offences: string[] = [];
  for (const file of sourceFiles(join(SRC, 'core'))) {
    const text = readFileSync(file, 'utf8');
    if (/\bprocess\./.test(text)) offences.push(`${rel(file)} reads process`);
    if (/Date\.now\(\)|new Date\(\)/.test(text)) offences.push(`${rel(file)} reads the clock`);
  }
  assert.deepEqual(offences, []);
});

test('the web UI imports only itself, the pure core, and types of the API contract', () => {
  const offences: string[] = [];
  for (const file of sourceFiles(WEB)) {
    for (const e of importsOf(file)) {
      if (e.spec === '<computed>') offences.push(`${rel(file)} imports a computed specifier`);
      if (!e.target) continue;
      if (!relative(WEB, e.target).startsWith('..')) continue;
      const layer = layerOf(e.target);
      if (layer === 'core') continue;
      if (layer === 'api' && e.typeOnly) continue;
      offences.push(`${rel(file)} imports ${rel(e.target)}${layer === 'api' ? ' (api: types only)' : ''}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('routes hand off: nothing in src/http decides project permissions itself (services call authorize)', () => {
  const offences = sourceFiles(join(SRC, 'http')).filter((f) => /\bauthorize\(/.test(readFileSync(f, 'utf8'))).map(rel);
  assert.deepEqual(offences, []);
});

test('no import cycles in src/ or web/src/', () => {
  const cycles = [...importCycles(sourceFiles(SRC)), ...importCycles(sourceFiles(WEB))].map((c) => c.map(rel).join(' ↔ '));
  assert.deepEqual(cycles, []);
});

test('the cycle finder finds a cycle', () => {
  // Over a known pair in a temporary tree, so the rule above cannot pass vacuously.
  const dir = mkdtempSync(join(tmpdir(), 'embargo-cycle-'));
  writeFileSync(join(dir, 'a.ts'), "import { b } from './b.ts'; export const a = 1;");
  writeFileSync(join(dir, 'b.ts'), "import type { a } from './a.ts'; export const b = 2;");
  writeFileSync(join(dir, 'c.ts'), "import { a } from './a.ts';");
  try {
    assert.deepEqual(importCycles(sourceFiles(dir)).map((c) => c.map((f) => relative(dir, f))), [['a.ts', 'b.ts']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
