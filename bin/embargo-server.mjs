#!/usr/bin/env node
// The server, compiled: dist/app/server.js (what `npm start` runs in a checkout). In a source checkout (src/
// beside dist/) the build is first brought up to date, as bin/embargo.mjs does; an installed package runs its dist/.
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src/server/main.ts', import.meta.url))) {
  const { ensureBuilt } = await import('../scripts/dist-stamp.mjs');
  try {
    ensureBuilt(['app', 'web']);
  } catch (e) {
    process.stderr.write(`embargo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
await import('../dist/app/server.js');
