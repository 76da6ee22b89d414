import { announcePublishedAdvisories } from '../services/recognition/mailing-list-announce.ts';
import type { Job } from './runner.ts';

/** Mails each newly published advisory to the project's confirmed subscribers, exactly once (see the service). */
export const announceAdvisoriesJob: Job = {
  name: 'announce-advisories',
  intervalMs: 60_000,
  tick: (ctx) => announcePublishedAdvisories(ctx),
};
