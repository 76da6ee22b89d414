import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from '../schemas.ts';

/** Response schemas of the OpenPGP feature: report encryption facts, project keys, quarantine (../present-pgp.ts). */

export const EncryptionSchema = Type.Object({
  encrypted: Type.Boolean(),
  signature: Type.String({ description: 'none, valid, invalid or unknown-key' }),
  signer_fingerprint: Nullable(Type.String()),
  reporter_key_fingerprint: Nullable(Type.String({ description: 'the public key the reporter supplied: replies to them are encrypted to it' })),
});

export const KeySchema = Type.Object({
  fingerprint: Type.String(),
  algorithm: Type.String(),
  user_ids: Type.Array(Type.String()),
  key_created_at: DateTime(),
  expires_at: Nullable(DateTime()),
  origin: Type.Union([Type.Literal('generated'), Type.Literal('imported')]),
  added_at: DateTime(),
  retired_at: Nullable(DateTime()),
  current: Type.Boolean(),
  url: Type.Optional(Type.String({ description: 'where the current key is published' })),
  public_key: Type.String({ description: 'ASCII-armored public key' }),
});
export const KeyListSchema = Type.Object({ keys: Type.Array(KeySchema) });
export const KeyRetiredSchema = Type.Object({ fingerprint: Type.String(), retired_at: DateTime() });
/** The project's current key as its public pages name it; null when it has none. */
export const KeyPublicationSchema = Nullable(Type.Object({ fingerprint: Type.String(), url: Type.String() }));

export const QuarantineItemSchema = Type.Object({
  id: Type.String(),
  channel: Type.String({ description: 'email, api or web' }),
  reason_code: Type.String(),
  reason: Type.String(),
  sender: Nullable(Type.String()),
  size: Type.Integer(),
  created_at: DateTime(),
  resolved_at: Nullable(DateTime()),
  resolved_by: Nullable(Type.String()),
  resolution: Nullable(Type.String()),
  raw_url: Type.String(),
});
export const QuarantineDetailSchema = Type.Object({ ...QuarantineItemSchema.properties, raw_base64: Type.String({ contentEncoding: 'base64' }) });
export const QuarantineListSchema = Type.Object({ items: Type.Array(QuarantineItemSchema) });

export type Encryption = Static<typeof EncryptionSchema>;
export type ProjectKey = Static<typeof KeySchema>;
export type KeyList = Static<typeof KeyListSchema>;
export type KeyRetired = Static<typeof KeyRetiredSchema>;
export type KeyPublication = Static<typeof KeyPublicationSchema>;
export type QuarantineItem = Static<typeof QuarantineItemSchema>;
export type QuarantineDetail = Static<typeof QuarantineDetailSchema>;
export type QuarantineList = Static<typeof QuarantineListSchema>;
