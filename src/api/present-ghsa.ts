import type { GhsaImportItem } from '../services/ghsa/import.ts';
import type { GhsaSourceInfo } from '../services/ghsa/source.ts';
import type { GhsaImportResultJson, GhsaSourceJson } from './schemas/ghsa.ts';

export const presentGhsaImport = (items: readonly GhsaImportItem[]): GhsaImportResultJson => ({
  items: items.map((i) => ({ ghsa_id: i.ghsaId, tracking_id: i.trackingId, outcome: i.outcome })),
  created: items.filter((i) => i.outcome === 'created').length,
  updated: items.filter((i) => i.outcome === 'updated').length,
  unchanged: items.filter((i) => i.outcome === 'unchanged').length,
});

export const presentGhsaSource = (s: GhsaSourceInfo): GhsaSourceJson => ({
  repository: s.repository,
  api_url: s.apiUrl,
  token_set: s.tokenSet,
  updated_by: s.updatedBy,
  updated_at: s.updatedAt.toISOString(),
  last_synced_at: s.lastSyncedAt?.toISOString() ?? null,
});
