import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from '../schemas.ts';

export const GhsaImportResultSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      ghsa_id: Type.String(),
      tracking_id: Type.String(),
      outcome: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged')]),
    }),
  ),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
});
export type GhsaImportResultJson = Static<typeof GhsaImportResultSchema>;

/** A project's GitHub source as answered: never the token. */
export const GhsaSourceSchema = Type.Object({
  repository: Type.String(),
  api_url: Type.String({ description: 'EMBARGO_GITHUB_API_URL of this instance' }),
  token_set: Type.Boolean(),
  updated_by: Type.String(),
  updated_at: DateTime(),
  last_synced_at: Nullable(DateTime()),
});
export type GhsaSourceJson = Static<typeof GhsaSourceSchema>;
