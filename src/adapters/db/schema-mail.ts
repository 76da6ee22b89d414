import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** See migration 0006-mail for what each table is for. */
export interface OutboxTable {
  id: string;
  kind: string;
  project_id: string | null;
  report_id: string | null;
  envelope_sealed: Uint8Array;
  key_id: string;
  encrypt_to_reporter: boolean;
  /** Migration 0016: a maintainer's notification, encrypted to their key when they registered one. */
  encrypt_to_user: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  claimed_until: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface MailReplyAddressesTable {
  report_id: string;
  token_hash: string;
  token_sealed: Uint8Array;
  key_id: string;
  reporter_hash: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface MailRemindersTable {
  report_id: string;
  deadline: string;
  due_at: string;
  threshold: string;
  sent_at: Timestamp;
}

export interface MailTables {
  outbox: OutboxTable;
  mail_reply_addresses: MailReplyAddressesTable;
  mail_reminders: MailRemindersTable;
}
