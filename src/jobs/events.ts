import type { Job } from './runner.ts';
import { dispatchEvents } from '../services/events/dispatch.ts';
import { pruneNotificationHistory } from '../services/events/prune.ts';

/**
 * Fans project events out into webhook deliveries and maintainer mails (src/services/events/dispatch.ts), then
 * prunes what is over 30 days old and done (./prune.ts).
 */
export const eventsJob: Job = {
  name: 'events',
  intervalMs: 2_000,
  tick: async (ctx) => {
    const dispatched = await dispatchEvents(ctx, 100);
    await pruneNotificationHistory(ctx);
    return dispatched;
  },
};
