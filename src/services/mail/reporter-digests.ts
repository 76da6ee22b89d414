import { sql } from 'kysely';
import type { StatusDigestInput } from '../../core/mail/templates.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { queueStatusDigest } from './notify.ts';

/** At most one status mail per report per this long (docs/notifications.md); replies are never held. */
export const DIGEST_INTERVAL_MS = 10 * 60_000;

/**
 * A disclosure date as the reporter reads it: as the maintainers gave it (a day stays a day, in the policy's time
 * zone), an instant as its UTC minute.
 */
export const disclosureDateText = (given: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(given) ? given : given.endsWith('T00:00:00.000Z') ? given.slice(0, 10) : `${new Date(given).toISOString().slice(0, 16).replace('T', ' ')} UTC`);

/** The disclosure date of a report as last given (the text of its latest `embargo-set` event), or null. */
export async function lastGivenEmbargo(db: DbOrTx, reportId: string): Promise<string | null> {
  const last = await db.selectFrom('report_events').select('data').where('report_id', '=', reportId).where('kind', '=', 'embargo-set').orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const data = (typeof last?.data === 'string' ? JSON.parse(last.data) : last?.data) as { until?: string | null } | undefined;
  return data?.until ?? null;
}

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
