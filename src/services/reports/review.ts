import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import { matchBlock, normalizeEmail, type SenderIdentity } from '../../core/triage/blocks.ts';
import type { ReportBody } from '../../core/reports/submission.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { hashToken } from '../../adapters/crypto/tokens.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import { acknowledgementRows, type AcknowledgementOptions } from '../mail/notify.ts';
import { getProject, type ProjectRecord } from '../projects/projects.ts';
import { blocksForIntake } from '../triage/blocks.ts';
import { reporterAddressHash } from '../triage/signing.ts';
import { reserveTrackingId, type PreparedReport } from './intake-writer.ts';
import { aad } from './store.ts';
import { decodeCursor, encodeCursor, pageSize, type Page, type PageRequest } from '../paging.ts';

/**
 * The review queue (issue 18): submissions held before they become reports — from a blocked sender, or from a
 * first-time reporter when the policy holds those. A held submission is stored (sealed) with the tracking ID it
 * was given; it is in no queue, starts no clock, raises no event and sends no mail. Released, it goes through
 * intake's group commit as a new report (clocks start then; the acknowledgement is sent then); discarded, it is
 * deleted. Every step is audited. The sender is answered exactly as an accepted submission is (docs/triage.md).
 */
export type HoldReason = 'blocked' | 'first-time';

export interface HoldDecision {
  reason: HoldReason;
  blockId: string | null;
}

/** The states that count a report as accepted (as the reporter's history counts them). */
const ACCEPTED_STATES = ['accepted', 'fixing', 'fixed', 'disclosed', 'closed'];

/** Whether the sender has an accepted report on this instance, by the address they give or a key they carry. */
async function isKnownReporter(ctx: ServiceContext, sender: SenderIdentity): Promise<boolean> {
  if (sender.fingerprints.length) {
    const fps = sender.fingerprints;
    const byKey = await ctx.db
      .selectFrom('reports')
      .select('id')
      .where('state', 'in', ACCEPTED_STATES)
      .where((eb) => eb.or([eb('reporter_key_fingerprint', '=', eb.fn.any(eb.val(fps))), eb('signer_fingerprint', '=', eb.fn.any(eb.val(fps)))]))
      .limit(1)
      .executeTakeFirst();
    if (byKey) return true;
  }
  if (!sender.email) return false;
  const byAddress = await ctx.db
    .selectFrom('report_reporters as x')
    .innerJoin('reports as r', 'r.id', 'x.report_id')
    .select('r.id')
    .where('x.address_hash', '=', reporterAddressHash(ctx, sender.email))
    .where('r.state', 'in', ACCEPTED_STATES)
    .limit(1)
    .executeTakeFirst();
  return !!byAddress;
}

/** Whether a submission is held, and why: a block in force first, then the policy's first-time hold. */
export async function holdDecision(ctx: ServiceContext, project: ProjectRecord, sender: SenderIdentity): Promise<HoldDecision | null> {
  const hit = matchBlock(sender, await blocksForIntake(ctx, project.id));
  if (hit) return { reason: 'blocked', blockId: hit.id };
  if (project.policy.intake.hold_first_time_reporters && !(await isKnownReporter(ctx, sender))) return { reason: 'first-time', blockId: null };
  return null;
}

/** What the acknowledgement at release needs (the private link is known only at submission: sealed here). */
export type HeldAcknowledgement = AcknowledgementOptions & { reporterEmail: string | null; reporterLink: string; submittedAt: Date };

interface HeldPayload {
  report: PreparedReport['report'];
  attachments: PreparedReport['attachments'];
  auditData: Record<string, unknown>;
  ack: HeldAcknowledgement;
}

// JSON with bytes and dates kept (Buffer's own toJSON would turn bytes into a list of numbers).
function encode(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $b: Buffer.from(v).toString('base64') };
  if (v instanceof Date) return { $d: v.toISOString() };
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}
function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$b === 'string' && Object.keys(o).length === 1) return Buffer.from(o.$b, 'base64');
    if (typeof o.$d === 'string' && Object.keys(o).length === 1) return new Date(o.$d);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

const payloadAad = (id: string) => aad(id, 'held');

/**
 * Holds a prepared submission: a tracking number from the project's sequence, the sealed row, and its audit entry
 * (`report.held`, naming the block but never the sender), in one transaction, before the caller answers.
 */
