/** The announce job's work: every newly published advisory goes once to every confirmed subscriber. */
import { changelogEntry } from '../../core/advisories/changelog.ts';
import { announcementMail } from '../../core/recognition/mailing-list.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { advisoryUrl } from '../advisories/disclosure.ts';
import { documentOf } from '../advisories/store.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { getProject, type ProjectRecord } from '../projects/projects.ts';
import { subscriberAad, unsubscribePath } from './mailing-list.ts';

export const ANNOUNCE_JOB_ACTOR = 'job:announce-advisories';
/** Public states whose advisory is announced; a withdrawn one that never went out is not announced at all. */
const ANNOUNCED_STATES = ['published', 'amended'];

/** `List-Id` (RFC 2919): one list per project, named under the server's host. */
const listId = (ctx: ServiceContext, project: ProjectRecord) => `<${project.slug}.advisories.${new URL(ctx.publicUrl).hostname}>`;

async function announceOne(tx: Tx, ctx: ServiceContext, row: { id: string; project_id: string; public_id: string; document: unknown; document_sealed: Uint8Array | null; key_id: string | null }): Promise<number> {
  const slug = (await tx.selectFrom('projects').select('slug').where('id', '=', row.project_id).executeTakeFirstOrThrow()).slug;
  const project = await getProject(tx, slug);
  const advisory = documentOf(ctx, row);
  const url = advisoryUrl(ctx.publicUrl, project.slug, row.public_id);
  const subscribers = await tx
    .selectFrom('mailing_list_subscribers')
    .select(['id', 'email_sealed', 'unsubscribe_token_sealed', 'key_id'])
    .where('project_id', '=', project.id)
    .where('state', '=', 'confirmed')
    .orderBy('id')
    .execute();
  for (const s of subscribers) {
    const to = ctx.sealer.open(s.key_id, s.email_sealed, subscriberAad(s.id, 'email')).toString('utf8');
    const token = ctx.sealer.open(s.key_id, s.unsubscribe_token_sealed, subscriberAad(s.id, 'unsubscribe')).toString('utf8');
    const unsubscribeUrl = `${ctx.publicUrl}${unsubscribePath(project.slug, token)}`;
    const mail = announcementMail({
      projectName: project.name,
      advisoryId: row.public_id,
      title: advisory.title,
      cveId: advisory.cve_id,
      summary: advisory.summary,
      advisoryUrl: url,
      changelog: changelogEntry(advisory, project.policy, url),
      unsubscribeUrl,
    });
    await enqueueMail(tx, ctx, {
      kind: 'advisory-announcement',
      projectId: project.id,
      to,
      subject: mail.subject,
      text: mail.text,
      // RFC 2369 + RFC 8058: mail clients offer one-click unsubscribe by POSTing to the https URL.
      headers: {
        'List-Id': listId(ctx, project),
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        Precedence: 'bulk',
        'Auto-Submitted': 'auto-generated',
      },
    });
  }
  await appendAudit(tx, { actor: ANNOUNCE_JOB_ACTOR, action: 'mailing-list.announce', projectId: project.id, data: { advisory: row.public_id, recipients: subscribers.length } }, ctx.now());
  return subscribers.length;
}

/** Locks the oldest unannounced advisory no other transaction holds, and marks it announced; null when none is left. */
async function claimNext(tx: Tx, now: Date) {
  for (;;) {
    const candidate = await tx
      .selectFrom('advisories')
      .select('id')
      .where('announced_at', 'is', null)
      .where('state', 'in', ANNOUNCED_STATES)
      .orderBy('published_at')
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!candidate) return null;
    // Re-checked: the candidate may have been announced and committed by another instance since this
    // statement's snapshot; then it matches nothing and the next candidate is tried.
    const claimed = await tx
      .updateTable('advisories')
      .set({ announced_at: now })
      .where('id', '=', candidate.id)
      .where('announced_at', 'is', null)
      .where('state', 'in', ANNOUNCED_STATES)
      .returning(['id', 'project_id', 'public_id', 'document', 'document_sealed', 'key_id'])
      .executeTakeFirst();
    if (claimed) return claimed;
  }
}

/**
 * Announces up to `limit` published advisories not announced yet, each in its own transaction with its mails.
 * The claim (`SELECT … FOR UPDATE SKIP LOCKED`, then `UPDATE … WHERE announced_at IS NULL`) lets another
 * instance skip what this one holds and never claim what another already committed: each advisory is
 * announced exactly once. A failure rolls the claim back with the mails, and the next tick tries again.
 */
export async function announcePublishedAdvisories(ctx: ServiceContext, limit = 5): Promise<number> {
  let announced = 0;
  for (let i = 0; i < limit; i++) {
    const done = await ctx.db.transaction().execute(async (tx) => {
      const claimed = await claimNext(tx, ctx.now());
      if (!claimed) return false;
      await announceOne(tx, ctx, claimed);
      return true;
    });
    if (!done) break;
    announced++;
  }
  return announced;
}
