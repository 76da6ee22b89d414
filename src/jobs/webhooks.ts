import type { Job } from './runner.ts';
import { deliverDueWebhooks } from '../services/webhooks/deliver.ts';

/** POSTs due webhook deliveries, retrying with backoff (src/services/webhooks/deliver.ts). */
export const webhooksJob: Job = {
  name: 'webhooks',
  intervalMs: 2_000,
  tick: (ctx) => deliverDueWebhooks(ctx, 20),
};
