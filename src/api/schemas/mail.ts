import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from '../schemas.ts';

/** Outgoing mail of a project (../present-mail.ts). */
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
  created_at: DateTime(),
  next_attempt_at: DateTime(),
  sent_at: Nullable(DateTime()),
});
export const OutboxListSchema = Type.Object({ mails: Type.Array(OutboxItemSchema) });

export type OutboxItem = Static<typeof OutboxItemSchema>;
export type OutboxList = Static<typeof OutboxListSchema>;
