import { publishDueAdvisories } from '../services/advisories/publishing.ts';
import type { Job } from './runner.ts';

/** Publishes scheduled advisories at their embargo date; the claim in the service makes it exactly-once. */
export const publishAdvisoriesJob: Job = {
  name: 'publish-advisories',
  intervalMs: 60_000,
  tick: (ctx) => publishDueAdvisories(ctx),
};
