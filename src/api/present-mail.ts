import type { OutboxItem } from '../services/mail/outbox.ts';
import type { OutboxItem as OutboxItemJson } from './schemas/mail.ts';

export const presentOutboxItem = (m: OutboxItem): OutboxItemJson => ({
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
