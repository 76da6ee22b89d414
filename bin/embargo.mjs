#!/usr/bin/env node
// The CLI runs compiled: dist/app/cli.js (scripts/build.ts). In a source checkout (src/ beside dist/) it is first
// rebuilt if any of its sources changed since the last build (a stat per input when nothing did; see
// scripts/dist-stamp.mjs); an installed package has no src/ and runs its dist/ as shipped.
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src/cli/main.ts', import.meta.url))) {
  const { ensureBuilt } = await import('../scripts/dist-stamp.mjs');
  try {
    ensureBuilt(['app'], { quiet: true });
  } catch (e) {
    process.stderr.write(`embargo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
await import('../dist/app/cli.js');
