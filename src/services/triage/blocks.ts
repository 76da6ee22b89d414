import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import { normalizeBlockValue, normalizeEmail, normalizeFingerprint, type BlockKind, type BlockRule } from '../../core/triage/blocks.ts';
import type { ReportBody } from '../../core/reports/submission.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { aad } from '../reports/store.ts';

/** Where a block applies: one project (its maintainers) or the whole instance (site admins). */
export type BlockScope = { project: ProjectRecord } | { instance: true };

export interface SenderBlock {
  id: string;
  scope: 'project' | 'instance';
  kind: BlockKind;
  /** null for a block made from a report: the maintainer sees the report, not more of the sender. */
  value: string | null;
  fromTrackingId: string | null;
  note: string | null;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  liftedAt: Date | null;
  active: boolean;
}

export interface BlockInput {
  kind: BlockKind;
  value: string;
  /** ISO date-time; null or absent: indefinitely. */
  expiresAt?: string | null;
  note?: string | null;
}

const projectIdOf = (scope: BlockScope) => ('project' in scope ? scope.project.id : null);

function checkExpiry(expiresAt: string | null | undefined, now: Date): Date | null {
  if (expiresAt === null || expiresAt === undefined) return null;
  const at = new Date(expiresAt);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(expiresAt)) throw DomainError.validation([{ field: 'expires_at', message: 'must be an ISO-8601 date-time, or null' }]);
  if (at.getTime() <= now.getTime()) throw DomainError.validation([{ field: 'expires_at', message: 'must be in the future' }]);
  return at;
}

type BlockRow = {
  id: string;
  project_id: string | null;
  kind: string;
  value: string;
  from_tracking_id: string | null;
  note: string | null;
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  lifted_at: Date | null;
};

const viewOf = (r: BlockRow, now: Date): SenderBlock => ({
  id: r.id,
  scope: r.project_id ? 'project' : 'instance',
  kind: r.kind as BlockKind,
  value: r.from_tracking_id ? null : r.value,
  fromTrackingId: r.from_tracking_id,
  note: r.note,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  liftedAt: r.lifted_at,
  active: !r.lifted_at && (!r.expires_at || r.expires_at.getTime() > now.getTime()),
});

const COLUMNS = ['id', 'project_id', 'kind', 'value', 'from_tracking_id', 'note', 'created_by', 'created_at', 'expires_at', 'lifted_at'] as const;

/** A project's blocks (its own, never the instance's), or the instance's; newest first, lifted ones last. */
export async function listBlocks(ctx: ServiceContext, scope: BlockScope, actor: Actor | null): Promise<SenderBlock[]> {
  if ('project' in scope) authorize(actor, 'sender:block');
  const projectId = projectIdOf(scope);
  const rows = await ctx.db
    .selectFrom('sender_blocks')
    .select(COLUMNS)
    .$if(projectId !== null, (q) => q.where('project_id', '=', projectId as string))
    .$if(projectId === null, (q) => q.where('project_id', 'is', null))
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(500)
    .execute();
  const now = ctx.now();
  return rows.map((r) => viewOf(r, now)).sort((a, b) => Number(b.active) - Number(a.active));
}

/** Blocks a sender by what the maintainer typed (an address, a fingerprint, an IP or CIDR); audited with the value. */
export async function createBlock(ctx: ServiceContext, scope: BlockScope, actor: Actor | null, actorLabel: string, input: BlockInput): Promise<SenderBlock> {
  if ('project' in scope) authorize(actor, 'sender:block');
  const now = ctx.now();
  const value = normalizeBlockValue(input.kind, input.value);
  const expiresAt = checkExpiry(input.expiresAt, now);
  const note = input.note?.trim() || null;
  const projectId = projectIdOf(scope);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('sender_blocks')
      .values({ project_id: projectId, kind: input.kind, value, from_report_id: null, from_tracking_id: null, note, created_by: actorLabel, created_at: now, expires_at: expiresAt, lifted_at: null, lifted_by: null })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await appendAudit(tx, { actor: actorLabel, action: 'sender.blocked', projectId, data: { block: row.id, kind: input.kind, value, expires_at: expiresAt?.toISOString() ?? null, note } }, now);
    return viewOf(row, now);
  }).finally(() => forget(ctx, projectId));
}

/**
 * "Block this sender" on a report: blocks the address the report gave and the OpenPGP keys it carried, for the
 * project. The blocks are listed by the report, never by value, and the audit entry names the kinds only: the
 * maintainer learns nothing of the sender they could not already see. A report with no address and no key
 * cannot be blocked this way (we keep no network address of a report).
 */
