#!/usr/bin/env node
// The server, compiled: dist/app/server.js (what `npm start` runs in a checkout). In a source checkout (src/
// beside dist/) the build is first brought up to date, as bin/embargo.mjs does; an installed package runs its dist/.
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src/server/main.ts', import.meta.url))) {
  const { ensureBuilt } = await import('../scripts/dist-stamp.mjs');
  ensureBuilt(['app', 'web']);
}
await import('../dist/app/server.js');
