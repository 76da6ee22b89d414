import { openJson } from '../../adapters/crypto/sealer.ts';
import type { IntakeMailRows } from '../reports/intake-writer.ts';
import { acknowledgement, advisoryPublished, maintainerMessage, statusDigest, type MailText, type StatusDigestInput } from '../../core/mail/templates.ts';
import type { ReportBody } from '../../core/reports/submission.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { ensureReplyToken, newReplyAddressRow, replyAddress, replyTokenOf } from './addresses.ts';
import { threadRootId } from './settings.ts';
import { enqueueMail, isMailableAddress, outboxRow } from './outbox.ts';
import { aad } from '../reports/store.ts';

/**
 * The mails to a reporter, queued inside the transaction of the change they announce (see enqueueMail). Each
 * function is a no-op when the report has no reporter address (internal reports, reporters who gave none).
 */

interface ReportMailInfo {
  reportId: string;
  projectId: string;
  projectName: string;
  trackingId: string;
  securityAddress: string | null;
  reporterEmail: string | null;
}

async function loadInfo(db: DbOrTx, ctx: ServiceContext, reportId: string): Promise<ReportMailInfo | null> {
  const row = await db
    .selectFrom('reports')
    .innerJoin('projects', 'projects.id', 'reports.project_id')
    .select(['reports.id', 'reports.tracking_id', 'reports.body_sealed', 'reports.key_id', 'projects.id as project_id', 'projects.name', 'projects.policy'])
    .where('reports.id', '=', reportId)
    .executeTakeFirst();
  if (!row) return null;
  const body = openJson<ReportBody>(ctx.sealer, row.key_id, row.body_sealed, aad(row.id, 'body'));
  const policy = row.policy as { contacts?: { email?: string } };
  return {
    reportId: row.id,
    projectId: row.project_id,
    projectName: row.name,
    trackingId: row.tracking_id,
    securityAddress: policy.contacts?.email ?? null,
    reporterEmail: body.reporter_email,
  };
}

/** Reply-To (the report's reply address, when mail is received and the policy names a security address). */
async function replyHeaders(db: DbOrTx, ctx: ServiceContext, info: ReportMailInfo, create: boolean): Promise<Record<string, string>> {
  if (!ctx.mail?.replyByMail || !info.securityAddress || !info.reporterEmail) return {};
  const token = create ? await ensureReplyToken(db, ctx, info.reportId, info.reporterEmail) : await replyTokenOf(db, ctx, info.reportId);
  return token ? { 'Reply-To': replyAddress(info.securityAddress, token) } : {};
}

async function toReporter(db: DbOrTx, ctx: ServiceContext, info: ReportMailInfo, kind: string, mail: MailText, headers: Record<string, string>): Promise<string> {
  return enqueueMail(db, ctx, {
    kind,
    projectId: info.projectId,
    reportId: info.reportId,
    to: info.reporterEmail as string,
    subject: mail.subject,
    text: mail.text,
    headers: { 'X-Embargo-Tracking-ID': info.trackingId, ...headers },
    encryptToReporter: true,
  });
}

/** How a submission wants its acknowledgement (mail intake: answer the reporter's mail, or stay silent). */
export interface AcknowledgementOptions {
  /** Message-ID of the reporter's mail the acknowledgement answers. */
  inReplyTo?: string | null;
  /** False for auto-submitted mail (RFC 3834: never answer it, to avoid loops). Default true. */
  acknowledge?: boolean;
}

/**
 * The acknowledgement of a new report: tracking ID, the private link (known only now: it is stored hashed) and
 * the reply address. Built from what the intake already holds — no read-back of the report — so the intake's group
 * commit can insert the rows of a whole batch at once. Empty when there is nobody to answer.
 */
