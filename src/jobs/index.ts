import type { Job } from './runner.ts';
import { publishAdvisoriesJob } from './publish-advisories.ts';
import { remindersJob } from './reminders.ts';
import { outboxJob } from './outbox.ts';
import { announceAdvisoriesJob } from './announce-advisories.ts';
import { triageJob } from './triage.ts';

/**
 * Every background job of a server process. Add a job here (one line) and it runs on every instance; its tick
 * must be safe against other instances running the same tick (see runner.ts).
 */
export const JOBS: Job[] = [triageJob, publishAdvisoriesJob, remindersJob, announceAdvisoriesJob, /* last: sends what the jobs before it queued */ outboxJob];