export async function holdReport(
  ctx: ServiceContext,
  prepared: Pick<PreparedReport, 'projectId' | 'trackingPrefix' | 'report' | 'attachments'> & { auditData: Record<string, unknown> },
  decision: HoldDecision,
  ack: HeldAcknowledgement,
): Promise<string> {
  const now = ctx.now();
  const r = prepared.report;
  const payload: HeldPayload = { report: r, attachments: prepared.attachments, auditData: prepared.auditData, ack };
  const sealed = ctx.sealer.seal(JSON.stringify(encode(payload)), payloadAad(r.id));
  return ctx.db.transaction().execute(async (tx) => {
    const trackingId = await reserveTrackingId(tx, prepared.projectId, prepared.trackingPrefix, now);
    await tx
      .insertInto('held_reports')
      .values({
        id: r.id,
        project_id: prepared.projectId,
        tracking_id: trackingId,
        reason: decision.reason,
        block_id: decision.blockId,
        source: r.source,
        reporter_token_hash: r.reporter_token_hash,
        title_sealed: r.title_sealed,
        payload_sealed: sealed.sealed,
        key_id: sealed.keyId,
        created_at: now,
      })
      .execute();
    await appendAudit(
      tx,
      { actor: 'reporter', action: 'report.held', projectId: prepared.projectId, reportId: r.id, data: { ...prepared.auditData, tracking_id: trackingId, reason: decision.reason, block: decision.blockId } },
      now,
    );
    return trackingId;
  });
}

export interface HeldItem {
  trackingId: string;
  reason: HoldReason;
  source: string;
  title: string;
  receivedAt: Date;
}

/** The project's review queue, oldest first, a keyset page at a time (50 by default, 200 at most), and how many it holds. */
export async function listHeld(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, page: PageRequest = {}): Promise<Page<HeldItem> & { total: number }> {
  authorize(actor, 'intake:review');
  const limit = pageSize(page.limit);
  const bound = { project: project.id };
  const after = page.cursor ? (decodeCursor('review', bound, page.cursor, ['int', 'uuid']) as [number, string]) : null;
  let q = ctx.db
    .selectFrom('held_reports')
    .select(['id', 'tracking_id', 'reason', 'source', 'title_sealed', 'key_id', 'created_at'])
    .where('project_id', '=', project.id);
  // held_reports_project_idx (project_id, created_at, id); created_at is written from ctx.now(), whole milliseconds.
  if (after) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(new Date(after[0]), after[1])));
  const rows = await q.orderBy('created_at').orderBy('id').limit(limit + 1).execute();
  const total = await countHeld(ctx, project.id);
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  // The title is sealed under the report's key (the sealer's key id is kept with the title's report row: same key).
  const items = shown.map((r) => ({
    trackingId: r.tracking_id,
    reason: r.reason as HoldReason,
    source: r.source,
    title: ctx.sealer.open(r.key_id, r.title_sealed, aad(r.id, 'title')).toString('utf8'),
    receivedAt: r.created_at,
  }));
  return { items, total, nextCursor: rows.length > limit && last ? encodeCursor('review', bound, [last.created_at.getTime(), last.id]) : null };
}

