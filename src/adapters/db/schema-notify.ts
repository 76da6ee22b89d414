import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** See migration 0015-webhooks for what each table is for. */
export interface ProjectEventsTable {
  id: string;
  project_id: string;
  report_id: string | null;
  type: string;
  data: Json<Record<string, unknown>>;
  occurred_at: Timestamp;
  dispatched_at: Timestamp | null;
}

export interface WebhooksTable {
  id: string;
  project_id: string;
  url_sealed: Uint8Array;
  url_display: string;
  format: 'json' | 'slack' | 'matrix';
  events: Json<string[]>;
  secret_sealed: Uint8Array;
  key_id: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  project_id: string;
  event_id: string | null;
  event: string;
  payload: Json<Record<string, unknown>>;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  claimed_until: Timestamp | null;
  last_status: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  redelivery_of: string | null;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  at: Timestamp;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** See migration 0016-notification-preferences. */
export interface NotificationPreferencesTable {
  user_id: string;
  project_id: string;
  level: 'all' | 'assigned' | 'high' | 'none';
  include_titles: boolean;
  updated_at: Timestamp;
}

export interface UserPgpKeysTable {
  user_id: string;
  fingerprint: string;
  public_key_armored: string;
  expires_at: Timestamp | null;
  created_at: Timestamp;
}

export interface ReporterDigestsTable {
  report_id: string;
  changes: Json<unknown[]>;
  next_send_at: Timestamp | null;
  last_sent_at: Timestamp | null;
}

export interface NotifyTables {
  notification_preferences: NotificationPreferencesTable;
  user_pgp_keys: UserPgpKeysTable;
  reporter_digests: ReporterDigestsTable;
  project_events: ProjectEventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
