import { sql } from 'kysely';
import type { StatusDigestInput } from '../../core/mail/templates.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { queueStatusDigest } from './notify.ts';

/** At most one status mail per report per this long (docs/notifications.md); replies are never held. */
export const DIGEST_INTERVAL_MS = 10 * 60_000;

/** A disclosure date as the reporter reads it: the day, with the time only when it is not midnight UTC. */
export const disclosureDateText = (iso: string): string => (iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')} UTC`);

export type ReporterChange = StatusDigestInput['changes'][number];

/**
 * Records a change the reporter is told about (a new status, a moved disclosure date), in the transaction of the
 * change. It is mailed with every other change of the report made before the mail goes: at once when the last
 * status mail is more than ten minutes old, else when those ten minutes are over (src/jobs/reporter-digests.ts).
 */
export async function recordReporterChange(db: DbOrTx, ctx: Pick<ServiceContext, 'now'>, reportId: string, change: ReporterChange): Promise<void> {
  const now = ctx.now();
  const earliest = new Date(now.getTime() - DIGEST_INTERVAL_MS);
  await sql`
    insert into reporter_digests (report_id, changes, next_send_at) values (${reportId}, ${JSON.stringify([change])}::jsonb, ${now})
    on conflict (report_id) do update set
      changes = reporter_digests.changes || excluded.changes,
      next_send_at = coalesce(
        reporter_digests.next_send_at,
        case when reporter_digests.last_sent_at is null or reporter_digests.last_sent_at <= ${earliest} then ${now}::timestamptz
             else reporter_digests.last_sent_at + make_interval(secs => ${DIGEST_INTERVAL_MS / 1000}) end
      )`.execute(db);
}

/**
 * Mails the due digests, each in one transaction with emptying it (claimed FOR UPDATE SKIP LOCKED, so instances
 * never mail one twice, and a crash before the commit leaves it to be mailed later). Returns how many were handled.
 */
export async function sendReporterDigests(ctx: ServiceContext, limit = 50): Promise<number> {
  let handled = 0;
  for (; handled < limit; handled += 1) {
    const done = await ctx.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('reporter_digests')
        .select(['report_id', 'changes'])
        .where('next_send_at', '<=', ctx.now())
        .orderBy('next_send_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return false;
      const changes = (typeof row.changes === 'string' ? JSON.parse(row.changes) : row.changes) as ReporterChange[];
      const sent = changes.length ? await queueStatusDigest(tx, ctx, { reportId: row.report_id, changes }) : null;
      await tx
        .updateTable('reporter_digests')
        .set({ changes: '[]', next_send_at: null, ...(sent ? { last_sent_at: ctx.now() } : {}) })
        .where('report_id', '=', row.report_id)
        .execute();
      return true;
    });
    if (!done) break;
  }
  return handled;
}
