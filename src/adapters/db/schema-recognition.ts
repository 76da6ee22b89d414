import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type Bytes = Uint8Array;

/** One reward decision on a report (migration 0008); amounts in minor units of their currency. */
export interface BountyEntriesTable {
  id: string;
  project_id: string;
  report_id: string;
  state: string;
  severity: string | null;
  range_currency: string | null;
  range_min_minor: number | null;
  range_max_minor: number | null;
  range_rewards: Json<string[]>;
  reward_kind: string | null;
  amount_minor: number | null;
  currency: string | null;
  reward_items: Json<string[]>;
  outside_range: ColumnType<boolean, boolean | undefined, boolean>;
  reason: string | null;
  payment_reference: string | null;
  closing_reason: string | null;
  /** JSON of `BountyReporter`, sealed with AAD `bounty:<id>:reporter`. */
  reporter_sealed: Bytes;
  key_id: string;
  proposed_at: Timestamp | null;
  awarded_at: Timestamp | null;
  approved_at: Timestamp | null;
  paid_at: Timestamp | null;
  closed_at: Timestamp | null;
  awarded_by: string | null;
  approved_by: string | null;
  paid_by: string | null;
  closed_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One address on a project's advisory mailing list (migration 0008). */
export interface MailingListSubscribersTable {
  id: string;
  project_id: string;
  email_hash: string;
  /** Sealed with AAD `subscriber:<id>:email`. */
  email_sealed: Bytes;
  key_id: string;
  state: string;
  confirm_token_hash: string | null;
  confirm_expires_at: Timestamp | null;
  confirmation_sent_at: Timestamp | null;
  unsubscribe_token_hash: string;
  /** Sealed with AAD `subscriber:<id>:unsubscribe`: every announcement carries it. */
  unsubscribe_token_sealed: Bytes;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  unsubscribed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface RecognitionTables {
  bounty_entries: BountyEntriesTable;
  mailing_list_subscribers: MailingListSubscribersTable;
}
