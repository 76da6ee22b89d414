import type { AuditVerification } from '../services/audit/audit-log.ts';
import type { AuditEntry, AuditVerify, ProjectAuditEntry } from './schemas/audit.ts';

type AuditRow = { seq: number | string | bigint; at: Date; actor: string; action: string; report_id: string | null; data: unknown; hash: string };

/** One entry of a report's trail (the report is implied), with its actor's name when the service found it. */
export const presentReportAuditEntry = (r: AuditRow & { actorName?: string | null }): AuditEntry => ({
  seq: Number(r.seq),
  at: r.at.toISOString(),
  actor: r.actor,
  ...(r.actorName !== undefined ? { actor_name: r.actorName } : {}),
  action: r.action,
  data: r.data as AuditEntry['data'],
});

/** One entry of a project's trail, with the report it concerns and its chain hash. */
export const presentProjectAuditEntry = (r: AuditRow): ProjectAuditEntry => ({ ...presentReportAuditEntry(r), report_id: r.report_id, hash: r.hash });

/** The answer of a verification of the chain (the API's, and `embargo audit verify --json`'s). */
export const presentAuditVerification = (v: AuditVerification): AuditVerify => ({
  ok: v.problems.length === 0,
  entries: v.entries,
  problems: v.problems,
  full: v.full,
  checked: v.checked,
  from_seq: v.fromSeq,
  checkpoint_seq: v.checkpoint.seq,
});
