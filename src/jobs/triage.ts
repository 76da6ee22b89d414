import type { Job } from './runner.ts';
import { signPendingReports } from '../services/triage/signing.ts';

/**
 * Signs new reports and finds their duplicate candidates (services/triage/signing.ts) shortly after intake
 * commits; a full batch runs the next tick at once, so a burst drains without waiting an interval.
 */
export const triageJob: Job = {
  name: 'triage',
  intervalMs: 2_000,
  tick: (ctx) => signPendingReports(ctx),
};
