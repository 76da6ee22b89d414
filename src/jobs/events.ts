import type { Job } from './runner.ts';
import { dispatchEvents } from '../services/events/dispatch.ts';

/** Fans project events out into webhook deliveries and maintainer mails (src/services/events/dispatch.ts). */
export const eventsJob: Job = {
  name: 'events',
  intervalMs: 2_000,
  tick: (ctx) => dispatchEvents(ctx, 100),
};
