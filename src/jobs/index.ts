import type { Job } from './runner.ts';

/**
 * Every background job of a server process. Add a job here (one line) and it runs on every instance; its tick
 * must be safe against other instances running the same tick (see runner.ts).
 */
export const JOBS: Job[] = [];
