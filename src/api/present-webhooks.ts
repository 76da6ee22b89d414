import type { DeliveryInfo, WebhookInfo } from '../services/webhooks/webhooks.ts';
import type { DeliveryJson, WebhookJson } from './schemas/webhooks.ts';

export const presentWebhook = (w: WebhookInfo): WebhookJson => ({
  id: w.id,
  url: w.urlDisplay,
  format: w.format,
  events: w.events,
  active: w.active,
  created_by: w.createdBy,
  created_at: w.createdAt.toISOString(),
  updated_at: w.updatedAt.toISOString(),
});

export const presentDelivery = (d: DeliveryInfo): DeliveryJson => ({
  id: d.id,
  event: d.event,
  status: d.status,
  attempts: d.attempts.map((a) => ({ attempt: a.attempt, at: a.at.toISOString(), status_code: a.statusCode, duration_ms: a.durationMs, error: a.error })),
  next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
  created_at: d.createdAt.toISOString(),
  delivered_at: d.deliveredAt?.toISOString() ?? null,
  redelivery_of: d.redeliveryOf,
});
