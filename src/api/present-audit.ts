import type { AuditEntry, ProjectAuditEntry } from './schemas/audit.ts';

type AuditRow = { seq: number | string | bigint; at: Date; actor: string; action: string; report_id: string | null; data: unknown; hash: string };

/** One entry of a report's trail (the report is implied). */
export const presentReportAuditEntry = (r: AuditRow): AuditEntry => ({ seq: Number(r.seq), at: r.at.toISOString(), actor: r.actor, action: r.action, data: r.data as AuditEntry['data'] });

/** One entry of a project's trail, with the report it concerns and its chain hash. */
export const presentProjectAuditEntry = (r: AuditRow): ProjectAuditEntry => ({ ...presentReportAuditEntry(r), report_id: r.report_id, hash: r.hash });
