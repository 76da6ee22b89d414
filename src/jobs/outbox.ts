import type { Job } from './runner.ts';
import { drainOutbox } from '../services/mail/delivery.ts';

/** Sends queued mail (src/services/mail/outbox.ts); a process without mail settings sends nothing. */
export const outboxJob: Job = {
  name: 'outbox',
  intervalMs: 5_000,
  tick: (ctx) => drainOutbox(ctx, 20),
};
