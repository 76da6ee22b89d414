import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { DomainError } from '../../core/errors.ts';
import { authorize } from '../../core/access/permissions.ts';
import { aad } from '../reports/store.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import type { CaseCaller } from './access.ts';
import { raiseEvent, reportRef } from '../events/raise.ts';
import { openAttachment, sealAttachment, sniffAttachments, type IncomingFile } from '../reports/attachments.ts';

/**
 * The party thread (issue 19): one thread per case, read by every party and the maintainers, apart from the
 * reporter thread and the internal notes (table `messages`, which no case route reads). Attachments are taken as
 * intake takes a reporter's (the same limits, sniffing and sealing: reports/attachments.ts) into their own table,
 * `case_attachments`, which only case routes read. Unread markers are per reader: a party's is
 * `case_parties.last_read_seq`, a maintainer's a `case_read_markers` row (per user, per case); the last `seq` read.
 * One's own messages never count as unread.
 */

export const PAGE = 50;
const MAX_MESSAGE = 100_000;

export interface CaseMessageView {
  id: string;
  seq: number;
  author_name: string;
  /** The party that wrote it; null for the project's maintainers. */
  party_id: string | null;
  body: string;
  created_at: Date;
  attachments: CaseAttachmentInfo[];
}

export interface CaseAttachmentInfo {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
}

const messageAad = (reportId: string, id: string) => aad(reportId, `case-message:${id}`);

export async function postCaseMessage(ctx: ServiceContext, caller: CaseCaller, input: { body: string; files?: IncomingFile[] }): Promise<CaseMessageView> {
  if (caller.kind === 'maintainer') authorize(caller.actor, 'report:reply');
  const body = input.body.trim();
  if (!body) throw DomainError.validation([{ field: 'body', message: 'is required' }]);
  if (body.length > MAX_MESSAGE) throw DomainError.validation([{ field: 'body', message: `must be at most ${MAX_MESSAGE} characters` }]);
  const files = await sniffAttachments(input.files ?? []);
  const now = ctx.now();
  const id = randomUUID();
  const reportId = caller.report.id;
  const sealedFiles = files.map((f) => sealAttachment(ctx.sealer, reportId, f));
  const partyId = caller.kind === 'party' ? caller.party.id : null;
  const sealed = ctx.sealer.seal(body, messageAad(reportId, id));
  return ctx.db.transaction().execute(async (tx) => {
    const authorName =
      caller.kind === 'party'
        ? caller.party.name
        : `${(await tx.selectFrom('users').select('name').where('id', '=', caller.actor.userId).executeTakeFirst())?.name ?? 'Maintainer'} (${caller.project.name})`;
    const row = await tx
      .insertInto('case_messages')
      .values({ id, report_id: reportId, party_id: partyId, author_user_id: caller.kind === 'party' ? caller.party.userId : caller.actor.userId, author_name: authorName, body_sealed: sealed.sealed, key_id: sealed.keyId, created_at: now })
      .returning('seq')
      .executeTakeFirstOrThrow();
    if (sealedFiles.length) await tx.insertInto('case_attachments').values(sealedFiles.map((f) => ({ ...f, report_id: reportId, message_id: id, created_at: now }))).execute();
    // Writing in the thread means having read it up to here.
    await moveMarker(tx, caller, Number(row.seq));
    await appendAudit(tx, { actor: caller.label, action: 'case.message', projectId: caller.project.id, reportId, data: { message: id, attachments: sealedFiles.length } }, now);
    await raiseEvent(tx, caller.project.id, { type: 'case.message_created', report: await reportRef(tx, reportId), message_id: id, party_id: partyId }, now);
    const attachments = sealedFiles.map(({ id, filename, content_type, size, sha256 }) => ({ id, filename, content_type, size, sha256 }));
    return { id, seq: Number(row.seq), author_name: authorName, party_id: partyId, body, created_at: now, attachments };
  });
}

