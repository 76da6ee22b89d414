import { Type } from '@sinclair/typebox';
import type { OutboxItem } from '../services/mail/outbox.ts';
import { Nullable } from './schemas.ts';

export const OutboxItemSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'acknowledgement, state-change, maintainer-message, reminder-due-soon, reminder-breached, bounce, …' }),
  status: Type.String({ description: 'pending, sending, sent or failed' }),
  attempts: Type.Integer(),
  to: Type.String(),
  subject: Type.String(),
  tracking_id: Nullable(Type.String()),
  encrypt_to_reporter: Type.Boolean(),
  last_error: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  next_attempt_at: Type.String({ format: 'date-time' }),
  sent_at: Nullable(Type.String({ format: 'date-time' })),
});

export const presentOutboxItem = (m: OutboxItem) => ({
  id: m.id,
  kind: m.kind,
  status: m.status,
  attempts: m.attempts,
  to: m.to,
  subject: m.subject,
  tracking_id: m.trackingId,
  encrypt_to_reporter: m.encryptToReporter,
  last_error: m.lastError,
  created_at: m.createdAt.toISOString(),
  next_attempt_at: m.nextAttemptAt.toISOString(),
  sent_at: m.sentAt?.toISOString() ?? null,
});
