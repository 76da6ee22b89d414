import { randomUUID } from 'node:crypto';
import { DomainError } from '../../core/errors.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { openAttachment, sealAttachment, sniffAttachments, type IncomingFile, type SniffedFile } from './attachments.ts';
import { recordEvent } from './events.ts';
import { aad, requireReport, reportForToken } from './store.ts';
import { queueMaintainerMessage } from '../mail/notify.ts';
import { raiseEvent, reportRef } from '../events/raise.ts';

/** A message of a report's thread, as `insertMessage` stores it (sealed, with its attachments). */
export interface NewMessage {
  reportId: string;
  author: { kind: 'reporter' | 'maintainer'; userId: string | null };
  /** An internal note: maintainers only, never shown or mailed to the reporter. */
  internal: boolean;
  text: string;
  /** Attachments, their content type already sniffed. */
  files: SniffedFile[];
  at: Date;
}

export async function insertMessage(ctx: ServiceContext, tx: Tx, message: NewMessage): Promise<string> {
  const { reportId, author, internal, text, files, at: now } = message;
  const id = randomUUID();
  const sealed = ctx.sealer.seal(text, aad(reportId, `message:${id}`));
  await tx
    .insertInto('messages')
    .values({ id, report_id: reportId, author_kind: author.kind, author_user_id: author.userId, internal, body_sealed: sealed.sealed, key_id: sealed.keyId, created_at: now })
    .execute();
  for (const f of files) {
    await tx.insertInto('attachments').values({ ...sealAttachment(ctx.sealer, reportId, f), report_id: reportId, message_id: id, created_at: now }).execute();
  }
  return id;
}

const MAX_MESSAGE = 100_000;

function checkMessage(text: string): string {
  const t = text.trim();
  if (!t) throw DomainError.validation([{ field: 'body', message: 'is required' }]);
  if (t.length > MAX_MESSAGE) throw DomainError.validation([{ field: 'body', message: `must be at most ${MAX_MESSAGE} characters` }]);
  return t;
}

export async function addMaintainerMessage(
  ctx: ServiceContext,
  project: ProjectRecord,
  trackingId: string,
  actor: Actor | null,
  actorLabel: string,
  input: { body: string; internal: boolean },
): Promise<{ id: string }> {
  authorize(actor, input.internal ? 'report:note' : 'report:reply');
  const text = checkMessage(input.body);
  const row = await requireReport(ctx, project, trackingId);
  const now = ctx.now();
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertMessage(ctx, tx, { reportId: row.id, author: { kind: 'maintainer', userId: actor?.userId ?? null }, internal: input.internal, text, files: [], at: now });
    if (!input.internal) await recordEvent(tx, row.id, { kind: 'maintainer-reply', at: now.toISOString() }, actorLabel);
    if (!input.internal) await queueMaintainerMessage(tx, ctx, { reportId: row.id, authorUserId: actor?.userId ?? null, body: text });
    await tx.updateTable('reports').set({ updated_at: now }).where('id', '=', row.id).execute();
    await appendAudit(tx, { actor: actorLabel, action: input.internal ? 'report.note-added' : 'report.reply-sent', projectId: project.id, reportId: row.id, data: { message: id } }, now);
    return id;
  });
  return { id };
}

export async function addReporterMessage(ctx: ServiceContext, token: string, text: string, files: IncomingFile[]): Promise<{ id: string }> {
  const body = checkMessage(text);
  const { row, project } = await reportForToken(ctx, token);
  const sniffed = await sniffAttachments(files);
  const now = ctx.now();
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertMessage(ctx, tx, {
      reportId: row.id,
      author: { kind: 'reporter', userId: null },
      internal: false,
      text: body,
      files: sniffed,
      at: now,
    });
    await recordEvent(tx, row.id, { kind: 'reporter-message', at: now.toISOString() }, 'reporter');
    await tx.updateTable('reports').set({ updated_at: now }).where('id', '=', row.id).execute();
    await appendAudit(tx, { actor: 'reporter', action: 'report.reporter-message', projectId: project.id, reportId: row.id, data: { message: id, attachments: files.length } }, now);
    await raiseEvent(tx, project.id, { type: 'report.message_created', report: await reportRef(tx, row.id), message_id: id, channel: 'web' }, now);
    return id;
  });
  return { id };
}

export async function readAttachment(
  ctx: ServiceContext,
  reportId: string,
  attachmentId: string,
  opts: { reporterView: boolean },
): Promise<{ filename: string; contentType: string; data: Buffer }> {
  const a = await ctx.db.selectFrom('attachments').selectAll().where('id', '=', attachmentId).where('report_id', '=', reportId).executeTakeFirst();
  if (!a) throw new DomainError('not_found', 'No such attachment');
  if (opts.reporterView && a.message_id) {
    const m = await ctx.db.selectFrom('messages').select('internal').where('id', '=', a.message_id).executeTakeFirst();
    if (!m || m.internal) throw new DomainError('not_found', 'No such attachment');
  }
  return { filename: a.filename, contentType: a.content_type, data: openAttachment(ctx.sealer, reportId, a) };
}

export async function maintainerAttachment(ctx: ServiceContext, project: ProjectRecord, trackingId: string, attachmentId: string, actor: Actor | null, actorLabel: string) {
  authorize(actor, 'report:read');
  const row = await requireReport(ctx, project, trackingId);
  const file = await readAttachment(ctx, row.id, attachmentId, { reporterView: false });
  await ctx.db.transaction().execute((tx) => appendAudit(tx, { actor: actorLabel, action: 'report.attachment-read', projectId: project.id, reportId: row.id, data: { attachment: attachmentId } }, ctx.now()));
  return file;
}

export async function reporterAttachment(ctx: ServiceContext, token: string, attachmentId: string) {
  const { row } = await reportForToken(ctx, token);
  return readAttachment(ctx, row.id, attachmentId, { reporterView: true });
}
