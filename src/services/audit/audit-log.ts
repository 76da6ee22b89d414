
import { chainInput, checkHead, GENESIS_HASH, hashesTo, verifySegment, type AuditEntry, type ChainHead, type ChainProblem } from '../../core/audit/chain.ts';
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

export interface AuditVerification {
  /** Entries in the chain up to its head as far as this verification knows it (the checkpoint's and those checked). */
  entries: number;
  /** Entries hashed by this verification. */
  checked: number;
  /** The first entry checked: 1 for a full verification, the one after the checkpoint otherwise. */
  fromSeq: number;
  full: boolean;
  problems: ChainProblem[];
  /** The checkpoint after this verification: advanced to the head when nothing was wrong. */
  checkpoint: ChainHead;
}

const VERIFY_CHUNK = 5000;

const toEntry = (r: { seq: number | string; at: Date; actor: string; action: string; project_id: string | null; report_id: string | null; data: unknown; prev_hash: string; hash: string }): AuditEntry => ({
  seq: Number(r.seq),
  at: r.at.toISOString(),
  actor: r.actor,
  action: r.action,
  project_id: r.project_id,
  report_id: r.report_id,
  data: r.data as Record<string, unknown>,
  prev_hash: r.prev_hash,
  hash: r.hash,
});

/**
 * Verifies the hash chain from the stored checkpoint (the last entry a verification found intact) to the head,
 * or from the first entry with `full`; read in chunks, so memory stays flat however long the chain. When nothing is
 * wrong the checkpoint moves to the head. Incremental verification also re-hashes the checkpoint's own entry, but
 * only a full one can see an edit further back: run it periodically (`embargo audit verify --full`).
 */
export async function verifyAudit(db: Db, opts: { full?: boolean; at?: Date } = {}): Promise<AuditVerification> {
  const full = opts.full ?? false;
  const headRow = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  const head: ChainHead = { seq: Number(headRow.seq), hash: headRow.hash };
  const problems: ChainProblem[] = [];
  let from: ChainHead = { seq: 0, hash: GENESIS_HASH };
  if (!full) {
    const checkpoint = await db.selectFrom('audit_checkpoint').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    if (checkpoint && Number(checkpoint.seq) > 0) {
      from = { seq: Number(checkpoint.seq), hash: checkpoint.hash };
      const row = await db.selectFrom('audit_log').selectAll().where('seq', '=', from.seq).executeTakeFirst();
      if (!row) problems.push({ seq: from.seq, problem: 'missing', message: `entry ${from.seq}, intact at the last verification, is missing` });
      else if (row.hash !== from.hash || !hashesTo(toEntry(row), sha)) {
        problems.push({ seq: from.seq, problem: 'tampered', message: `entry ${from.seq} (${row.action}) was modified after it was verified` });
      }
    }
  }
  let last = from;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', last.seq).where('seq', '<=', head.seq).orderBy('seq').limit(VERIFY_CHUNK).execute();
    if (!rows.length) break;
    const segment = verifySegment(rows.map(toEntry), last, sha);
    problems.push(...segment.problems);
    last = segment.last;
    checked += rows.length;
    if (rows.length < VERIFY_CHUNK) break;
  }
  problems.push(...checkHead(last, head));
  let checkpoint = from;
  if (!problems.length) {
    await db
      .updateTable('audit_checkpoint')
      .set({ seq: head.seq, hash: head.hash, verified_at: opts.at ?? new Date() })
      .where('id', '=', 1)
      .where('seq', '<=', head.seq)
      .execute();
    checkpoint = head;
  }
  return { entries: from.seq + checked, checked, fromSeq: from.seq + 1, full, problems, checkpoint };
}