/** How many submissions wait in the project's review queue (all a maintainer is told of them). */
export async function countHeld(ctx: ServiceContext, projectId: string): Promise<number> {
  const row = await ctx.db.selectFrom('held_reports').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function heldRow(ctx: ServiceContext, project: ProjectRecord, trackingId: string) {
  const row = await ctx.db.selectFrom('held_reports').selectAll().where('project_id', '=', project.id).where('tracking_id', '=', trackingId).executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No held submission ${trackingId} in ${project.slug}`);
  return row;
}

const openPayload = (ctx: ServiceContext, row: { id: string; key_id: string; payload_sealed: Uint8Array }): HeldPayload =>
  decode(openJson<unknown>(ctx.sealer, row.key_id, row.payload_sealed, payloadAad(row.id))) as HeldPayload;

/** A held submission's title and body for the maintainer deciding on it (an audited read, as a report's is). */
export async function readHeld(ctx: ServiceContext, project: ProjectRecord, trackingId: string, actor: Actor | null, actorLabel: string): Promise<HeldItem & { body: ReportBody; attachments: number }> {
  authorize(actor, 'intake:review');
  const row = await heldRow(ctx, project, trackingId);
  const p = openPayload(ctx, row);
  const body = openJson<ReportBody>(ctx.sealer, p.report.key_id, p.report.body_sealed as Uint8Array, aad(row.id, 'body'));
  await ctx.db.transaction().execute((tx) => appendAudit(tx, { actor: actorLabel, action: 'report.body-read', projectId: project.id, reportId: row.id, data: { held: true } }, ctx.now()));
  return {
    trackingId: row.tracking_id,
    reason: row.reason as HoldReason,
    source: row.source,
    title: ctx.sealer.open(row.key_id, row.title_sealed, aad(row.id, 'title')).toString('utf8'),
    receivedAt: row.created_at,
    body,
    attachments: p.attachments.length,
  };
}

/**
 * Releases a held submission: it becomes a report through intake's group commit, with its tracking ID, created
 * (and its clocks started) now; its acknowledgement goes out now; `report.created` is raised now. The held row
 * is deleted in the same transaction: released twice, or released and discarded at once, only one wins.
 */
export async function releaseHeld(ctx: ServiceContext, project: ProjectRecord, trackingId: string, actor: Actor | null, actorLabel: string): Promise<{ trackingId: string }> {
  authorize(actor, 'intake:review');
  const row = await heldRow(ctx, project, trackingId);
  const p = openPayload(ctx, row);
  const now = ctx.now();
  await ctx.intakeWriter.write({
    projectId: project.id,
    trackingPrefix: project.trackingPrefix,
    trackingId: row.tracking_id,
    report: { ...p.report, created_at: now, updated_at: now },
    attachments: p.attachments.map((a) => ({ ...a, created_at: now })),
    audit: {
      actor: actorLabel,
      action: 'report.released',
      projectId: project.id,
      reportId: row.id,
      data: { ...p.auditData, held_at: row.created_at.toISOString(), reason: row.reason },
    },
    mailRows: (tid) =>
      acknowledgementRows(ctx, {
        inReplyTo: p.ack.inReplyTo ?? null,
        acknowledge: p.ack.acknowledge ?? true,
        reportId: row.id,
        trackingId: tid,
        project: { id: project.id, name: project.name, securityAddress: project.policy.contacts?.email ?? null },
        reporterEmail: p.ack.reporterEmail,
        reporterLink: p.ack.reporterLink,
        submittedAt: p.ack.submittedAt,
      }),
    afterInsert: async (tx) => {
      const gone = await tx.deleteFrom('held_reports').where('id', '=', row.id).returning('id').executeTakeFirst();
      if (!gone) throw new DomainError('conflict', `${trackingId} was released or discarded meanwhile`);
    },
  });
  return { trackingId: row.tracking_id };
}

/** Discards a held submission: deleted with its audit entry; its reporter link opens nothing from then on. */
export async function discardHeld(ctx: ServiceContext, project: ProjectRecord, trackingId: string, actor: Actor | null, actorLabel: string): Promise<{ trackingId: string }> {
  authorize(actor, 'intake:review');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('held_reports').where('project_id', '=', project.id).where('tracking_id', '=', trackingId).returning(['id', 'reason', 'source', 'created_at']).executeTakeFirst();
    if (!gone) throw new DomainError('not_found', `No held submission ${trackingId} in ${project.slug}`);
    await appendAudit(
      tx,
      { actor: actorLabel, action: 'report.discarded', projectId: project.id, reportId: gone.id, data: { tracking_id: trackingId, reason: gone.reason, source: gone.source, held_at: gone.created_at.toISOString() } },
      now,
    );
    return { trackingId };
  });
}

/** A held submission as its reporter's link finds it (views.ts shows it as state `new`, no deadline, no thread). */
export interface HeldForReporter {
  project: ProjectRecord;
  trackingId: string;
  title: string;
  body: ReportBody;
  source: string;
  receivedAt: Date;
  report: PreparedReport['report'];
}

export async function heldForReporter(ctx: ServiceContext, token: string): Promise<HeldForReporter | null> {
  const row = await ctx.db.selectFrom('held_reports').selectAll().where('reporter_token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) return null;
  const slug = await ctx.db.selectFrom('projects').select('slug').where('id', '=', row.project_id).executeTakeFirstOrThrow();
  const project = await getProject(ctx.db, slug.slug);
  const r = openPayload(ctx, row).report;
  return {
    project,
    trackingId: row.tracking_id,
    title: ctx.sealer.open(row.key_id, row.title_sealed, aad(row.id, 'title')).toString('utf8'),
    body: openJson<ReportBody>(ctx.sealer, r.key_id, r.body_sealed as Uint8Array, aad(row.id, 'body')),
    source: row.source,
    receivedAt: row.created_at,
    report: r,
  };
}

/** The sender of a submission, as the hold check and the blocks read it. */
export const senderOf = (email: string | null | undefined, fingerprints: (string | null | undefined)[], address: string | null | undefined): SenderIdentity => ({
  email: email?.trim() ? normalizeEmail(email) : null,
  fingerprints: [...new Set(fingerprints.filter((f): f is string => !!f))],
  address: address ?? null,
});
