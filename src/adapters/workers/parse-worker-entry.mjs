// Run from source only: worker threads on Node 20 do not inherit the TypeScript loader (tsx) that the main thread
// registered with --import, so the worker registers it itself before loading the TypeScript worker. The compiled
// build (scripts/build.ts) runs dist/app/parse-worker.js instead, without tsx (parse-pool.ts chooses).
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
