import type { AdvisoryCveInfo } from '../services/cve/advisory-cve.ts';
import type { CveSettingsInfo } from '../services/cve/credentials.ts';
import type { AdvisoryCveJson, CveSettingsJson } from './schemas/cve.ts';

export const presentCveSettings = (s: CveSettingsInfo): CveSettingsJson => ({
  configured: s.configured,
  base_url: s.baseUrl,
  cna_short_name: s.cnaShortName,
  cna_org_id: s.cnaOrgId,
  api_user: s.apiUser,
  has_api_key: s.hasApiKey,
  record_version: s.recordVersion,
  record_version_is_default: s.recordVersionIsDefault,
  allowed_base_urls: s.allowedBaseUrls,
  updated_by: s.updatedBy,
  updated_at: s.updatedAt?.toISOString() ?? null,
});

export const presentAdvisoryCve = (c: AdvisoryCveInfo): AdvisoryCveJson => ({
  cve_id: c.cveId,
  is_cna: c.isCna,
  reserved: c.reserved ? { cve_id: c.reserved.cveId, state: c.reserved.state, reserved_by: c.reserved.reservedBy, reserved_by_name: c.reserved.reservedByName, reserved_at: c.reserved.reservedAt.toISOString() } : null,
  publications: c.publications.map((p) => ({
    id: p.id,
    action: p.action,
    status: p.status,
    attempts: p.attempts,
    last_status: p.lastStatus,
    last_error: p.lastError,
    next_attempt_at: p.nextAttemptAt?.toISOString() ?? null,
    created_at: p.createdAt.toISOString(),
    done_at: p.doneAt?.toISOString() ?? null,
  })),
  request: c.request
    ? { cna: c.request.cna, form_url: c.request.formUrl, fields: c.request.fields, text: c.request.text, requested_at: c.request.requestedAt?.toISOString() ?? null, requested_by: c.request.requestedBy }
    : null,
});
