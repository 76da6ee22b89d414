import type { Job } from './runner.ts';
import { publishAdvisoriesJob } from './publish-advisories.ts';
import { remindersJob } from './reminders.ts';
import { outboxJob } from './outbox.ts';
import { announceAdvisoriesJob } from './announce-advisories.ts';
import { eventsJob } from './events.ts';
import { webhooksJob } from './webhooks.ts';
import { reporterDigestsJob } from './reporter-digests.ts';
import { osvFolderJob } from './osv-folder.ts';
import { searchIndexJob } from './search-index.ts';
import { triageJob } from './triage.ts';
import { retentionJob } from './retention.ts';
import { cvePublishJob } from './cve-publish.ts';

/**
 * Every background job of a server process. Add a job here (one line) and it runs on every instance; its tick
 * must be safe against other instances running the same tick (see runner.ts).
 */
export const JOBS: Job[] = [
  // Duplicate candidates, known advisories and quality signals of new reports (after their commit).
  triageJob,
  searchIndexJob,
  publishAdvisoriesJob,
  // After scheduled publication: an advisory published in this pass has its CVE record queued already.
  cvePublishJob,
  remindersJob,
  announceAdvisoriesJob,
  osvFolderJob,
  // Fans out the events the jobs before it (and every request) raised, into webhook deliveries and mails.
  eventsJob,
  webhooksJob,
  reporterDigestsJob,
  // Before the search index runs again (next tick): an erased report's terms are rebuilt from its erased body.
  retentionJob,
  /* last: sends what the jobs before it queued */ outboxJob,
];
