import type { Job } from './runner.ts';
import { sendDueReminders } from '../services/mail/reminders.ts';

const DEFAULT_DUE_SOON_MS = 24 * 3600_000;

/** SLA reminders to maintainers (due soon, missed, update to the reporter due); queued in the outbox. */
export const remindersJob: Job = {
  name: 'reminders',
  intervalMs: 5 * 60_000,
  tick: (ctx) => sendDueReminders(ctx, ctx.mail?.reminderDueSoonMs ?? DEFAULT_DUE_SOON_MS),
};
