import { asMap, asNumber, type Field, type ReadContext } from './yaml-reader.ts';
import type { RetentionSettings } from './types.ts';

const RETENTION_KEYS = ['reporter_contact_days_after_close'] as const;

/** A year after a report closes, its reporter's contact data is erased (docs/retention.md). */
export const DEFAULT_RETENTION: RetentionSettings = { reporter_contact_days_after_close: 365 };

export function parseRetention(ctx: ReadContext, field: Field | undefined): RetentionSettings {
  const map = field && asMap(ctx, field, RETENTION_KEYS);
  if (!map) return { ...DEFAULT_RETENTION };
  const days = map.get('reporter_contact_days_after_close');
  return { reporter_contact_days_after_close: (days && asNumber(ctx, days, { integer: true, min: 1, max: 36500 })) ?? DEFAULT_RETENTION.reporter_contact_days_after_close };
}

/** The retention a stored policy asks for (documents stored before the key existed get the default). */
export const retentionOf = (policy: { retention?: RetentionSettings }): RetentionSettings => policy.retention ?? DEFAULT_RETENTION;