export function acknowledgementRows(
  ctx: ServiceContext,
  input: AcknowledgementOptions & {
    reportId: string;
    trackingId: string;
    project: { id: string; name: string; securityAddress: string | null };
    reporterEmail: string | null;
    reporterLink: string;
    submittedAt: Date;
    promise?: string | null;
  },
): IntakeMailRows {
  const rows: IntakeMailRows = { outbox: [], replyAddresses: [] };
  const to = input.reporterEmail;
  if (input.acknowledge === false || !to || !isMailableAddress(to)) return rows;
  const headers: Record<string, string> = {};
  if (ctx.mail?.replyByMail && input.project.securityAddress) {
    const reply = newReplyAddressRow(ctx, input.reportId, to);
    rows.replyAddresses.push(reply.row);
    headers['Reply-To'] = replyAddress(input.project.securityAddress, reply.token);
  }
  const mail = acknowledgement({
    projectName: input.project.name,
    trackingId: input.trackingId,
    reporterLink: input.reporterLink,
    submittedAt: input.submittedAt.toISOString(),
    promise: input.promise ?? null,
    replyByMail: 'Reply-To' in headers,
  });
  // The acknowledgement is the thread root; when it answers a mail, it replies to that mail (RFC 3834).
  headers['Message-ID'] = threadRootId(ctx, input.reportId);
  if (input.inReplyTo) {
    headers['In-Reply-To'] = input.inReplyTo;
    headers.References = input.inReplyTo;
    headers['Auto-Submitted'] = 'auto-replied';
  } else headers['Auto-Submitted'] = 'auto-generated';
  rows.outbox.push(
    outboxRow(ctx, {
      kind: 'acknowledgement',
      projectId: input.project.id,
      reportId: input.reportId,
      to,
      subject: mail.subject,
      text: mail.text,
      headers: { 'X-Embargo-Tracking-ID': input.trackingId, ...headers },
      encryptToReporter: true,
    }),
  );
  return rows;
}

const threadHeaders = (ctx: ServiceContext, reportId: string) => ({ 'In-Reply-To': threadRootId(ctx, reportId), References: threadRootId(ctx, reportId) });

/**
 * The reporter's status mail: every change recorded since the last one (src/services/mail/reporter-digests.ts).
 * Null when there is nobody to mail.
 */
export async function queueStatusDigest(db: DbOrTx, ctx: ServiceContext, input: { reportId: string; changes: StatusDigestInput['changes'] }): Promise<string | null> {
  const changes = input.changes.filter((c) => c.from !== c.to);
  if (!changes.length) return null;
  const info = await loadInfo(db, ctx, input.reportId);
  if (!info?.reporterEmail || !isMailableAddress(info.reporterEmail)) return null;
  const reply = await replyHeaders(db, ctx, info, false);
  const mail = statusDigest({ projectName: info.projectName, trackingId: info.trackingId, changes, replyByMail: 'Reply-To' in reply });
  return toReporter(db, ctx, info, 'state-change', mail, { ...reply, ...threadHeaders(ctx, info.reportId), 'Auto-Submitted': 'auto-generated' });
}

/** A maintainer's message (not an internal note). Written by a person, so no Auto-Submitted header. */
export async function queueMaintainerMessage(db: DbOrTx, ctx: ServiceContext, input: { reportId: string; authorUserId: string | null; body: string }): Promise<string | null> {
  const info = await loadInfo(db, ctx, input.reportId);
  if (!info?.reporterEmail || !isMailableAddress(info.reporterEmail)) return null;
  const author = input.authorUserId ? await db.selectFrom('users').select('name').where('id', '=', input.authorUserId).executeTakeFirst() : undefined;
  const reply = await replyHeaders(db, ctx, info, true);
  const mail = maintainerMessage({ projectName: info.projectName, trackingId: info.trackingId, authorName: author?.name ?? null, body: input.body, replyByMail: 'Reply-To' in reply });
  return toReporter(db, ctx, info, 'maintainer-message', mail, { ...reply, ...threadHeaders(ctx, info.reportId) });
}

/** For the advisory publication: tells the reporter of `reportId` that the advisory is out. */
export async function queueAdvisoryPublished(
  db: DbOrTx,
  ctx: ServiceContext,
  input: { reportId: string; advisoryId: string; advisoryTitle: string; advisoryUrl: string; creditedAs: string | null },
): Promise<string | null> {
  const info = await loadInfo(db, ctx, input.reportId);
  if (!info?.reporterEmail || !isMailableAddress(info.reporterEmail)) return null;
  const mail = advisoryPublished({ projectName: info.projectName, trackingId: info.trackingId, ...input });
  return toReporter(db, ctx, info, 'advisory-published', mail, { ...threadHeaders(ctx, info.reportId), 'Auto-Submitted': 'auto-generated' });
}