export async function blockReportSender(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  input: { expiresAt?: string | null; note?: string | null },
): Promise<SenderBlock[]> {
  authorize(actor, 'sender:block');
  const now = ctx.now();
  const expiresAt = checkExpiry(input.expiresAt, now);
  const note = input.note?.trim() || null;
  const report = await ctx.db
    .selectFrom('reports')
    .select(['id', 'body_sealed', 'key_id', 'reporter_key_fingerprint', 'signer_fingerprint'])
    .where('project_id', '=', project.id)
    .where('tracking_id', '=', trackingId)
    .executeTakeFirst();
  if (!report) throw new DomainError('not_found', `No report ${trackingId} in ${project.slug}`);
  const body = openJson<ReportBody>(ctx.sealer, report.key_id, report.body_sealed, aad(report.id, 'body'));
  const wanted: { kind: BlockKind; value: string }[] = [];
  if (body.reporter_email?.trim()) wanted.push({ kind: 'email', value: normalizeEmail(body.reporter_email) });
  for (const fp of new Set([report.reporter_key_fingerprint, report.signer_fingerprint].filter((f): f is string => !!f).map(normalizeFingerprint))) wanted.push({ kind: 'pgp', value: fp });
  if (!wanted.length) throw new DomainError('conflict', `Report ${trackingId} gave no address and no OpenPGP key: there is nothing to block it by`);
  return ctx.db.transaction().execute(async (tx) => {
    const rows = await tx
      .insertInto('sender_blocks')
      .values(wanted.map((w) => ({ project_id: project.id, kind: w.kind, value: w.value, from_report_id: report.id, from_tracking_id: trackingId, note, created_by: actorLabel, created_at: now, expires_at: expiresAt, lifted_at: null, lifted_by: null })))
      .returning(COLUMNS)
      .execute();
    await appendAudit(
      tx,
      { actor: actorLabel, action: 'sender.blocked', projectId: project.id, reportId: report.id, data: { blocks: rows.map((r) => r.id), kinds: wanted.map((w) => w.kind), from_report: trackingId, expires_at: expiresAt?.toISOString() ?? null, note } },
      now,
    );
    return rows.map((r) => viewOf(r, now));
  }).finally(() => forget(ctx, project.id));
}

/** Lifts a block (it stays listed, lifted); audited. Lifting one already lifted changes and records nothing. */
export async function liftBlock(ctx: ServiceContext, scope: BlockScope, actor: Actor | null, actorLabel: string, blockId: string): Promise<SenderBlock> {
  if ('project' in scope) authorize(actor, 'sender:block');
  const now = ctx.now();
  const projectId = projectIdOf(scope);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('sender_blocks')
      .select(COLUMNS)
      .where('id', '=', blockId)
      .$if(projectId !== null, (q) => q.where('project_id', '=', projectId as string))
      .$if(projectId === null, (q) => q.where('project_id', 'is', null))
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', 'No such block');
    if (row.lifted_at) return viewOf(row, now);
    const lifted = await tx.updateTable('sender_blocks').set({ lifted_at: now, lifted_by: actorLabel }).where('id', '=', row.id).returning(COLUMNS).executeTakeFirstOrThrow();
    await appendAudit(tx, { actor: actorLabel, action: 'sender.unblocked', projectId, data: { block: row.id, kind: row.kind, ...(row.from_tracking_id ? { from_report: row.from_tracking_id } : { value: row.value }) } }, now);
    return viewOf(lifted, now);
  }).finally(() => forget(ctx, projectId));
}

/**
 * The blocks in force for a project's intake: its own and the instance's, neither lifted nor expired. Read through
 * `ctx.intakeBlocks` (a few seconds per process, like the intake's project), so a submission costs no query for
 * them; a block made or lifted in this process clears it at once, one made by another instance shows within
 * INTAKE_CACHE_MS.
 */
export async function blocksForIntake(ctx: ServiceContext, projectId: string): Promise<BlockRule[]> {
  const nowMs = ctx.now().getTime();
  let cached = ctx.intakeBlocks.get(projectId, nowMs);
  if (!cached) {
    const rows = await ctx.db
      .selectFrom('sender_blocks')
      .select(['id', 'kind', 'value', 'expires_at'])
      .where((eb) => eb.or([eb('project_id', '=', projectId), eb('project_id', 'is', null)]))
      .where('lifted_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date(nowMs))]))
      .execute();
    cached = rows.map((r) => ({ id: r.id, kind: r.kind as BlockKind, value: r.value, expiresAtMs: r.expires_at?.getTime() ?? null }));
    ctx.intakeBlocks.set(projectId, cached, nowMs);
  }
  return cached.filter((b) => b.expiresAtMs === null || b.expiresAtMs > nowMs).map(({ id, kind, value }) => ({ id, kind, value }));
}

/** A block changed: this process's intake sees it at once (an instance-wide one concerns every project). */
const forget = (ctx: ServiceContext, projectId: string | null) => (projectId ? ctx.intakeBlocks.delete(projectId) : ctx.intakeBlocks.clear());
