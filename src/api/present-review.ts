import type { SenderBlock } from '../services/triage/blocks.ts';
import type { HeldItem } from '../services/reports/review.ts';
import type { HeldItem as HeldItemJson, SenderBlock as SenderBlockJson } from './schemas/review.ts';

/** Presenters of the review queue and sender blocks. */

export const presentHeldItem = (h: HeldItem): HeldItemJson => ({
  tracking_id: h.trackingId,
  reason: h.reason,
  source: h.source,
  title: h.title,
  received_at: h.receivedAt.toISOString(),
});

export const presentBlock = (b: SenderBlock): SenderBlockJson => ({
  id: b.id,
  scope: b.scope,
  kind: b.kind,
  value: b.value,
  from_report: b.fromTrackingId,
  note: b.note,
  created_by: b.createdBy,
  created_at: b.createdAt.toISOString(),
  expires_at: b.expiresAt?.toISOString() ?? null,
  lifted_at: b.liftedAt?.toISOString() ?? null,
  active: b.active,
});
