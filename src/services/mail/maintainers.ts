import { sql, type Insertable } from 'kysely';
import type { OutboxTable } from '../../adapters/db/schema-mail.ts';
import { isProjectRole } from '../../core/access/permissions.ts';
import { deadlineReminder, maintainerNotification, type MailText } from '../../core/mail/templates.ts';
import { reportOf, type EventType, type ProjectEvent } from '../../core/notifications/events.ts';
import { defaultLevel, isNotificationLevel, mailsEvent, type NotificationLevel } from '../../core/notifications/preferences.ts';
import { UI_ROUTES } from '../../core/ui-paths.ts';
import type { ServiceContext, Tx } from '../context.ts';
import type { DispatchedEvent } from '../events/types.ts';
import { aad } from '../reports/store.ts';
import { outboxRow } from './outbox.ts';

/** A mail kind per event type (docs/email.md lists them): deadline reminders keep the kinds they had before events existed. */
export const maintainerMailKind = (type: EventType): string =>
  type === 'report.deadline_due' ? 'reminder-due-soon' : type === 'report.deadline_missed' ? 'reminder-breached' : `notify-${type.replace(/[._]/g, '-')}`;

function mailFor(projectName: string, d: DispatchedEvent, title: string | null, level: Exclude<NotificationLevel, 'none'>, settingsUrl: string): MailText {
  const e = d.event;
  if (e.type === 'report.deadline_due' || e.type === 'report.deadline_missed') {
    return deadlineReminder({
      projectName,
      trackingId: e.report.tracking_id,
      clock: e.deadline,
      dueAt: e.due_at,
      threshold: e.type === 'report.deadline_missed' ? 'breached' : 'due-soon',
      promise: e.promise,
      reportUrl: d.link,
    });
  }
  return maintainerNotification({ projectName, event: e, title, link: d.link, settingsUrl, level });
}

/**
 * The fan-out of events into maintainer mails (src/services/events/dispatch.ts), in the dispatching transaction:
 * one outbox row per (event, member whose role and preference ask for it), so a crash before the commit queues
 * none and a dispatched event is never mailed twice. A report's title is opened only for members who allowed it;
 * its body never. Each mail is encrypted to the member's OpenPGP key when they registered one (at send time).
 */
export async function queueMaintainerMails(tx: Tx, ctx: ServiceContext, events: DispatchedEvent[]): Promise<void> {
  const projectIds = [...new Set(events.map((e) => e.projectId))];
  const members = await tx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .leftJoin('notification_preferences as np', (j) => j.onRef('np.user_id', '=', 'memberships.user_id').onRef('np.project_id', '=', 'memberships.project_id'))
    .select(['memberships.project_id', 'memberships.role', 'users.id as user_id', 'users.email', 'np.level', 'np.include_titles'])
    .where(sql<boolean>`memberships.project_id = any(${projectIds}::uuid[])`)
    .where('users.disabled', '=', false)
    .execute();
  if (!members.length) return;
  const titles = new Map<string, string>();
  const titleOf = async (reportId: string): Promise<string> => {
    let t = titles.get(reportId);
    if (t === undefined) {
      const r = await tx.selectFrom('reports').select(['title_sealed', 'key_id']).where('id', '=', reportId).executeTakeFirstOrThrow();
      t = ctx.sealer.open(r.key_id, r.title_sealed, aad(reportId, 'title')).toString('utf8');
      titles.set(reportId, t);
    }
    return t;
  };
  const settingsUrl = `${ctx.publicUrl}${UI_ROUTES.account}`;
  // Who has each report now, for members who want only their assigned reports.
  const reportIds = [...new Set(events.map((d) => reportOf(d.event)?.id).filter((id): id is string => Boolean(id)))];
  const assignees = new Map<string, string | null>();
  if (reportIds.length && members.some((m) => m.level === 'assigned')) {
    const rows = await tx.selectFrom('reports').select(['id', 'assignee_user_id']).where(sql<boolean>`id = any(${reportIds}::uuid[])`).execute();
    for (const r of rows) assignees.set(r.id, r.assignee_user_id);
  }
  const rows: Array<Insertable<OutboxTable>> = [];
  for (const d of events) {
    const report = reportOf(d.event);
    for (const m of members) {
      if (m.project_id !== d.projectId || !isProjectRole(m.role)) continue;
      const level = isNotificationLevel(m.level) ? m.level : defaultLevel(m.role);
      if (level === 'none' || !mailsEvent(m.role, level, d.event, report ? assignees.get(report.id) === m.user_id : false)) continue;
      const title = report && m.include_titles ? await titleOf(report.id) : null;
      const mail = mailFor(d.project.name, d, title, level, settingsUrl);
      rows.push(
        outboxRow(ctx, {
          kind: maintainerMailKind(d.event.type),
          projectId: d.projectId,
          reportId: report?.id ?? null,
          to: m.email,
          subject: mail.subject,
          text: mail.text,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Embargo-Event': d.event.type, ...(report ? { 'X-Embargo-Tracking-ID': report.tracking_id } : {}) },
          encryptToUser: m.user_id,
        }),
      );
    }
  }
  for (let i = 0; i < rows.length; i += 500) await tx.insertInto('outbox').values(rows.slice(i, i + 500)).execute();
}
