import type { Job } from './runner.ts';
import { sendReporterDigests } from '../services/mail/reporter-digests.ts';

/** Reporters' status mails: every change since the last one, at most one per report per ten minutes. */
export const reporterDigestsJob: Job = {
  name: 'reporter-digests',
  intervalMs: 5_000,
  tick: (ctx) => sendReporterDigests(ctx, 50),
};
