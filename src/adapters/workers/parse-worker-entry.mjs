// Worker threads on Node 20 do not inherit the TypeScript loader (tsx) that the main thread registered with
// --import, so the worker registers it itself before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
