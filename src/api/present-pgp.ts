import type { ProjectKeyView } from '../services/pgp/project-keys.ts';
import type { ReportEncryptionView } from '../services/pgp/intake.ts';
import type { QuarantineItem } from '../services/pgp/quarantine.ts';
import type { Encryption, ProjectKey, QuarantineItem as QuarantineItemJson } from './schemas/pgp.ts';

/** Presenters of the OpenPGP feature: keys, report encryption facts, quarantine items. */

export const presentEncryption = (e: ReportEncryptionView): Encryption => ({
  encrypted: e.encrypted,
  signature: e.signature,
  signer_fingerprint: e.signerFingerprint,
  reporter_key_fingerprint: e.reporterKeyFingerprint,
});

export const presentKey = (k: ProjectKeyView, publicUrl: string | null): ProjectKey => ({
  fingerprint: k.fingerprint,
  algorithm: k.algorithm,
  user_ids: k.userIds,
  key_created_at: k.keyCreatedAt.toISOString(),
  expires_at: k.expiresAt?.toISOString() ?? null,
  origin: k.origin,
  added_at: k.createdAt.toISOString(),
  retired_at: k.retiredAt?.toISOString() ?? null,
  current: k.current,
  ...(publicUrl ? { url: publicUrl } : {}),
  public_key: k.publicKeyArmored,
});

export const presentQuarantineItem = (q: QuarantineItem, slug: string): QuarantineItemJson => ({
  id: q.id,
  channel: q.channel,
  reason_code: q.reasonCode,
  reason: q.reason,
  sender: q.sender,
  size: q.size,
  created_at: q.createdAt.toISOString(),
  resolved_at: q.resolvedAt?.toISOString() ?? null,
  resolved_by: q.resolvedBy,
  resolution: q.resolution,
  raw_url: `/api/v1/projects/${slug}/quarantine/${q.id}/raw`,
});
