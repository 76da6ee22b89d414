import { Type, type Static } from '@sinclair/typebox';
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS } from '../../core/notifications/events.ts';
import { DateTime, Nullable } from '../schemas.ts';

export const EventTypeEnum = Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e)));
export const WebhookFormatEnum = Type.Union(WEBHOOK_FORMATS.map((f) => Type.Literal(f)), { description: 'json: the signed event; slack: {text}; matrix: {msgtype, body, text, html}' });

/** A webhook as answered (../present-webhooks.ts): never its secret, and its URL with the path hidden. */
export const WebhookSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String({ description: 'scheme, host and port; the path (which may hold a token) is shown as …' }),
  format: WebhookFormatEnum,
  events: Type.Array(EventTypeEnum),
  active: Type.Boolean(),
  created_by: Type.String(),
  created_at: DateTime(),
  updated_at: DateTime(),
});
export const WebhookListSchema = Type.Object({ webhooks: Type.Array(WebhookSchema), event_types: Type.Array(EventTypeEnum) });

export const DeliveryAttemptSchema = Type.Object({
  attempt: Type.Integer(),
  at: DateTime(),
  status_code: Nullable(Type.Integer()),
  duration_ms: Type.Integer(),
  error: Nullable(Type.String()),
});
export const DeliverySchema = Type.Object({
  id: Type.String({ format: 'uuid', description: 'the X-Embargo-Delivery header: receivers deduplicate by it' }),
  event: Type.String(),
  status: Type.String({ description: 'pending, sending, delivered or failed' }),
  attempts: Type.Array(DeliveryAttemptSchema),
  next_attempt_at: Nullable(DateTime()),
  created_at: DateTime(),
  delivered_at: Nullable(DateTime()),
  redelivery_of: Nullable(Type.String({ format: 'uuid' })),
});
export const DeliveryListSchema = Type.Object({ deliveries: Type.Array(DeliverySchema) });

export type WebhookJson = Static<typeof WebhookSchema>;
export type WebhookList = Static<typeof WebhookListSchema>;
export type DeliveryJson = Static<typeof DeliverySchema>;
export type DeliveryList = Static<typeof DeliveryListSchema>;
