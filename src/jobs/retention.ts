import type { Job } from './runner.ts';
import { retentionTick } from '../services/retention/retention.ts';

/** Erases reporters' contact data of reports closed longer than the policy's retention (docs/retention.md). */
export const retentionJob: Job = {
  name: 'retention',
  intervalMs: 60 * 60_000,
  tick: (ctx) => retentionTick(ctx),
};
