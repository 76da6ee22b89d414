
import { chainInput, verifyChain, type AuditEntry, type ChainProblem } from '../../core/audit/chain.ts';
import { sha256Hex } from '../../adapters/crypto/tokens.ts';
import type { Db, DbOrTx, Tx } from '../../adapters/db/database.ts';

export interface AuditRecord {
  actor: string;
  action: string;
  projectId?: string | null;
  reportId?: string | null;
  data?: Record<string, unknown>;
}

const sha = (text: string) => sha256Hex(text);

/**
 * Appends inside the caller's transaction: the audit entry commits or rolls back with the change it records.
 * Locking the single head row serialises appends across connections and instances.
 */
export async function appendAudit(tx: Tx, rec: AuditRecord, at: Date): Promise<void> {
  await appendAuditBatch(tx, [rec], at);
}

/** Appends several entries, in order, with one head lock and one write: what a batched intake commit needs. */
export async function appendAuditBatch(tx: Tx, recs: readonly AuditRecord[], at: Date): Promise<void> {
  if (!recs.length) return;
  const head = await tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
  const chained = chainAuditRows(head, recs, at);
  // Entries and head advance in one statement (a data-modifying CTE always runs to completion): one round trip
  // fewer on every audited write, which is most of what an embedded PGlite write costs.
  await tx
    .with('entry', (db) => db.insertInto('audit_log').values(chained.rows))
    .updateTable('audit_head')
    .set(chained.head)
    .where('id', '=', 1)
    .execute();
}

/**
 * The rows that append `recs` to a chain whose head (locked by the caller, `for update`) is `head`, and the new
 * head: for writers that fold the append into a statement of their own (the intake's group commit).
 */
export function chainAuditRows(head: { seq: number | string | bigint; hash: string }, recs: readonly AuditRecord[], at: Date) {
  let seq = Number(head.seq);
  let prev = head.hash;
  const rows = recs.map((rec) => {
    seq += 1;
    const content = {
      seq,
      at: at.toISOString(),
      actor: rec.actor,
      action: rec.action,
      project_id: rec.projectId ?? null,
      report_id: rec.reportId ?? null,
      data: rec.data ?? {},
    };
    const hash = sha(chainInput(content, prev));
    const row = { ...content, at, data: JSON.stringify(content.data), prev_hash: prev, hash };
    prev = hash;
    return row;
  });
  return { rows, head: { seq, hash: prev } };
}

export async function readAudit(db: DbOrTx, filter: { projectId?: string; reportId?: string; limit?: number } = {}) {
  let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc');
  if (filter.projectId) q = q.where('project_id', '=', filter.projectId);
  if (filter.reportId) q = q.where('report_id', '=', filter.reportId);
  if (filter.limit) q = q.limit(filter.limit);
  return q.execute();
}

export async function verifyAudit(db: Db): Promise<{ entries: number; problems: ChainProblem[] }> {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').execute();
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  const entries: AuditEntry[] = rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    project_id: r.project_id,
    report_id: r.report_id,
    data: r.data as Record<string, unknown>,
    prev_hash: r.prev_hash,
    hash: r.hash,
  }));
  return { entries: entries.length, problems: verifyChain(entries, { seq: Number(head.seq), hash: head.hash }, sha) };
}

