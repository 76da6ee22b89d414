import { Type, type Static } from '@sinclair/typebox';
import { CVE_RECORD_VERSIONS } from '../../core/formats/cve5.ts';
import { DateTime, Nullable } from '../schemas.ts';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
export const CveRecordVersionEnum = lit(CVE_RECORD_VERSIONS);

/** A project's CVE Services settings as answered (../present-cve.ts): never the API key, only whether one is set. */
export const CveSettingsSchema = Type.Object({
  configured: Type.Boolean({ description: 'the project has credentials: it is a CNA reserving and publishing itself' }),
  base_url: Type.String({ description: 'the CVE Services API base URL' }),
  cna_short_name: Nullable(Type.String()),
  cna_org_id: Nullable(Type.String()),
  api_user: Nullable(Type.String()),
  has_api_key: Type.Boolean({ description: 'the key is write-only: never answered' }),
  record_version: CveRecordVersionEnum,
  record_version_is_default: Type.Boolean({ description: 'true: the instance default (EMBARGO_CVE_RECORD_VERSION), not a project choice' }),
  allowed_base_urls: Type.Array(Type.String(), { description: 'production, the test environment, and the instance default' }),
  updated_by: Nullable(Type.String()),
  updated_at: Nullable(DateTime()),
});

export const CveQuotaSchema = Type.Object({
  cna_short_name: Type.String(),
  id_quota: Type.Integer(),
  total_reserved: Type.Integer(),
  available: Type.Integer(),
});

export const CvePublicationSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  action: lit(['publish', 'update', 'reject'] as const),
  status: lit(['pending', 'retrying', 'sending', 'published', 'failed'] as const),
  attempts: Type.Integer(),
  last_status: Nullable(Type.Integer({ description: "CVE Services' HTTP status of the last try (null: no answer)" })),
  last_error: Nullable(Type.String({ description: "the last try's error, CVE Services' own message" })),
  next_attempt_at: Nullable(DateTime()),
  created_at: DateTime(),
  done_at: Nullable(DateTime()),
});

export const CveRequestFieldSchema = Type.Object({ label: Type.String(), value: Type.String() });

/** An advisory's CVE section: its ID, how it was reserved, the publication queue's status, or the CNA-of-last-resort request. */
export const AdvisoryCveSchema = Type.Object({
  cve_id: Nullable(Type.String()),
  is_cna: Type.Boolean(),
  reserved: Nullable(Type.Object({ cve_id: Type.String(), state: Type.String(), reserved_by: Type.String({ description: 'the actor label, as in the audit log' }), reserved_by_name: Nullable(Type.String({ description: 'the name of the user who reserved it' })), reserved_at: DateTime() })),
  publications: Type.Array(CvePublicationSchema, { description: 'newest first, at most 10' }),
  request: Nullable(
    Type.Object({
      cna: Type.String(),
      form_url: Type.String(),
      fields: Type.Array(CveRequestFieldSchema),
      text: Type.String(),
      requested_at: Nullable(DateTime()),
      requested_by: Nullable(Type.String()),
    }),
  ),
});

export type CveSettingsJson = Static<typeof CveSettingsSchema>;
export type CveQuotaJson = Static<typeof CveQuotaSchema>;
export type CvePublicationJson = Static<typeof CvePublicationSchema>;
export type AdvisoryCveJson = Static<typeof AdvisoryCveSchema>;
