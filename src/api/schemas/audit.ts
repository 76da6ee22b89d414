import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from '../schemas.ts';

/** Response schemas of the audit trail. `data` is what the action recorded: open-ended, sent whole. */
const Data = Type.Record(Type.String(), Type.Unknown(), { description: 'what the action recorded' });

export const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: DateTime(),
  actor: Type.String({ description: 'as recorded (and hashed): `user:<id>`, `reporter`, `system`, …' }),
  actor_name: Type.Optional(Nullable(Type.String({ description: "a report's trail: the user's name, when the actor is a user" }))),
  action: Type.String(),
  data: Data,
});
export const ProjectAuditEntrySchema = Type.Object({ ...AuditEntrySchema.properties, report_id: Nullable(Type.String()), hash: Type.String() });
export const AuditListSchema = Type.Object({ entries: Type.Array(AuditEntrySchema) });
export const ProjectAuditListSchema = Type.Object({ entries: Type.Array(ProjectAuditEntrySchema) });
export const AuditVerifySchema = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer({ description: 'entries in the verified chain (up to the head)' }),
  problems: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      problem: Type.Union([Type.Literal('tampered'), Type.Literal('broken-link'), Type.Literal('missing'), Type.Literal('head-mismatch')]),
      message: Type.String(),
    }),
  ),
  full: Type.Boolean({ description: 'whether the whole chain was checked, or only from the checkpoint on' }),
  checked: Type.Integer({ description: 'entries hashed by this verification' }),
  from_seq: Type.Integer({ description: 'the first entry checked' }),
  checkpoint_seq: Type.Integer({ description: 'the last entry known intact after this verification' }),
});

export type AuditEntry = Static<typeof AuditEntrySchema>;
export type ProjectAuditEntry = Static<typeof ProjectAuditEntrySchema>;
export type AuditList = Static<typeof AuditListSchema>;
export type ProjectAuditList = Static<typeof ProjectAuditListSchema>;
export type AuditVerify = Static<typeof AuditVerifySchema>;
