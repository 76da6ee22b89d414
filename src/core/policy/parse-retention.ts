import { asMap, asNumber, type Field, type ReadContext } from './yaml-reader.ts';
import type { RetentionSettings } from './types.ts';

const RETENTION_KEYS = ['reporter_contact_days_after_close'] as const;

/** The period docs and the example suggest: a year after a report closes. */
export const SUGGESTED_RETENTION_DAYS = 365;

/**
 * Retention is asked for, never assumed (docs/retention.md): without the key nothing is erased, so an upgrade
 * never starts erasing the contact data of reports a project closed years ago.
 */
export function parseRetention(ctx: ReadContext, field: Field | undefined): RetentionSettings | undefined {
  const map = field && asMap(ctx, field, RETENTION_KEYS);
  if (!map) return undefined;
  const days = map.get('reporter_contact_days_after_close');
  if (!days) {
    ctx.report(field as Field, 'needs reporter_contact_days_after_close (days after a report closes, e.g. 365)');
    return undefined;
  }
  const n = asNumber(ctx, days, { integer: true, min: 1, max: 36500 });
  return n === undefined ? undefined : { reporter_contact_days_after_close: n };
}