/** A page of the thread, oldest first: the latest PAGE messages, or those before `before` (a seq). */
export async function caseMessages(ctx: ServiceContext, caller: CaseCaller, opts: { before?: number | undefined; limit?: number | undefined } = {}): Promise<CaseMessageView[]> {
  const limit = Math.min(Math.max(opts.limit ?? PAGE, 1), 200);
  let q = ctx.db
    .selectFrom('case_messages')
    .select(['id', 'seq', 'author_name', 'party_id', 'body_sealed', 'key_id', 'created_at'])
    .where('report_id', '=', caller.report.id);
  if (opts.before !== undefined) q = q.where('seq', '<', String(opts.before));
  const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
  const files = rows.length
    ? await ctx.db
        .selectFrom('case_attachments')
        .select(['id', 'message_id', 'filename', 'content_type', 'size', 'sha256'])
        .where('report_id', '=', caller.report.id)
        .where(sql<boolean>`message_id = any(${rows.map((r) => r.id)}::uuid[])`)
        .orderBy('created_at')
        .orderBy('filename')
        .execute()
    : [];
  const byMessage = new Map<string, CaseAttachmentInfo[]>();
  for (const { message_id, ...f } of files) byMessage.set(message_id, [...(byMessage.get(message_id) ?? []), f]);
  return rows.reverse().map((m) => ({
    id: m.id,
    seq: Number(m.seq),
    author_name: m.author_name,
    party_id: m.party_id,
    body: ctx.sealer.open(m.key_id, m.body_sealed, messageAad(caller.report.id, m.id)).toString('utf8'),
    created_at: m.created_at,
    attachments: byMessage.get(m.id) ?? [],
  }));
}

/**
 * An attachment of the party thread, for the case's parties and maintainers (resolveCase decided): found only under
 * its own case, never a reporter's file; every download audited like a report attachment's.
 */
export async function caseAttachment(ctx: ServiceContext, caller: CaseCaller, attachmentId: string): Promise<{ filename: string; contentType: string; data: Buffer }> {
  const a = await ctx.db.selectFrom('case_attachments').selectAll().where('id', '=', attachmentId).where('report_id', '=', caller.report.id).executeTakeFirst();
  if (!a) throw new DomainError('not_found', 'No such attachment');
  const data = openAttachment(ctx.sealer, caller.report.id, a);
  await ctx.db.transaction().execute((tx) =>
    appendAudit(tx, { actor: caller.label, action: 'case.attachment-read', projectId: caller.project.id, reportId: caller.report.id, data: { attachment: a.id } }, ctx.now()),
  );
  return { filename: a.filename, contentType: a.content_type, data };
}

/** The caller's unread marker: a party's on its party row, a maintainer's own row (0 before their first read). */
export async function readMarker(db: DbOrTx, caller: CaseCaller): Promise<number> {
  if (caller.kind === 'party') return caller.party.lastReadSeq;
  const row = await db.selectFrom('case_read_markers').select('last_read_seq').where('report_id', '=', caller.report.id).where('user_id', '=', caller.actor.userId).executeTakeFirst();
  return Number(row?.last_read_seq ?? 0);
}

/** Unread messages of the caller: written by others after its marker. */
export async function unreadCount(ctx: ServiceContext, caller: CaseCaller, marker?: number): Promise<number> {
  const after = marker ?? (await readMarker(ctx.db, caller));
  let q = ctx.db
    .selectFrom('case_messages')
    .select((e) => e.fn.countAll<string>().as('n'))
    .where('report_id', '=', caller.report.id)
    .where('seq', '>', String(after));
  q =
    caller.kind === 'party'
      ? q.where((e) => e.or([e('party_id', 'is', null), e('party_id', '!=', caller.party.id)]))
      : q.where((e) => e.or([e('author_user_id', 'is', null), e('author_user_id', '!=', caller.actor.userId)]));
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Moves the caller's marker forward to `seq`, never back; answers the marker now. */
async function moveMarker(db: DbOrTx, caller: CaseCaller, seq: number): Promise<number> {
  if (caller.kind === 'party') {
    const row = await db.updateTable('case_parties').set({ last_read_seq: sql`greatest(last_read_seq, ${seq})` }).where('id', '=', caller.party.id).returning('last_read_seq').executeTakeFirstOrThrow();
    return Number(row.last_read_seq);
  }
  const row = await db
    .insertInto('case_read_markers')
    .values({ report_id: caller.report.id, user_id: caller.actor.userId, last_read_seq: seq })
    .onConflict((oc) => oc.columns(['report_id', 'user_id']).doUpdateSet({ last_read_seq: sql`greatest(case_read_markers.last_read_seq, excluded.last_read_seq)` }))
    .returning('last_read_seq')
    .executeTakeFirstOrThrow();
  return Number(row.last_read_seq);
}

/** Moves the caller's marker forward to `seq` (never back: a stale tab cannot mark read messages unread). */
export async function markRead(ctx: ServiceContext, caller: CaseCaller, seq: number): Promise<{ last_read_seq: number; unread: number }> {
  const max = await ctx.db.selectFrom('case_messages').select((e) => e.fn.max('seq').as('m')).where('report_id', '=', caller.report.id).executeTakeFirst();
  const marker = await moveMarker(ctx.db, caller, Math.min(seq, Number(max?.m ?? 0)));
  return { last_read_seq: marker, unread: await unreadCount(ctx, caller, marker) };
}
